/**
 * A throw-away certificate authority for tests: a root CA and one server certificate (ECDSA
 * P-256) for the given names, as PEM. Used by the HTTPS test issuer and by the federation tests'
 * upstream IdPs (whose root goes to NODE_EXTRA_CA_CERTS).
 */
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcryptoKeyPair } from './keys.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export type CertName = { type: 'ip' | 'dns'; value: string };
export const LOOPBACK_NAMES: CertName[] = [
  { type: 'ip', value: '127.0.0.1' },
  { type: 'dns', value: 'localhost' },
];

export async function makeTestCertificates(names: CertName[] = LOOPBACK_NAMES, caName = 'Tessera Test Root CA') {
  const alg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const sig = { name: 'ECDSA', hash: 'SHA-256' } as const;
  const caKeys = await webcryptoKeyPair(alg);
  const leafKeys = await webcryptoKeyPair(alg);
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 2 * 86400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${caName}`,
    notBefore,
    notAfter,
    keys: caKeys as never,
    signingAlgorithm: sig,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as never),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey as never,
    signingKey: caKeys.privateKey as never,
    signingAlgorithm: sig,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey as never),
    ],
  });
  const leafKeyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const leafKeyPem = `-----BEGIN PRIVATE KEY-----\n${leafKeyDer.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  return { caPem: ca.toString('pem'), leafPem: leaf.toString('pem'), leafKeyPem };
}

