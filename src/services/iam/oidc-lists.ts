/**
 * Client-id and thumbprint lists of an OIDC provider (M-IAM CreateOpenIDConnectProvider,
 * IAMG:id_roles_providers_create_oidc): at most 100 client ids; at most 5 thumbprints, each the
 * 40-hex-digit SHA-1 of a certificate, stored lower-case so comparisons are exact. Duplicates
 * collapse, first occurrence wins.
 */
import { fail } from '../../errors/index.js';

export const MAX_CLIENT_IDS = 100;
export const MAX_THUMBPRINTS = 5;

export function normaliseClientIds(ids: readonly string[] | undefined): string[] {
  const out = [...new Set(ids ?? [])];
  if (out.length > MAX_CLIENT_IDS) tooManyClientIds(out.length);
  return out;
}

export function tooManyClientIds(count: number): never {
  return fail('LimitExceeded', `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`, {
    reason: { check: 'iam.quota.oidc-client-ids', expected: MAX_CLIENT_IDS, actual: count },
  });
}

export function normaliseThumbprints(thumbprints: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const t of thumbprints ?? []) {
    if (!/^[0-9a-fA-F]{40}$/.test(t)) {
      fail('InvalidInput', `Thumbprint ${t} is not valid: a thumbprint is 40 hexadecimal digits.`, { reason: { check: 'iam.oidc-thumbprint.format', actual: t } });
    }
    const lower = t.toLowerCase();
    if (!out.includes(lower)) out.push(lower);
  }
  if (out.length > MAX_THUMBPRINTS) {
    fail('InvalidInput', `Thumbprint list must contain at most ${MAX_THUMBPRINTS} thumbprints.`, {
      reason: { check: 'iam.oidc-thumbprint.count', expected: MAX_THUMBPRINTS, actual: out.length },
    });
  }
  return out;
}
