/**
 * Which attributes `/oauth2/userInfo` returns (CG:userinfo-endpoint; OIDC Core §5.4): always
 * `sub` and `username`; `email` adds email and email_verified, `phone` adds phone_number and
 * phone_number_verified, `profile` adds every other attribute. Attributes the app client may
 * not read (ReadAttributes) are left out. Values are strings, as Cognito stores and returns them.
 */
const BY_SCOPE: Record<string, readonly string[]> = {
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};
const SCOPED = new Set(Object.values(BY_SCOPE).flat());

export function userInfoClaims(
  user: { username: string; sub: string; attributes: Record<string, string> },
  scopes: readonly string[],
  readAttributes: readonly string[] | undefined,
): Record<string, string> {
  const readable = (name: string) => readAttributes === undefined || readAttributes.length === 0 || readAttributes.includes(name);
  const out: Record<string, string> = { sub: user.sub };
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === 'sub' || !readable(name)) continue;
    const scoped = SCOPED.has(name);
    const granted = scoped ? Object.entries(BY_SCOPE).some(([scope, names]) => names.includes(name) && scopes.includes(scope)) : scopes.includes('profile');
    if (granted) out[name] = value;
  }
  out.username = user.username;
  return out;
}
