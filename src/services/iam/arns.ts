/**
 * ARNs of IAM entities (IAMG:reference_identifiers) and the OIDC provider URL rules.
 *
 * - role            arn:aws:iam::<acct>:role<Path><RoleName>
 * - managed policy  arn:aws:iam::<acct>:policy<Path><PolicyName>  (AWS-managed: account `aws`)
 * - OIDC provider   arn:aws:iam::<acct>:oidc-provider/<Url without https://>
 * - SAML provider   arn:aws:iam::<acct>:saml-provider/<Name>
 * - user            arn:aws:iam::<acct>:user<Path><UserName>
 * - group           arn:aws:iam::<acct>:group<Path><GroupName>
 */
import { fail } from '../../errors/index.js';

export function roleArn(accountId: string, path: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${path}${roleName}`;
}

export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user${path}${userName}`;
}

export function groupArn(accountId: string, path: string, groupName: string): string {
  return `arn:aws:iam::${accountId}:group${path}${groupName}`;
}

export function policyArn(accountId: string, path: string, policyName: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${policyName}`;
}

export function oidcProviderArn(accountId: string, urlWithoutScheme: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${urlWithoutScheme}`;
}

export function samlProviderArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:saml-provider/${name}`;
}

export interface ParsedIamArn {
  partition: string;
  /** `aws` for AWS-managed policies. */
  account: string;
  /** Resource type: `role`, `policy`, `oidc-provider`, `saml-provider`, … */
  type: string;
  /** Everything after `<type>/`, e.g. `path/to/Name` or `host:port/path`. */
  rest: string;
}

/** Splits `arn:<partition>:iam::<account>:<type>/<rest>`; undefined when the text is no IAM ARN. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}|aws):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], account: m[2], type: m[3], rest: m[4] };
}

/** IAM answers a malformed ARN with InvalidInput "ARN <arn> is not valid.". */
export function requireIamArn(arn: string, type: string): ParsedIamArn {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== type) fail('InvalidInput', `ARN ${arn} is not valid.`, { reason: { check: 'iam.arn', expected: type, actual: arn } });
  return parsed;
}

/** The last `/`-separated segment of a role/policy ARN resource is the entity name. */
export function nameFromRest(rest: string): string {
  const i = rest.lastIndexOf('/');
  return i < 0 ? rest : rest.slice(i + 1);
}

const SCHEME = 'https://';

/**
 * Validates an OIDC provider URL and returns it without the scheme, which is both the stored
 * `Url` (IAM returns it so) and the ARN suffix. Rules (M-IAM CreateOpenIDConnectProvider.Url,
 * IAMG:id_roles_providers_create_oidc): must begin with `https://` (case-sensitive), no query
 * string, no fragment. Unlike AWS a port is allowed (self-hosted IdPs often listen on one). The
 * text is kept verbatim — no normalisation — because STS matches it against the token's `iss`
 * by exact string comparison (security.md J16), so a trailing slash is significant.
 */
export function oidcUrlWithoutScheme(url: string): string {
  const bad = (why: string): never =>
    fail('InvalidInput', `Invalid OpenID Connect provider URL ${url}: ${why}.`, { reason: { check: 'iam.oidc-url', detail: why, actual: url } });
  if (!url.startsWith(SCHEME)) bad('the URL must begin with https://');
  const rest = url.slice(SCHEME.length);
  if (/[\s?#@\\]/.test(rest)) bad('query strings, fragments, user information, backslashes and whitespace are not allowed');
  if (rest === '' || rest.startsWith('/')) bad('a host is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('the URL does not parse');
  }
  if (parsed.hostname === '') bad('a host is required');
  // The WHATWG parser drops a default port (`:443`) and lower-cases the host; insisting the raw
  // authority matches keeps the stored text identical to what a token's `iss` will carry.
  const authority = rest.split('/', 1)[0];
  if (authority.toLowerCase() !== parsed.host && authority.toLowerCase() !== `${parsed.host}:443`) bad('the host is not valid');
  return rest;
}
