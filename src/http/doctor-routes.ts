/**
 * The token doctor's admin API (no AWS operation exists for it), one route per target:
 *
 *  - `POST /_tessera/doctor/identity-pool` `{ "IdentityPoolId", "Token", "LoginsKey"?, "CustomRoleArn"? }`
 *    (GetCredentialsForIdentity; services/cognito-identity/doctor.ts), resource: the pool's ARN;
 *  - `POST /_tessera/doctor/role` `{ "RoleArn", "Token", "Kind"?: "web-identity" | "saml",
 *    "ProviderId"?, "PrincipalArn"?, "RoleSessionName"? }` (AssumeRoleWithWebIdentity / AssumeRoleWithSAML;
 *    services/sts/doctor.ts; Kind defaults to saml for a base64 XML token), resource: the role ARN;
 *  - `POST /_tessera/doctor/user-pool-client` `{ "UserPoolId", "ClientId", "Token" }` (an ID or
 *    access token for that app client; services/cognito-idp/doctor.ts), resource: the user pool's ARN.
 *
 * Each is signed with SigV4 for the service `tessera` (any region) by the account root, or by a
 * principal whose policies allow `tessera:ExplainLogin` on the resource. It answers 200 with the
 * doctor's report: `accepted`, and each check with what was expected and found. Errors are AWS
 * JSON-shaped (`{ "__type", "message" }`, 4xx): an unsigned or badly signed request, a refused
 * principal, a body that is not the JSON above, an unknown pool or app client.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CATALOG, Refusal, ServiceError, type ErrorCode } from '../errors/index.js';
import type { Principal } from '../credentials/principal.js';
import type { Authorizer } from '../authz/index.js';
import { hasSignature, verifySigV4, type CredentialLookupResult } from '../sigv4/index.js';
import { renderJsonError } from '../wire/index.js';
import type { IdentityPoolDoctor } from '../services/cognito-identity/index.js';
import type { RoleDoctor } from '../services/sts/index.js';
import type { UserPoolClientDoctor } from '../services/cognito-idp/index.js';
import { looksLikeSaml } from '../services/doctor/report.js';

export const DOCTOR_SIGNING_SERVICE = 'tessera';
export const DOCTOR_ACTION = 'tessera:ExplainLogin';
/** A JWT or access token longer than this is not one any provider issues (Cognito's Logins value limit is 50,000). */
const MAX_TOKEN_CHARS = 50_000;

export interface DoctorRouteDeps {
  doctor: IdentityPoolDoctor;
  roleDoctor?: RoleDoctor;
  userPoolClientDoctor?: UserPoolClientDoctor;
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

  /** The JSON object body, or SerializationException naming the shape expected. */
  function parseBody(raw: Buffer, shape: string): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Record<string, unknown>;
    } catch {
      throw new ServiceError('SerializationException', `The body must be a JSON object: ${shape}`);
    }
  }
  function textOf(input: Record<string, unknown>) {
    return (name: string, required: boolean, max: number, pattern?: RegExp, hint?: string): string | undefined => {
      const v = input[name];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new ServiceError('ValidationException', `${name} must be a string of 1..${max} characters`);
      if (pattern && !pattern.test(v)) throw new ServiceError('ValidationException', `${name} must look like ${hint}`);
      return v;
    };
  }
  async function authorize(request: FastifyRequest, principal: Principal, resource: string): Promise<void> {
    if (principal.kind === 'root') return;
    const result = await deps.authorizer.authorize({ principal, action: DOCTOR_ACTION, resource, context: { 'aws:SourceIp': request.ip } });
    if (result.decision !== 'Allow') {
      throw new ServiceError('AccessDeniedException', `User: ${principal.arn} is not authorized to perform: ${DOCTOR_ACTION} on resource: ${resource}`, { reason: result.reason });
    }
  }
  /** The request context the AWS endpoint gives an operation (aws-endpoint.ts), so trust conditions on time or source see what the API would. */
  const requestContext = (request: FastifyRequest) => {
    const now = deps.clock();
    return {
      'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SourceIp': request.ip,
      'aws:SecureTransport': request.protocol === 'https' ? 'true' : 'false',
      'aws:RequestedRegion': deps.region,
    };
  };

  /** One doctor route: authenticate, parse, explain; client faults AWS-shaped, never a 5xx for bad input. */
  function route(app: FastifyInstance, path: string, explain: (request: FastifyRequest, principal: Principal, raw: Buffer) => Promise<{ report: { accepted: boolean; checks: Array<{ status: string; check?: string }> }; target: Record<string, string> }>) {
    app.post(path, async (request, reply) => {
      try {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const principal = await authenticate(request, raw);
        const { report, target } = await explain(request, principal, raw);
        // What the doctor found, never the token itself.
        deps.log.info({ doctor: true, ...target, accepted: report.accepted, failed: report.checks.find((c) => c.status === 'fail')?.check }, 'token doctor');
        reply.header('cache-control', 'no-store').send(report);
      } catch (err) {
        if (err instanceof ServiceError && err.fault === 'client') {
          send(reply, err);
          return;
        }
        throw err;
      }
    });
  }

  return (app) => {
    route(app, '/_tessera/doctor/identity-pool', async (request, principal, raw) => {
      const text = textOf(parseBody(raw, '{ "IdentityPoolId", "Token", "LoginsKey"?, "CustomRoleArn"? }'));
      const identityPoolId = text('IdentityPoolId', true, 55, /^[\w-]+:[0-9a-f-]+$/, 'us-east-1:<uuid>')!;
      const token = text('Token', true, MAX_TOKEN_CHARS)!.trim();
      const loginsKey = text('LoginsKey', false, 128);
      const customRoleArn = text('CustomRoleArn', false, 2048);
      await authorize(request, principal, `arn:aws:cognito-identity:${identityPoolId.split(':')[0]}:${deps.accountId}:identitypool/${identityPoolId}`);
      const report = await deps.doctor.explain({
        identityPoolId,
        token,
        ...(loginsKey !== undefined ? { loginsKey } : {}),
        ...(customRoleArn !== undefined ? { customRoleArn } : {}),
        requestContext: requestContext(request),
      });
      return { report, target: { identityPoolId, ...(report.loginsKey ? { provider: report.loginsKey } : {}) } };
    });

    route(app, '/_tessera/doctor/role', async (request, principal, raw) => {
      const roleDoctor = deps.roleDoctor;
      if (!roleDoctor) throw new ServiceError('UnknownOperationException', 'The role doctor is not available');
      const text = textOf(parseBody(raw, '{ "RoleArn", "Token", "Kind"?: "web-identity" | "saml", "ProviderId"?, "PrincipalArn"?, "RoleSessionName"? }'));
      const roleArn = text('RoleArn', true, 2048, /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'arn:aws:iam::<account>:role/<name>')!;
      const token = text('Token', true, MAX_TOKEN_CHARS)!.trim();
      const kind = text('Kind', false, 16, /^(web-identity|saml)$/, 'web-identity or saml') as 'web-identity' | 'saml' | undefined;
      const providerId = text('ProviderId', false, 2048);
      const sessionName = text('RoleSessionName', false, 64, /^[\w+=,.@-]{2,64}$/, 'a role session name (2-64 of [\\w+=,.@-])');
      const principalArn = text('PrincipalArn', false, 2048, /^arn:aws[\w-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/, 'arn:aws:iam::<account>:saml-provider/<name>');
      if (kind === 'web-identity' && principalArn !== undefined) throw new ServiceError('ValidationException', 'PrincipalArn is for Kind saml only');
      if (kind === 'saml' && providerId !== undefined) throw new ServiceError('ValidationException', 'ProviderId is for Kind web-identity only');
      await authorize(request, principal, roleArn);
      const report = await roleDoctor.explain({
        roleArn,
        token,
        kind: kind ?? (principalArn !== undefined || looksLikeSaml(token) ? 'saml' : 'web-identity'),
        ...(providerId !== undefined ? { providerId } : {}),
        ...(principalArn !== undefined ? { principalArn } : {}),
        ...(sessionName !== undefined ? { sessionName } : {}),
        requestContext: requestContext(request),
      });
      return { report, target: { roleArn, ...(report.provider ? { provider: report.provider } : report.target.principalArn ? { provider: report.target.principalArn } : {}) } };
    });

    route(app, '/_tessera/doctor/user-pool-client', async (request, principal, raw) => {
      const upDoctor = deps.userPoolClientDoctor;
      if (!upDoctor) throw new ServiceError('UnknownOperationException', 'The user-pool-client doctor is not available');
      const text = textOf(parseBody(raw, '{ "UserPoolId", "ClientId", "Token" }'));
      const userPoolId = text('UserPoolId', true, 55, /^[\w-]+_[0-9a-zA-Z]+$/, 'us-east-1_<id>')!;
      const clientId = text('ClientId', true, 128, /^[\w+]+$/, 'an app client id')!;
      const token = text('Token', true, MAX_TOKEN_CHARS)!.trim();
      await authorize(request, principal, `arn:aws:cognito-idp:${userPoolId.split('_')[0]}:${deps.accountId}:userpool/${userPoolId}`);
      const report = await upDoctor.explain({ userPoolId, clientId, token });
      return { report, target: { userPoolId, clientId } };
    });
  };
}
