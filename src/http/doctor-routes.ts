/**
 * The token doctor's admin API (no AWS operation exists for it):
 *
 * `POST /_tessera/doctor/identity-pool` with a JSON body
 * `{ "IdentityPoolId", "Token", "LoginsKey"?, "CustomRoleArn"? }`, signed with SigV4 for the
 * service `tessera` (any region) by the account root, or by a principal whose policies allow
 * `tessera:ExplainLogin` on the identity pool's ARN. It answers 200 with the doctor's report
 * (services/cognito-identity/doctor.ts): `accepted`, and each check with what was expected and
 * found. Errors are AWS JSON-shaped (`{ "__type", "message" }`, 4xx): an unsigned or badly signed
 * request, a refused principal, a body that is not the JSON above, an unknown pool.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CATALOG, Refusal, ServiceError, type ErrorCode } from '../errors/index.js';
import type { Principal } from '../credentials/principal.js';
import type { Authorizer } from '../authz/index.js';
import { hasSignature, verifySigV4, type CredentialLookupResult } from '../sigv4/index.js';
import { renderJsonError } from '../wire/index.js';
import type { IdentityPoolDoctor } from '../services/cognito-identity/index.js';

export const DOCTOR_SIGNING_SERVICE = 'tessera';
export const DOCTOR_ACTION = 'tessera:ExplainLogin';
/** A JWT or access token longer than this is not one any provider issues (Cognito's Logins value limit is 50,000). */
const MAX_TOKEN_CHARS = 50_000;

export interface DoctorRouteDeps {
  doctor: IdentityPoolDoctor;
  authorizer: Pick<Authorizer, 'authorize'>;
  lookupCredentials(accessKeyId: string, sessionToken: string | undefined): Promise<CredentialLookupResult<Principal> | undefined>;
  clock: () => Date;
  region: string;
  accountId: string;
  log: Logger;
}

function send(reply: FastifyReply, err: ServiceError): void {
  const r = renderJsonError(err);
  reply.code(err.status).headers(r.headers).send(r.body);
}

export function doctorRoutes(deps: DoctorRouteDeps): (app: FastifyInstance) => void {
  async function authenticate(request: FastifyRequest, body: Buffer): Promise<Principal> {
    const url = request.url;
    const q = url.indexOf('?');
    const signed = { method: request.method, path: q >= 0 ? url.slice(0, q) : url, query: q >= 0 ? url.slice(q + 1) : '', headers: request.headers, rawHeaders: request.raw.rawHeaders, body };
    if (!hasSignature(signed)) throw new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token (sign it with SigV4 for the service tessera)', { reason: { check: 'sigv4.missing' } });
    try {
      const verified = await verifySigV4<Principal>(signed, { now: deps.clock(), lookup: deps.lookupCredentials, services: [DOCTOR_SIGNING_SERVICE] });
      return verified.principal;
    } catch (err) {
      if (err instanceof Refusal) {
        const code = (err.kind in ERROR_CATALOG ? err.kind : 'AccessDeniedException') as ErrorCode;
        throw new ServiceError(code, err.message, { reason: err.reason });
      }
      throw err;
    }
  }

  return (app) => {
    app.post('/_tessera/doctor/identity-pool', async (request, reply) => {
      try {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const principal = await authenticate(request, raw);
        let input: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          input = parsed as Record<string, unknown>;
        } catch {
          throw new ServiceError('SerializationException', 'The body must be a JSON object: { "IdentityPoolId", "Token", "LoginsKey"?, "CustomRoleArn"? }');
        }
        const text = (name: string, required: boolean, max: number): string | undefined => {
          const v = input[name];
          if (v === undefined && !required) return undefined;
          if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new ServiceError('ValidationException', `${name} must be a string of 1..${max} characters`);
          return v;
        };
        const identityPoolId = text('IdentityPoolId', true, 55)!;
        if (!/^[\w-]+:[0-9a-f-]+$/.test(identityPoolId)) throw new ServiceError('ValidationException', 'IdentityPoolId must look like us-east-1:<uuid>');
        const token = text('Token', true, MAX_TOKEN_CHARS)!.trim();
        const loginsKey = text('LoginsKey', false, 128);
        const customRoleArn = text('CustomRoleArn', false, 2048);
        if (principal.kind !== 'root') {
          const resource = `arn:aws:cognito-identity:${identityPoolId.split(':')[0]}:${deps.accountId}:identitypool/${identityPoolId}`;
          const result = await deps.authorizer.authorize({ principal, action: DOCTOR_ACTION, resource, context: { 'aws:SourceIp': request.ip } });
          if (result.decision !== 'Allow') {
            throw new ServiceError('AccessDeniedException', `User: ${principal.arn} is not authorized to perform: ${DOCTOR_ACTION} on resource: ${resource}`, { reason: result.reason });
          }
        }
        const report = await deps.doctor.explain({
          identityPoolId,
          token,
          ...(loginsKey !== undefined ? { loginsKey } : {}),
          ...(customRoleArn !== undefined ? { customRoleArn } : {}),
          requestContext: { 'aws:SourceIp': request.ip, 'aws:RequestedRegion': deps.region, 'aws:SecureTransport': request.protocol === 'https' ? 'true' : 'false' },
        });
        // What the doctor found, never the token itself.
        deps.log.info({ doctor: true, identityPoolId, accepted: report.accepted, failed: report.checks.find((c) => c.status === 'fail')?.check }, 'token doctor');
        reply.header('cache-control', 'no-store').send(report);
      } catch (err) {
        if (err instanceof ServiceError && err.fault === 'client') {
          send(reply, err);
          return;
        }
        throw err;
      }
    });
  };
}
