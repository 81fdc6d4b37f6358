/**
 * A Logins entry for a SAML provider: the key is the IAM SAML provider's ARN, listed in the
 * pool's SamlProviderARNs, and the value the base64 SAMLResponse (aws-surface.md §4.2). The
 * response is verified by src/tokens/saml against the provider's metadata with the audiences and
 * recipients AWS uses (`urn:amazon:webservices`, `https://signin.aws.amazon.com/saml`) or
 * Tessera's own `<public-url>/saml`. The login's subject is the NameID; its claims are the
 * assertion's attributes, with the Role attribute reduced to the pairs naming this provider (a
 * role paired with another provider is never offered, security.md S20); RoleSessionName and
 * SessionDuration name and time the credentials' session. The assertion id rides
 * along as `singleUse` so the identity pool can bind it to one identity (S16).
 */
import { Refusal } from '../../errors/index.js';
import { AWS_SAML_AUDIENCE, AWS_SAML_RECIPIENT, ROLE_ATTRIBUTE, samlRoleSessionName, samlRoles, samlSessionDuration, verifySamlResponse, type VerifiedSaml } from '../saml/index.js';
import { notAuthorized } from './messages.js';
import type { LoginVerifierDeps, VerifiedLogin } from './types.js';

export async function verifySamlLogin(key: string, token: string, deps: Pick<LoginVerifierDeps, 'samlProviders' | 'publicUrl'>, now: Date): Promise<VerifiedLogin> {
  const where = `Logins[${JSON.stringify(key)}]`;
  if (!deps.samlProviders) {
    throw notAuthorized('Token is not from a supported provider of this identity pool.', { check: 'login.saml', expected: 'a verifiable provider', actual: key, detail: `${where}: no SAML provider directory configured` });
  }
  const trust = await deps.samlProviders.getTrust(key);
  if (!trust) {
    throw notAuthorized('Token is not from a supported provider of this identity pool.', { check: 'login.saml.provider', expected: 'an IAM SAML provider', actual: key, detail: where });
  }
  if (trust.validUntil.getTime() <= now.getTime()) {
    throw notAuthorized('Invalid login token. The SAML provider metadata has expired.', { check: 'login.saml.valid-until', expected: `> ${now.toISOString()}`, actual: trust.validUntil.toISOString(), detail: where });
  }
  let saml: VerifiedSaml;
  let roles;
  let sessionName: string | undefined;
  let durationSeconds: number | undefined;
  try {
    saml = verifySamlResponse(token, trust, {
      audiences: [AWS_SAML_AUDIENCE, `${deps.publicUrl}/saml`],
      recipients: [AWS_SAML_RECIPIENT, `${deps.publicUrl}/saml`],
      now,
    });
    roles = samlRoles(saml);
    sessionName = samlRoleSessionName(saml);
    durationSeconds = samlSessionDuration(saml);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    throw notAuthorized(`Invalid login token. ${err.message}`, { ...err.reason, detail: `${where}: ${err.message}` }, err);
  }
  const claims: Record<string, unknown> = { ...saml.attributes };
  claims[ROLE_ATTRIBUTE] = roles.filter((r) => r.providerArn === key).map((r) => `${r.roleArn},${r.providerArn}`);
  return {
    providerKey: key,
    providerKind: 'saml',
    subject: saml.subject,
    claims,
    roleMappingKey: key,
    roleMappingKeys: [key],
    publicProvider: true,
    singleUse: { issuer: saml.issuer, assertionId: saml.assertionId, expiresAt: saml.expiresAt },
    session: { ...(sessionName !== undefined ? { name: sessionName } : {}), ...(durationSeconds !== undefined ? { durationSeconds } : {}) },
  };
}
