/**
 * The one operation shape. Every AWS operation Tessera serves is declared once with
 * `defineOperation`: its service, its name (verbatim from the AWS model), how it authenticates,
 * which IAM action and resource authorise it, and its handler. The pipeline (src/http/aws-endpoint.ts)
 * owns the shared phases — parse, authenticate, validate against the model, authorise, call,
 * render — so no operation can forget one.
 */
import type { Logger } from 'pino';
import type { Principal } from '../credentials/principal.js';

export type ServiceName = 'iam' | 'sts' | 'cognito-identity' | 'cognito-idp';

/**
 * - `sigv4`: a valid SigV4 signature is required (root or vended credentials).
 * - `none`: unsigned by design (e.g. AssumeRoleWithWebIdentity, GetId); a signature, if present, is
 *   still verified (Smithy `optionalAuth`), and the principal is then available.
 */
export type AuthMode = 'sigv4' | 'none';

export interface OperationContext {
  requestId: string;
  /** The authenticated caller; undefined for unsigned requests. */
  principal: Principal | undefined;
  now: Date;
  sourceIp: string;
  /** Region named in the request's credential scope, else the configured region. */
  region: string;
  accountId: string;
  log: Logger;
  /** Condition keys derived from the request itself (aws:SourceIp, aws:CurrentTime, aws:SecureTransport …). */
  requestContext: Record<string, string | string[]>;
}

export interface Operation<I = any, O = any> {
  service: ServiceName;
  /** AWS operation name, e.g. `CreateRole`. Must exist in the generated model. */
  name: string;
  auth: AuthMode;
  /**
   * IAM authorisation for signed calls by non-root principals: the action (default
   * `<signing prefix>:<name>`), the resource ARN (default `*`) and extra condition keys.
   * Omit `authorize` to use the defaults; set it to `false` for operations that cannot be denied
   * (sts:GetCallerIdentity).
   */
  authorize?:
    | false
    | {
        action?: string;
        resource?: (input: I, ctx: OperationContext) => string | Promise<string>;
        context?: (input: I, ctx: OperationContext) => Record<string, string | string[]>;
      };
  handler: (input: I, ctx: OperationContext) => Promise<O>;
}

export function defineOperation<I = any, O = any>(op: Operation<I, O>): Operation<I, O> {
  return op;
}
