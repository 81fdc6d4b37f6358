/**
 * sts:GetSessionToken (STS API reference): temporary credentials for an IAM user, carrying the
 * user's permissions. It needs no permission; it may be called only with a user's long-term
 * key (not with temporary credentials, nor by the account root on this server). The credentials
 * it returns cannot call IAM, nor STS other than AssumeRole and GetCallerIdentity (src/authz),
 * since this server supports no MFA. DurationSeconds 900..129,600, default 43,200.
 */
import { defineOperation } from '../../../wire/operation.js';
import { ServiceError } from '../../../errors/index.js';
import type { StsDeps } from '../index.js';
import { credentialsOutput } from '../session.js';

interface Input {
  DurationSeconds?: number;
  SerialNumber?: string;
  TokenCode?: string;
}

export const SESSION_TOKEN_DEFAULT_SECONDS = 43_200;
export const SESSION_TOKEN_MIN_SECONDS = 900;
export const SESSION_TOKEN_MAX_SECONDS = 129_600;

export function getSessionToken(deps: StsDeps) {
  return defineOperation<Input>({
    service: 'sts',
    name: 'GetSessionToken',
    auth: 'sigv4',
    authorize: false,
    async handler(input, ctx) {
      const caller = ctx.principal!;
      if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
        throw new ServiceError('InvalidParameterValue', 'MFA is not supported by Tessera: omit SerialNumber and TokenCode.', { reason: { check: 'sts.mfa.unsupported' } });
      }
      if (caller.kind !== 'user' || caller.session) {
        const why = caller.kind === 'root' ? 'the account root' : 'session credentials';
        throw new ServiceError('AccessDenied', `Cannot call GetSessionToken with ${why}`, { reason: { check: 'sts.session-token.caller', actual: caller.arn } });
      }
      const duration = input.DurationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS;
      if (duration < SESSION_TOKEN_MIN_SECONDS || duration > SESSION_TOKEN_MAX_SECONDS) {
        throw new ServiceError('ValidationError', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${SESSION_TOKEN_MIN_SECONDS} and ${SESSION_TOKEN_MAX_SECONDS}`, {
          reason: { check: 'sts.duration.session-token', expected: `${SESSION_TOKEN_MIN_SECONDS}..${SESSION_TOKEN_MAX_SECONDS}`, actual: duration },
        });
      }
      // A user session reuses the role-session claims: roleArn/roleId/roleName name the user.
      const minted = await deps.vault.mint(
        {
          accountId: caller.accountId,
          roleArn: caller.arn,
          roleId: caller.userId,
          roleName: caller.userName,
          sessionName: caller.userName,
          via: 'GetSessionToken',
        },
        duration,
      );
      return { Credentials: credentialsOutput(minted) };
    },
  });
}
