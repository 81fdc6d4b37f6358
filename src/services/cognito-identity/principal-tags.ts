/**
 * Principal tags for enhanced-flow credentials (attributes for access control, aws-surface.md
 * §4.7): per provider, SetPrincipalTagAttributeMap maps tag keys to token claims; `UseDefaults`
 * maps the provider's defaults (CG:provider-mappings: `aud` and `sub`, or for Facebook and Login
 * with Amazon the app id and the user id — the exact default tag key names are unconfirmed,
 * Tessera names them after the claims: aud/sub, Facebook app_id/id, Amazon app_id/user_id, as
 * docs/compatibility.md lists); developer identities carry
 * the tags given to GetOpenIdTokenForDeveloperIdentity inside their token.
 *
 * Tag keys/values must satisfy the STS session-tag rules (≤ 50, key 1..128, value ≤ 256, the
 * STS character class, keys unique case-insensitively): a claim that cannot become a valid tag
 * refuses the credentials rather than silently dropping an attribute a policy may rely on.
 */
import { ServiceError } from '../../errors/index.js';
import type { PoolRecord } from './store.js';

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export interface TagSource {
  providerKey: string;
  roleMappingKeys: string[];
  claims: Record<string, unknown>;
  principalTags?: Record<string, string>;
}

/** UseDefaults: tag key → claim, per provider (aud and sub unless listed). */
const DEFAULT_TAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'graph.facebook.com': { app_id: 'app_id', id: 'id' },
  'www.amazon.com': { app_id: 'app_id', user_id: 'user_id' },
};
const AUD_AND_SUB = { aud: 'aud', sub: 'sub' } as const;

function claimValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function principalTags(pool: PoolRecord, logins: TagSource[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const login of logins) {
    for (const [k, v] of Object.entries(login.principalTags ?? {})) tags[k] = v;
    const names = [login.providerKey, ...login.roleMappingKeys];
    const map = names.map((n) => pool.principalTagMaps[n]).find((m) => m !== undefined);
    if (!map) continue;
    const mapping: Record<string, string> = map.useDefaults ? { ...(DEFAULT_TAGS[login.providerKey] ?? AUD_AND_SUB), ...map.tags } : { ...map.tags };
    for (const [tagKey, claim] of Object.entries(mapping)) {
      const value = claimValue(login.claims[claim]);
      if (value !== undefined) tags[tagKey] = value;
    }
  }
  checkTags(tags);
  return tags;
}

function checkTags(tags: Record<string, string>): void {
  const bad = (detail: string, actual: unknown) => {
    throw new ServiceError('InvalidIdentityPoolConfigurationException', `Principal tags could not be applied: ${detail}`, {
      reason: { check: 'ci.principal-tags', actual },
    });
  };
  const keys = Object.keys(tags);
  if (keys.length > 50) bad('more than 50 tags.', keys.length);
  const seen = new Set<string>();
  for (const k of keys) {
    if (!TAG_KEY.test(k)) bad(`invalid tag key '${k.slice(0, 130)}'.`, k);
    if (!TAG_VALUE.test(tags[k]!)) bad(`invalid value for tag '${k}'.`, tags[k]!.slice(0, 300));
    if (seen.has(k.toLowerCase())) bad(`duplicate tag key '${k}' (keys are case-insensitive).`, k);
    seen.add(k.toLowerCase());
  }
}
