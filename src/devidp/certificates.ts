/**
 * Key pairs and self-signed certificates of the development identity providers (`--demo` /
 * `--dev-idps`): the HTTPS listener's TLS certificate (its SHA-1 thumbprint is what Tessera's
 * verifiers are told to trust, as IAM trusts an OIDC provider by thumbprint), and the signing keys
 * of the ID tokens and SAML responses the development IdPs issue.
 *
 * Each is generated once (RSA 2048, SHA-256, ten years) and kept in `<dataDir>/dev-idps/<name>.pem`
 * (private key and certificate, mode 0600), so tokens, identities and registered thumbprints
 * survive restarts. A file that cannot be read back as a key and a certificate is an error, not
 * silently replaced. The crypto provider is passed to @peculiar/x509 per call: nothing is set
 * process-wide.
 */
import { createHash, createPrivateKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateFreshKeyPairSync } from '../keys/generate.js';

export interface DevCertificate {
  readonly name: string;
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The private key, PKCS#8 PEM. */
  readonly keyPem: string;
  readonly privateKey: KeyObject;
  /** The certificate, DER, base64 (what SAML metadata and KeyInfo carry). */
  readonly certBase64: string;
  /** SHA-1 of the DER certificate, 40 lower-case hex digits (an IAM OIDC thumbprint). */
  readonly thumbprint: string;
}

export interface DevCertificateOptions {
  /** The subject's common name. */
  commonName: string;
  /** DNS names and IP addresses for a TLS server certificate (subjectAltName); none for a signing certificate. */
  altNames?: ReadonlyArray<{ type: 'dns' | 'ip'; value: string }>;
  /** When the certificate starts to be valid (the caller's clock). */
  now: Date;
}

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';

function describe(name: string, keyPem: string, certPem: string): DevCertificate {
  const cert = new X509Certificate(certPem);
  const privateKey = createPrivateKey(keyPem);
  if (!cert.checkPrivateKey(privateKey)) throw new Error(`dev-idps: ${name}.pem holds a key that does not match its certificate`);
  return Object.freeze({
    name,
    certPem,
    keyPem,
    privateKey,
    certBase64: cert.raw.toString('base64'),
    thumbprint: createHash('sha1').update(cert.raw).digest('hex'),
  });
}

async function generate(options: DevCertificateOptions): Promise<{ keyPem: string; certPem: string }> {
  const crypto = webcrypto;
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  // Generated as DER (keys/generate.ts: nothing shared with the generation job), then imported.
  const pair = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
  const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', pair.publicKey.export({ format: 'der', type: 'spki' }), alg, true, ['verify']),
  };
  const notBefore = new Date(options.now.getTime() - 3600_000);
  const notAfter = new Date(options.now.getTime() + 10 * 365 * 86400_000);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  ];
  if (options.altNames?.length) {
    extensions.push(new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']));
    extensions.push(new x509.SubjectAlternativeNameExtension(options.altNames.map((n) => ({ type: n.type, value: n.value }))));
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
      name: `CN=${options.commonName}, O=Tessera development identity providers (development only)`,
      notBefore,
      notAfter,
      keys: keys as never,
      signingAlgorithm: alg,
      extensions,
    },
    crypto as never,
  );
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString('pem') + '\n' };
}

/** Reads `<dataDir>/dev-idps/<name>.pem`, or generates and writes it on first use. */
export async function loadOrCreateDevCertificate(dataDir: string, name: string, options: DevCertificateOptions): Promise<DevCertificate> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`dev-idps: bad certificate name '${name}'`);
  const dir = join(dataDir, 'dev-idps');
  const file = join(dir, `${name}.pem`);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(BEGIN_CERT);
    if (at < 0) throw new Error(`dev-idps: ${file} has no certificate`);
    return describe(name, text.slice(0, at), text.slice(at));
  }
  const made = await generate(options);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, made.keyPem + made.certPem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another start wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDevCertificate(dataDir, name, options);
    throw err;
  }
  return describe(name, made.keyPem, made.certPem);
}
