/**
 * One GET to a provider's introspection endpoint (Facebook Graph, Login with Amazon tokeninfo,
 * Twitter verify_credentials) through the bounded fetch of src/tokens/fetch.ts (https only, no
 * redirects, 5 s deadline, 512 KiB cap by default). The provider refusing the token (HTTP 400,
 * 401 or 403: what these APIs answer for a bad, expired or revoked token) is 'IdpRejected'; any
 * other failure stays 'IdpCommunication'.
 */
import { Refusal } from '../../errors/index.js';
import type { FetchJson, FetchJsonOptions } from '../fetch.js';

const REJECTING_STATUSES = new Set([400, 401, 403]);

export function rejected(check: string, message: string, expected?: unknown, actual?: unknown): Refusal {
  return new Refusal('IdpRejected', message, { check, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}) });
}

export function badAnswer(check: string, message: string, expected: unknown, actual: unknown): Refusal {
  return new Refusal('IdpCommunication', message, { check, expected, actual });
}

export async function introspect(fetchJson: FetchJson, url: string, provider: string, options: FetchJsonOptions): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await fetchJson(url, options);
  } catch (e) {
    if (e instanceof Refusal && e.reason.check === 'fetch.status' && REJECTING_STATUSES.has(e.reason.actual as number)) {
      throw new Refusal('IdpRejected', `${provider} did not accept the token`, { check: `${provider}.token`, expected: 'HTTP 200', actual: e.reason.actual }, { cause: e });
    }
    throw e;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badAnswer(`${provider}.answer`, `${provider} answered something other than a JSON object`, 'a JSON object', Array.isArray(body) ? 'array' : typeof body);
  }
  return body as Record<string, unknown>;
}
