/**
 * sts:AssumeRoleWithSAML (aws-surface.md §5; IAM user guide id_roles_providers_saml): the
 * assertion is verified against the metadata of the IAM SAML provider named by PrincipalArn
 * (src/tokens/saml: signature with the metadata certificates only, issuer = the metadata's
 * entityID, audience `urn:amazon:webservices` or Tessera's `<public-url>/saml`, recipient
 * `https://signin.aws.amazon.com/saml` or `<public-url>/saml`, time bounds); RoleArn must be one
 * of the assertion's Role attribute pairs with PrincipalArn as its provider; the role's trust
 * policy is evaluated with the `SAML:*` condition keys; the assertion id is used once (every
 * node sharing the database). Credentials last min(DurationSeconds, SessionNotOnOrAfter). The
 * role, trust check and minting go through the one credentials path (services/federation/
 * credentials.ts chooseRole / mintFederated) that AssumeRoleWithWebIdentity and
 * GetCredentialsForIdentity use.
 * Unsigned, as on AWS.
 */
import { defineOperation } from '../../../wire/operation.js';
import { chooseRole, mintFederated } from '../../federation/credentials.js';
import { Refusal, ServiceError } from '../../../errors/index.js';
import { parseSamlMetadata } from '../../iam/saml-metadata.js';
import {
  AWS_SAML_AUDIENCE,
  AWS_SAML_RECIPIENT,
  samlConditionKeys,
  samlRoleSessionName,
  samlRoles,
  samlSubjectType,
  samlNameQualifier,
  verifySamlResponse,
  type VerifiedSaml,
} from '../../../tokens/saml/index.js';
import type { StsDeps } from '../index.js';
import { assumedRoleUser, credentialsOutput, packedPolicySize, sessionDuration, sessionPolicy } from '../session.js';

interface Input {
  RoleArn: string;
  PrincipalArn: string;
  SAMLAssertion: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  DurationSeconds?: number;
}

const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithSAML';

/** The audiences and recipients Tessera accepts as its own for SAML (the AWS ones and `<public-url>/saml`). */
export function samlEndpoints(publicUrl: string): { audiences: string[]; recipients: string[] } {
  return { audiences: [AWS_SAML_AUDIENCE, `${publicUrl}/saml`], recipients: [AWS_SAML_RECIPIENT, `${publicUrl}/saml`] };
}

export function assumeRoleWithSaml(deps: StsDeps) {
  return defineOperation<Input>({
    service: 'sts',
    name: 'AssumeRoleWithSAML',
    auth: 'none',
    authorize: false,
    async handler(input) {
      const { provider, saml, sessionName, role, duration, policyArns, packed, keys, context, federation } = await prepareSaml(deps, input);
      const minted = await mintFederated(federation, {
        role,
        principal: provider.arn,
        action: 'sts:AssumeRoleWithSAML',
        context,
        tags: {},
        durationSeconds: duration,
        session: {
          sessionName,
          sessionPolicy: input.Policy,
          sessionPolicyArns: policyArns,
          federated: { provider: provider.arn, claims: { aud: keys.aud!, sub: keys.sub!, sub_type: keys.sub_type!, iss: keys.iss! } },
          via: 'AssumeRoleWithSAML',
        },
        // 5. Single use, decided by the database (after the trust policy, so a refused call does not burn the assertion).
        admit: async () => {
          if (!(await deps.samlAssertions.claim(saml.issuer, saml.assertionId, saml.expiresAt))) {
            throw new ServiceError('InvalidIdentityToken', 'The SAML assertion has already been used.', {
              reason: { check: 'saml.replay', expected: 'an assertion ID not used before', actual: saml.assertionId },
            });
          }
        },
        refuse: { denied: (reason) => new ServiceError('AccessDenied', NOT_AUTHORIZED, { reason }) },
      });
      return {
        Credentials: credentialsOutput(minted),
        AssumedRoleUser: assumedRoleUser(deps.accountId, role, sessionName),
        ...(packed !== undefined ? { PackedPolicySize: packed } : {}),
        Subject: saml.subject,
        SubjectType: samlSubjectType(saml),
        Issuer: saml.issuer,
        Audience: saml.recipient,
        NameQualifier: samlNameQualifier(saml.issuer, deps.accountId, provider.name),
      };
    },
  });
}

/**
 * Steps 1-4 of AssumeRoleWithSAML (the provider, the assertion, the offered role, the session):
 * throws the API's refusal at the first failed check, or returns the trust-policy request that
 * mintFederated (the API) or federatedTrustChecks (the token doctor) evaluates.
 */
export async function prepareSaml(deps: StsDeps, input: Pick<Input, 'RoleArn' | 'PrincipalArn' | 'SAMLAssertion' | 'Policy' | 'PolicyArns' | 'DurationSeconds'>) {
  const now = deps.clock();
  // 1. The SAML provider PrincipalArn names, and its metadata (the only trust anchor).
  const provider = await deps.iam.getSamlProviderByArn(input.PrincipalArn);
  if (!provider) {
    throw new ServiceError('InvalidIdentityToken', `No SAML provider found in your account for ${input.PrincipalArn}`, {
      reason: { check: 'saml.provider', expected: 'the ARN of an IAM SAML provider of this account', actual: input.PrincipalArn },
    });
  }
  if (provider.validUntil.getTime() <= now.getTime()) {
    throw new ServiceError('InvalidIdentityToken', 'The SAML provider metadata has expired (ValidUntil).', {
      reason: { check: 'saml.provider.valid-until', expected: `> ${now.toISOString()}`, actual: provider.validUntil.toISOString() },
    });
  }
  const metadata = parseSamlMetadata(provider.metadataDocument, now);

  // 2. The assertion: structure, signature, issuer, audience, recipient, time.
  let saml: VerifiedSaml;
  try {
    saml = verifySamlResponse(input.SAMLAssertion, { entityId: metadata.entityId, certificates: metadata.signingCertificates }, { ...samlEndpoints(deps.publicUrl), now });
  } catch (err) {
    throw samlRefusalToSts(err);
  }
  let sessionName: string | undefined;
  let roles;
  try {
    roles = samlRoles(saml);
    sessionName = samlRoleSessionName(saml);
  } catch (err) {
    throw samlRefusalToSts(err);
  }
  if (sessionName === undefined) {
    throw new ServiceError('InvalidIdentityToken', 'The SAML assertion has no https://aws.amazon.com/SAML/Attributes/RoleSessionName attribute.', {
      reason: { check: 'saml.role-session-name', expected: 'a RoleSessionName attribute', actual: 'absent' },
    });
  }

  // 3. The role must be offered by the assertion, paired with this provider.
  const pair = roles.find((r) => r.roleArn === input.RoleArn);
  if (!pair || pair.providerArn !== input.PrincipalArn) {
    throw new ServiceError('AccessDenied', NOT_AUTHORIZED, {
      reason: {
        check: pair ? 'saml.role.provider' : 'saml.role',
        expected: `${input.RoleArn},${input.PrincipalArn}`,
        actual: roles.map((r) => `${r.roleArn},${r.providerArn}`),
      },
    });
  }
  // 4. Role, duration, session policy; then the one credentials path (services/federation/credentials.ts):
  //    the trust policy with the SAML condition keys, single use of the assertion, minting.
  const federation = { accountId: deps.accountId, iam: deps.iam, authorizer: deps.authorizer, evaluateTrust: deps.evaluateTrust, vault: deps.vault };
  const role = await chooseRole(federation, { roleArn: input.RoleArn }, (reason) => new ServiceError('AccessDenied', NOT_AUTHORIZED, { reason: { ...reason, check: 'sts.role' } }));
  let duration = sessionDuration(input.DurationSeconds, role);
  if (saml.sessionNotOnOrAfter) {
    const left = Math.floor((saml.sessionNotOnOrAfter.getTime() - now.getTime()) / 1000);
    if (left < duration) duration = left;
    if (duration < 1) {
      throw new ServiceError('ExpiredTokenException', 'The SAML session (SessionNotOnOrAfter) has ended.', {
        reason: { check: 'saml.session-not-on-or-after', expected: `> ${now.toISOString()}`, actual: saml.sessionNotOnOrAfter.toISOString() },
      });
    }
  }
  sessionPolicy(input.Policy, deps.authorizer.cache);
  const policyArns = (input.PolicyArns ?? []).map((p) => p.arn).filter((a): a is string => !!a);
  const packed = packedPolicySize(input.Policy, policyArns, {});

  const keys = samlConditionKeys(saml, deps.accountId, provider.name);
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(keys)) context[`SAML:${k}`] = v;
  return { now, provider, saml, sessionName, role, duration, policyArns, packed, keys, context, federation };
}

/** Maps a SAML verifier refusal to STS: expired → ExpiredTokenException, anything else → InvalidIdentityToken. */
export function samlRefusalToSts(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (!(err instanceof Refusal)) return new ServiceError('InvalidIdentityToken', 'The SAML assertion could not be verified.', { cause: err });
  if (err.kind === 'ExpiredToken') return new ServiceError('ExpiredTokenException', err.message, { reason: err.reason, cause: err });
  return new ServiceError('InvalidIdentityToken', err.message, { reason: err.reason, cause: err });
}
