/**
 * What AWS reads from a verified SAML assertion (IAM user guide, id_roles_providers_create_saml_assertions
 * and reference_policies_iam-condition-keys#condition-keys-saml): the
 * `https://aws.amazon.com/SAML/Attributes/Role` pairs (`roleArn,providerArn` in either order),
 * `RoleSessionName`, `SessionDuration`, and the `SAML:*` condition keys a trust policy sees.
 */
import { invalidToken } from '../refusals.js';
import { samlNameQualifier, type VerifiedSaml } from './verify.js';

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
/** The audience IdPs configured for AWS put in their assertions. */
export const AWS_SAML_AUDIENCE = 'urn:amazon:webservices';
/** The recipient IdPs configured for AWS put in their assertions (the AWS sign-in endpoint). */
export const AWS_SAML_RECIPIENT = 'https://signin.aws.amazon.com/saml';

export interface SamlRolePair {
  roleArn: string;
  providerArn: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/.+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** The role/provider pairs of the Role attribute; a malformed value is refused. */
export function samlRoles(saml: VerifiedSaml): SamlRolePair[] {
  const out: SamlRolePair[] = [];
  for (const value of saml.attributes[ROLE_ATTRIBUTE] ?? []) {
    const parts = value.split(',').map((p) => p.trim());
    const roleArn = parts.find((p) => ROLE_ARN.test(p));
    const providerArn = parts.find((p) => PROVIDER_ARN.test(p));
    if (parts.length !== 2 || !roleArn || !providerArn) {
      throw invalidToken('saml.role', 'Invalid SAML response: a Role attribute value is not "role ARN,provider ARN".', 'roleArn,providerArn', value);
    }
    out.push({ roleArn, providerArn });
  }
  return out;
}

/** The RoleSessionName attribute (2..64 characters of [\w+=,.@-]), or undefined when absent. */
export function samlRoleSessionName(saml: VerifiedSaml): string | undefined {
  const values = saml.attributes[ROLE_SESSION_NAME_ATTRIBUTE];
  if (!values || values.length === 0) return undefined;
  const name = values[0]!;
  if (values.length !== 1 || !SESSION_NAME.test(name)) {
    throw invalidToken('saml.role-session-name', 'Invalid SAML response: RoleSessionName must be one value of 2 to 64 characters [\\w+=,.@-].', SESSION_NAME.source, values);
  }
  return name;
}

/** The SessionDuration attribute (900..43 200 seconds), or undefined when absent. */
export function samlSessionDuration(saml: VerifiedSaml): number | undefined {
  const values = saml.attributes[SESSION_DURATION_ATTRIBUTE];
  if (!values || values.length === 0) return undefined;
  const n = values.length === 1 && /^\d{1,6}$/.test(values[0]!) ? Number(values[0]) : NaN;
  if (!(n >= 900 && n <= 43_200)) {
    throw invalidToken('saml.session-duration', 'Invalid SAML response: SessionDuration must be 900 to 43200 seconds.', '900..43200', values);
  }
  return n;
}

/** `SAML:sub_type`: persistent, transient, or the full Format URI. */
export function samlSubjectType(saml: VerifiedSaml): string {
  const format = saml.subjectFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
  if (format === 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent') return 'persistent';
  if (format === 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient') return 'transient';
  return format;
}

/** The `SAML:*` condition keys (without the prefix) a trust policy is evaluated with. */
export function samlConditionKeys(saml: VerifiedSaml, accountId: string, providerName: string): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {
    aud: saml.recipient,
    iss: saml.issuer,
    sub: saml.subject,
    sub_type: samlSubjectType(saml),
    namequalifier: samlNameQualifier(saml.issuer, accountId, providerName),
    doc: `${accountId}/${providerName}`,
  };
  // The eduPerson / eduOrg / X.500 attributes AWS exposes under their friendly names.
  for (const [name, key] of Object.entries(OID_KEYS)) {
    const values = saml.attributes[name];
    if (values && values.length) keys[key] = values.length === 1 ? values[0]! : values;
  }
  return keys;
}

const OID_KEYS: Record<string, string> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': 'edupersonaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.2': 'edupersonnickname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': 'edupersonorgdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.4': 'edupersonorgunitdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': 'edupersonprimaryaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'edupersonprincipalname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': 'edupersonentitlement',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': 'edupersonscopedaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.10': 'edupersontargetedid',
  'urn:oid:2.5.4.3': 'cn',
  'urn:oid:2.5.4.10': 'o',
  'urn:oid:2.5.4.11': 'ou',
  'urn:oid:0.9.2342.19200300.100.1.3': 'mail',
  'urn:oid:0.9.2342.19200300.100.1.1': 'uid',
  'urn:oid:2.16.840.1.113730.3.1.241': 'displayname',
  'urn:oid:2.5.4.42': 'givenName',
  'urn:oid:2.5.4.4': 'surname',
};
