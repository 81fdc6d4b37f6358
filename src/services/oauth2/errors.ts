/**
 * OAuth 2.0 errors as the hosted endpoints send them (RFC 6749 §4.1.2.1 and §5.2; Cognito's
 * token endpoint: HTTP 400 `application/json;charset=UTF-8` `{"error": …}`, aws-surface.md
 * §8.2). `invalid_client` is 401 (RFC 6749 §5.2, security.md O07). The description is for
 * humans and never carries internal detail; `reason` is logged only.
 */
import type { Reason } from '../../errors/index.js';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'login_required'
  | 'server_error';

export class OAuthError extends Error {
  readonly status: number;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description?: string,
    readonly reason?: Reason,
  ) {
    super(description ?? error);
    this.name = 'OAuthError';
    this.status = error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400;
  }

  body(): { error: OAuthErrorCode; error_description?: string } {
    return this.description ? { error: this.error, error_description: this.description } : { error: this.error };
  }
}
