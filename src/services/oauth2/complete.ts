/**
 * The end of every successful sign-in, whichever way the user proved who they are (hosted
 * session, password form, upstream IdP): the authorization response (RFC 6749 §4.1.2 / §4.2.2;
 * aws-surface.md §8.1). Code flow: a single-use code valid 5 minutes, bound to client,
 * redirect_uri, scopes, nonce and PKCE challenge. Implicit flow: access token (and ID token with
 * `openid`) in the fragment, never a refresh token.
 */
import type { AuthorizeRequest, Hosted } from './context.js';
import { withParams } from './redirect.js';
import { TTL_MS } from './ttl.js';

export async function authorizationResponse(
  hosted: Hosted,
  request: AuthorizeRequest,
  user: { username: string; authTime: number },
): Promise<string> {
  if (request.responseType === 'code') {
    const code = await hosted.codes.put(
      {
        userPoolId: request.userPoolId,
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        scopes: request.scopes,
        username: user.username,
        authTime: user.authTime,
        ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
        ...(request.codeChallenge !== undefined ? { codeChallenge: request.codeChallenge } : {}),
      },
      TTL_MS.code,
    );
    return withParams(request.redirectUri, { code, state: request.state }, 'query');
  }
  const tokens = await hosted.userPools.issueTokens({
    userPoolId: request.userPoolId,
    clientId: request.clientId,
    username: user.username,
    scopes: request.scopes,
    authTime: user.authTime,
    refresh: false,
    via: 'hosted',
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
  });
  return withParams(
    request.redirectUri,
    {
      ...(request.scopes.includes('openid') && tokens.idToken ? { id_token: tokens.idToken } : {}),
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      expires_in: String(tokens.expiresIn),
      state: request.state,
    },
    'fragment',
  );
}
