/**
 * sts:AssumeRoleWithWebIdentity (aws-surface.md §5.2, checks in order): the token parses as a JWT;
 * its `iss` names Tessera itself, a registered IAM OIDC provider, or Google (`accounts.google.com`,
 * AWS's built-in provider, when no IAM OIDC provider is registered for it); the signature
 * verifies with a key from the issuer's JWKS (TLS trusted by the system CAs or the provider's
 * thumbprints); `aud` is in the ClientIDList (Google: any audience, judged by the trust policy's
 * `accounts.google.com:aud`); `exp` (with AWS's 5 minutes of grace). With ProviderId
 * `graph.facebook.com` or `www.amazon.com` the token is that provider's OAuth 2.0 access token,
 * verified with the provider's API (src/tokens/social). Then the one federation path
 * (services/federation/credentials.ts) evaluates the role's trust policy with the provider's
 * condition keys and mints. Unsigned, as on AWS.
 */
import { defineOperation } from '../../../wire/operation.js';
import { Refusal, ServiceError } from '../../../errors/index.js';
import { chooseRole, mintFederated } from '../../federation/credentials.js';
import type { StsDeps } from '../index.js';
import {
  assumedRoleUser,
  checkSessionTags,
  credentialsOutput,
  packedPolicySize,
  sessionDuration,
  sessionPolicy,
} from '../session.js';
import { peekJwt, webIdentityClaims } from '../web-identity.js';

/** ProviderId values AWS accepts: the OAuth 2.0 access-token providers (STS API reference). */
const ACCESS_TOKEN_PROVIDERS = ['graph.facebook.com', 'www.amazon.com'] as const;
/** The `iss` values of Google ID tokens (Google's "Authenticate with a backend server"). */
const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

interface Input {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  DurationSeconds?: number;
}

const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
/** The principal name trust policies use for identity-pool tokens (aws-surface.md §4.9). */
const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';

export function assumeRoleWithWebIdentity(deps: StsDeps) {
  return defineOperation<Input>({
    service: 'sts',
    name: 'AssumeRoleWithWebIdentity',
    auth: 'none',
    authorize: false,
    async handler(input, ctx) {
      const { provider, verified, keyClaims, role, duration, tags, transitiveTagKeys, policyArns, packed, context, federation } = await prepareWebIdentity(deps, input, ctx.requestContext);
      const minted = await mintFederated(federation, {
        role,
        principal: provider.principal,
        context,
        tags,
        durationSeconds: duration,
        session: {
          sessionName: input.RoleSessionName,
          sessionPolicy: input.Policy,
          sessionPolicyArns: policyArns,
          transitiveTagKeys,
          federated: { provider: provider.key, claims: keyClaims.sessionKeys },
          via: 'AssumeRoleWithWebIdentity',
        },
        refuse: { denied: (reason) => new ServiceError('AccessDenied', NOT_AUTHORIZED, { reason }) },
      });

      return {
        Credentials: credentialsOutput(minted),
        SubjectFromWebIdentityToken: verified.subject,
        AssumedRoleUser: assumedRoleUser(deps.accountId, role, input.RoleSessionName),
        ...(packed !== undefined ? { PackedPolicySize: packed } : {}),
        Provider: provider.principal,
        Audience: verified.audience,
      };
    },
  });
}

/** Everything AssumeRoleWithWebIdentity decides before the trust policy: what the token doctor explains with the same code. */
export type WebIdentityInput = Pick<Input, 'RoleArn' | 'RoleSessionName' | 'WebIdentityToken' | 'ProviderId' | 'Policy' | 'PolicyArns' | 'DurationSeconds'>;

/**
 * Steps 1-6 of AssumeRoleWithWebIdentity (the token, its provider, the role, the session): throws
 * the API's refusal at the first failed check, or returns the trust-policy request that
 * mintFederated (the API) or federatedTrustChecks (the doctor) evaluates.
 */
export async function prepareWebIdentity(deps: StsDeps, input: WebIdentityInput, requestContext: Record<string, string | string[]>) {
  let provider: { key: string; principal: string };
  let verified: { claims: Record<string, unknown>; subject: string; audience: string };
  let keyClaims: { conditionKeys: Record<string, string | string[]>; sessionKeys: Record<string, string | string[]> };
  if (input.ProviderId !== undefined) {
    // An OAuth 2.0 access token of Facebook or Login with Amazon, asked of the provider's API.
    const providerId = ACCESS_TOKEN_PROVIDERS.find((p) => p === input.ProviderId);
    if (providerId === undefined || !deps.social) {
      // Anything else is judged as a JWT first (as before ProviderId was understood), then refused.
      peekJwt(input.WebIdentityToken, deps.decoder);
      throw new ServiceError('InvalidParameterValue', 'ProviderId is only for OAuth 2.0 access tokens of www.amazon.com and graph.facebook.com; omit it for OpenID Connect ID tokens.', {
        reason: { check: 'sts.provider-id', expected: [...ACCESS_TOKEN_PROVIDERS], actual: input.ProviderId },
      });
    }
    let identity;
    try {
      identity = await deps.social[providerId].verify(input.WebIdentityToken, 'any');
    } catch (err) {
      throw refusalToSts(err);
    }
    provider = { key: providerId, principal: providerId };
    verified = { claims: identity.claims, subject: identity.subject, audience: identity.audience };
    // IAM's keys for these providers: graph.facebook.com:app_id / :id, www.amazon.com:app_id / :user_id.
    const idKey = providerId === 'graph.facebook.com' ? 'id' : 'user_id';
    const keys = { app_id: identity.audience, [idKey]: identity.subject };
    keyClaims = { conditionKeys: keys, sessionKeys: keys };
  } else {
    // 1. A JWT at all? (read unverified only to find the issuer; nothing else is trusted yet)
    const peeked = peekJwt(input.WebIdentityToken, deps.decoder);
    // 2. Who issued it: Tessera itself (identity pools' basic flow and developer tokens, which
    //    trust policies written for AWS know as `cognito-identity.amazonaws.com`), an IAM OIDC
    //    provider registered for exactly this issuer, or Google.
    const iss = peeked.iss;
    if (iss === deps.publicUrl) {
      let checked;
      try {
        checked = await deps.openIdKeys.verifyJwt(input.WebIdentityToken, { issuer: deps.publicUrl });
      } catch (err) {
        throw refusalToSts(err);
      }
      const aud = checked.claims.aud;
      const sub = checked.claims.sub;
      if (typeof aud !== 'string' || typeof sub !== 'string') {
        throw new ServiceError('InvalidIdentityToken', 'Missing a required claim: aud or sub', { reason: { check: 'jwt.claims', actual: { aud, sub } } });
      }
      provider = { key: COGNITO_IDENTITY, principal: COGNITO_IDENTITY };
      verified = { claims: checked.claims, subject: sub, audience: aud };
    } else {
      const providerUrl = iss.startsWith('https://') ? iss.slice('https://'.length) : undefined;
      const registered = providerUrl === undefined ? undefined : await deps.iam.getOidcProviderByUrl(providerUrl);
      if (registered) {
        // 3-5. Signature, audience, lifetime.
        try {
          verified = await deps.oidc.verify(
            input.WebIdentityToken,
            { issuer: iss, clientIds: registered.clientIds, thumbprints: registered.thumbprints },
            { audience: 'aud' },
          );
        } catch (err) {
          throw refusalToSts(err);
        }
        provider = { key: registered.url, principal: registered.arn };
      } else if (GOOGLE_ISSUERS.includes(iss) && deps.social) {
        try {
          verified = await deps.social['accounts.google.com'].verify(input.WebIdentityToken, 'any');
        } catch (err) {
          throw refusalToSts(err);
        }
        provider = { key: 'accounts.google.com', principal: 'accounts.google.com' };
      } else {
        throw new ServiceError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`, {
          reason: { check: 'jwt.iss', expected: 'the URL of an IAM OIDC provider of this account', actual: iss },
        });
      }
    }
    keyClaims = webIdentityClaims(verified.claims, verified.audience);
  }
  const claims = verified.claims as Record<string, unknown>;

  // 6. Role, duration, session policy, session tags.
  const federation = { accountId: deps.accountId, iam: deps.iam, authorizer: deps.authorizer, evaluateTrust: deps.evaluateTrust, vault: deps.vault };
  const role = await chooseRole(federation, { roleArn: input.RoleArn }, (reason) => new ServiceError('AccessDenied', NOT_AUTHORIZED, { reason: { ...reason, check: 'sts.role' } }));
  const duration = sessionDuration(input.DurationSeconds, role);
  sessionPolicy(input.Policy, deps.authorizer.cache);
  const { tags, transitiveTagKeys } = tokenSessionTags(claims);
  checkSessionTags(tags, transitiveTagKeys, 'token');
  const policyArns = (input.PolicyArns ?? []).map((p) => p.arn).filter((a): a is string => !!a);
  const packed = packedPolicySize(input.Policy, policyArns, tags);

  // 7. The trust policy, with the provider's condition keys (aws-surface.md §5.3), then minting.
  const context: Record<string, string | string[]> = { ...requestContext, 'sts:RoleSessionName': input.RoleSessionName };
  for (const [claim, value] of Object.entries(keyClaims.conditionKeys)) context[`${provider.key}:${claim}`] = value;
  return { provider, verified, keyClaims, role, duration, tags, transitiveTagKeys, policyArns, packed, context, federation };
}

/** Maps a verifier refusal to the STS code the wire has (aws-surface.md §2.2, §5.2). */
export function refusalToSts(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (!(err instanceof Refusal)) return new ServiceError('InvalidIdentityToken', 'The web identity token could not be verified.', { cause: err });
  switch (err.kind) {
    case 'ExpiredToken':
      return new ServiceError('ExpiredTokenException', err.message || 'Token expired', { reason: err.reason, cause: err });
    case 'IdpRejected':
      return new ServiceError('IDPRejectedClaim', err.message || 'The identity provider rejected the token.', { reason: err.reason, cause: err });
    case 'IdpCommunication':
      return new ServiceError('IDPCommunicationError', err.message || "Couldn't retrieve verification key from your identity provider", {
        reason: err.reason,
        cause: err,
      });
    default: {
      const check = err.reason.check;
      const message = check === 'jwt.aud' || check === 'jwt.azp' || check === 'provider.audience' ? 'Incorrect token audience' : err.message;
      return new ServiceError('InvalidIdentityToken', message, { reason: err.reason, cause: err });
    }
  }
}

/** Session tags from the `https://aws.amazon.com/tags` claim (IAM user guide, id_session-tags). */
function tokenSessionTags(claims: Record<string, unknown>): { tags: Record<string, string>; transitiveTagKeys: string[] } {
  const raw = claims['https://aws.amazon.com/tags'];
  const tags: Record<string, string> = {};
  const transitiveTagKeys: string[] = [];
  if (raw === undefined) return { tags, transitiveTagKeys };
  const invalid = (actual: unknown) =>
    new ServiceError('InvalidIdentityToken', 'The claim https://aws.amazon.com/tags is malformed.', { reason: { check: 'jwt.tags', actual } });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(raw);
  const { principal_tags, transitive_tag_keys } = raw as Record<string, unknown>;
  if (principal_tags !== undefined) {
    if (typeof principal_tags !== 'object' || principal_tags === null || Array.isArray(principal_tags)) throw invalid(principal_tags);
    for (const [k, v] of Object.entries(principal_tags)) {
      const value = Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' ? v[0] : typeof v === 'string' ? v : undefined;
      if (value === undefined) throw invalid({ [k]: v });
      tags[k] = value;
    }
  }
  if (transitive_tag_keys !== undefined) {
    if (!Array.isArray(transitive_tag_keys) || !transitive_tag_keys.every((x) => typeof x === 'string')) throw invalid(transitive_tag_keys);
    transitiveTagKeys.push(...(transitive_tag_keys as string[]));
  }
  return { tags, transitiveTagKeys };
}
