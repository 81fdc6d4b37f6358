/**
 * Raw AWS requests for the load generator, built once before the timed phase: awsJson1_1
 * (X-Amz-Target, Cognito Identity and user pools) and awsQuery (form body, STS), optionally
 * SigV4-signed with @smithy/signature-v4 — the signer the AWS SDK for JavaScript v3 uses.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

/** awsJson1_1 request (aws-surface.md §1: dispatch by the X-Amz-Target prefix). */
export function jsonRequest(target, input) {
  const body = Buffer.from(JSON.stringify(input));
  return {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': body.length },
    body,
  };
}

/** awsQuery request (form-encoded Action + Version + parameters). */
export function queryRequest(params) {
  const body = Buffer.from(new URLSearchParams(params).toString());
  return {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    body,
  };
}

/**
 * Signs `req` for `service` with `credentials` ({ accessKeyId, secretAccessKey, sessionToken? });
 * the host header is the endpoint's. Returns a new request whose headers include Authorization,
 * X-Amz-Date and (for temporary credentials) X-Amz-Security-Token.
 */
export async function signRequest(req, { url, service, region, credentials, signingDate }) {
  const endpoint = new URL(url);
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const headers = { host: endpoint.host };
  for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: endpoint.hostname, port: Number(endpoint.port), path: req.path, headers, body: req.body.toString('utf8') },
    signingDate ? { signingDate } : {},
  );
  return { ...req, headers: signed.headers };
}
