/**
 * Tessera's own OpenID token for an identity (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity;
 * aws-surface.md §4.8): RS512, `iss` = the public URL (Tessera's stand-in for
 * https://cognito-identity.amazonaws.com), `aud` = pool id, `sub` = identity id, `amr`, the
 * identity-pool-arn claim, and principal tags as STS reads them (`https://aws.amazon.com/tags`,
 * IAM user guide id_session-tags).
 */
import type { VerifiedLogin } from '../../tokens/logins/index.js';
import type { CognitoIdentityContext } from './deps.js';
import { poolArn } from './ids.js';

/** GetOpenIdToken tokens live 10 minutes (M-CI). */
export const OPEN_ID_TOKEN_SECONDS = 600;

/**
 * `amr` (CG:role-trust-and-permissions): `["unauthenticated"]`, or `"authenticated"` followed by
 * the providers used (a Tessera token's own amr entries are carried over).
 */
export function amrFor(verified: VerifiedLogin[]): string[] {
  if (!verified.length) return ['unauthenticated'];
  const out = ['authenticated'];
  for (const v of verified) {
    for (const entry of v.amr ?? [v.providerKey]) if (!out.includes(entry)) out.push(entry);
  }
  return out;
}

export async function signOpenIdToken(
  c: CognitoIdentityContext,
  args: { poolId: string; identityId: string; amr: string[]; durationSeconds: number; principalTags?: Record<string, string> },
): Promise<string> {
  const iat = Math.floor(c.clock().getTime() / 1000);
  const tags = args.principalTags ?? {};
  const payload: Record<string, unknown> = {
    iss: c.publicUrl,
    sub: args.identityId,
    aud: args.poolId,
    amr: args.amr,
    'https://cognito-identity.amazonaws.com/identity-pool-arn': poolArn(args.poolId.slice(0, args.poolId.indexOf(':')), c.accountId, args.poolId),
    iat,
    exp: iat + args.durationSeconds,
  };
  if (Object.keys(tags).length) {
    payload['https://aws.amazon.com/tags'] = { principal_tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])) };
  }
  return c.openIdKeys.signJwt(payload, { typ: 'JWS' });
}
