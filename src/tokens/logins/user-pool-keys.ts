/**
 * The two spellings of a user-pool Logins key (aws-surface.md §4.2, §9.5):
 *  - AWS's `cognito-idp.<region>.amazonaws.com/<userPoolId>`, which SDKs and Amplify build from
 *    the region and pool id, and
 *  - Tessera's issuer without its scheme, `<publicUrl host[/path]>/<userPoolId>`, which is what
 *    "https://"-less issuer-as-key clients derive from the token's `iss`.
 * Both name the same pool; the canonical providerKey is the AWS spelling, so an identity linked
 * through one spelling is found through the other.
 */

/** User pool id: `<region>_<alphanumerics>` (cognito-idp model `UserPoolIdType` pattern `[\w-]+_[0-9a-zA-Z]+`). */
const POOL_ID = '[\\w-]+_[0-9a-zA-Z]+';
const AWS_FORM = new RegExp(`^cognito-idp\\.([a-z0-9-]+)\\.amazonaws\\.com/(${POOL_ID})$`);

export interface UserPoolKey {
  userPoolId: string;
  /** `cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  canonical: string;
  /** Every `iss` a token of this pool may carry for this key. */
  issuers: string[];
  /** Both spellings (for RoleMappings aliases). */
  spellings: string[];
}

export function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/** Parses `key` as a user-pool key, or returns undefined when it is not one. */
export function parseUserPoolKey(key: string, publicUrl: string, region: string): UserPoolKey | undefined {
  const tesseraPrefix = `${stripScheme(publicUrl)}/`;
  let userPoolId: string;
  let keyRegion: string;
  const aws = AWS_FORM.exec(key);
  if (aws) {
    keyRegion = aws[1]!;
    userPoolId = aws[2]!;
  } else if (key.startsWith(tesseraPrefix) && new RegExp(`^${POOL_ID}$`).test(key.slice(tesseraPrefix.length))) {
    keyRegion = region;
    userPoolId = key.slice(tesseraPrefix.length);
  } else {
    return undefined;
  }
  const canonical = `cognito-idp.${keyRegion}.amazonaws.com/${userPoolId}`;
  const tesseraSpelling = `${tesseraPrefix}${userPoolId}`;
  // A key naming another region names a pool this server does not host under Tessera's issuer;
  // only the literal https:// form can then match (and will not, for Tessera-issued tokens).
  const local = keyRegion === region;
  return {
    userPoolId,
    canonical,
    issuers: local ? [`https://${canonical}`, `${publicUrl}/${userPoolId}`] : [`https://${canonical}`],
    spellings: local ? [canonical, tesseraSpelling] : [canonical],
  };
}
