/**
 * Validation of `GET /oauth2/authorize` (CG:authorization-endpoint; aws-surface.md §8.1).
 *
 * Order matters (RFC 6749 §4.1.2.1): client_id and redirect_uri are checked first, and while
 * either is wrong the user sees an error page, never a redirect (an open redirector otherwise,
 * security.md O06). Every later problem goes back to the (now trusted) redirect_uri as
 * `?error=…&state=…` (fragment for response_type=token).
 */
import type { AuthorizeRequest } from './context.js';
import type { ClientRecord, UserPools } from './deps.js';
import { OAuthError, type OAuthErrorCode } from './errors.js';
import type { Params } from './form.js';
import { isValidChallenge } from './pkce.js';
import { isRegistered } from './redirect.js';
import { resolveScopes } from './scopes.js';

/** A problem that must be shown to the user, not sent to a redirect URI. */
export class PageError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
    this.name = 'PageError';
  }
}

/** A problem reported to the client at its (validated) redirect URI. */
export class RedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly mode: 'query' | 'fragment',
    readonly error: OAuthErrorCode,
    readonly description: string | undefined,
    readonly state: string | undefined,
  ) {
    super(description ?? error);
    this.name = 'RedirectError';
  }
}

export interface ParsedAuthorize {
  request: AuthorizeRequest;
  client: ClientRecord;
  identityProvider?: string;
  idpIdentifier?: string;
  prompt?: string;
}

const MAX_STATE = 2048;
const MAX_NONCE = 2048;

export async function parseAuthorize(
  userPools: UserPools,
  domain: { domain: string; userPoolId: string },
  params: Params,
  rawQuery: string,
): Promise<ParsedAuthorize> {
  const clientId = params.get('client_id');
  if (!clientId) throw new PageError('The request is missing client_id.');
  const client = await userPools.getClient(clientId);
  if (!client || client.userPoolId !== domain.userPoolId) throw new PageError('The client_id does not name an app client of this user pool.');
  const redirectUri = params.get('redirect_uri');
  if (!isRegistered(redirectUri, client.callbackURLs)) {
    throw new PageError('The redirect_uri is not registered for this app client.');
  }

  const responseTypeRaw = params.get('response_type');
  const mode = responseTypeRaw === 'token' ? 'fragment' : 'query';
  const state = params.get('state');
  const reject = (error: OAuthErrorCode, description?: string): never => {
    throw new RedirectError(redirectUri, mode, error, description, state);
  };
  if (state !== undefined && state.length > MAX_STATE) reject('invalid_request', 'state is too long');

  if (responseTypeRaw === undefined) reject('invalid_request', 'response_type is required');
  if (responseTypeRaw !== 'code' && responseTypeRaw !== 'token') reject('unsupported_response_type');
  const responseType = responseTypeRaw as 'code' | 'token';

  // AllowedOAuthFlowsUserPoolClient gates every hosted flow; the flow itself must be allowed
  // (`code` for response_type=code, `implicit` for token) (M-IDP CreateUserPoolClient).
  const flow = responseType === 'code' ? 'code' : 'implicit';
  if (!client.allowedOAuthFlowsUserPoolClient || !client.allowedOAuthFlows.includes(flow)) {
    reject('unauthorized_client', `The ${flow} flow is not allowed for this client`);
  }

  const scopes = resolveScopes(params.get('scope'), client.allowedOAuthScopes);
  if (scopes.length === 0) reject('invalid_scope');

  // PKCE: S256 only (aws-surface.md §8.1); a method without a challenge or `plain` is refused
  // rather than silently downgraded (security.md O03).
  const codeChallenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (codeChallenge !== undefined || method !== undefined) {
    if (responseType !== 'code') reject('invalid_request', 'PKCE applies to response_type=code only');
    if (method !== 'S256') reject('invalid_request', 'code_challenge_method must be S256');
    if (codeChallenge === undefined || !isValidChallenge(codeChallenge)) reject('invalid_request', 'code_challenge is not a valid S256 challenge');
  }
  const nonce = params.get('nonce');
  if (nonce !== undefined && nonce.length > MAX_NONCE) reject('invalid_request', 'nonce is too long');
  if (params.has('request') || params.has('request_uri')) reject('invalid_request', 'request objects are not supported');

  const request: AuthorizeRequest = {
    domain: domain.domain,
    userPoolId: domain.userPoolId,
    clientId,
    redirectUri,
    responseType,
    scopes,
    query: rawQuery,
    ...(state !== undefined ? { state } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    ...(codeChallenge !== undefined ? { codeChallenge } : {}),
  };
  const identityProvider = params.get('identity_provider');
  const idpIdentifier = params.get('idp_identifier');
  const prompt = params.get('prompt');
  return {
    request,
    client,
    ...(identityProvider ? { identityProvider } : {}),
    ...(idpIdentifier ? { idpIdentifier } : {}),
    ...(prompt ? { prompt } : {}),
  };
}

export function redirectErrorFor(request: AuthorizeRequest, err: OAuthError | { error: OAuthErrorCode; description?: string }): RedirectError {
  const e = err instanceof OAuthError ? { error: err.error, description: err.description } : err;
  return new RedirectError(request.redirectUri, request.responseType === 'token' ? 'fragment' : 'query', e.error, e.description, request.state);
}
