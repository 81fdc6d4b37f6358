/**
 * A throw-away certificate authority for the upstream IdPs of the federation tests: a root CA
 * and one server certificate for 127.0.0.1 and localhost, written as PEM files into a directory.
 * The root's PEM is what the test process gets as NODE_EXTRA_CA_CERTS (read by Node at start,
 * hence written before the child test process is spawned).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK_NAMES, makeTestCertificates } from '../../../helpers/tls.js';

export interface TlsFiles {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function writeTestCa(dir: string): Promise<{ caFile: string }> {
  const { caPem, leafPem, leafKeyPem } = await makeTestCertificates(LOOPBACK_NAMES, 'Tessera OAuth2 Test Root CA');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, caPem);
  writeFileSync(join(dir, 'cert.pem'), `${leafPem.trim()}\n${caPem.trim()}\n`);
  writeFileSync(join(dir, 'key.pem'), leafKeyPem, { mode: 0o600 });
  return { caFile };
}

export function readTls(dir: string): TlsFiles {
  return {
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
  };
}
