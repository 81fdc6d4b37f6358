/**
 * The development SAML IdP in demo mode (`tessera serve --demo`):
 *
 * - Seeding (`devSamlSeeder`, run by src/demo/tenant.ts after the tenant, as the account root
 *   through Tessera's own operations, idempotent across restarts): the IAM SAML provider
 *   `tessera-dev-saml` from the IdP's metadata (its metadata updated when the signing certificate
 *   changed); that provider added to the demo identity pool's SamlProviderARNs (Describe, then
 *   Update with every other field kept); and on the demo guest and authenticated roles a trust
 *   statement (Sid `TesseraDevSaml`) for `Federated: <provider ARN>`, `sts:AssumeRoleWithSAML`,
 *   `SAML:aud` = `<public-url>/saml`, beside their identity-pool trust and with their
 *   permissions unchanged, so the basic flow (AssumeRoleWithSAML) sees the same allow/deny.
 * - The demo's assertion consumer service, `POST /demo/saml/acs` (the HTTP-POST binding):
 *   the SAMLResponse and RelayState are kept server-side in a one-time slot for two minutes, the
 *   slot's handle goes into an HttpOnly SameSite=Strict cookie scoped to
 *   `/_tessera/demo/saml`, and the browser is sent on with 303 to `/demo/callback`. The page then
 *   takes the response with `POST /_tessera/demo/saml/response {relayState}`: the cookie names
 *   the slot, the RelayState must be the one the page saved in sessionStorage when it started
 *   the sign-in, and the slot is gone after the first try. The response is never in a URL and
 *   never logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServiceError } from '../../errors/index.js';
import type { DemoTenant, RootCall } from '../../demo/tenant.js';
import { clearCookie, parseCookies } from '../../services/oauth2/cookies.js';
import { MAX_SAML_LENGTH } from '../../tokens/saml/index.js';
import type { DevSamlIdp } from '../saml-idp.js';
import { createMemo } from '../memo.js';

export const DEMO_ACS_PATH = '/demo/saml/acs';
export const TRUST_SID = 'TesseraDevSaml';
const SLOT_COOKIE = 'tessera_demo_saml';
const SLOT_PATH = '/_tessera/demo/saml';
const SLOT_TTL_MS = 2 * 60 * 1000;
const MAX_SLOTS = 1000;
const RELAY_STATE = /^[\x21-\x7e]{1,256}$/;

/** What GET /_tessera/demo says about SAML 2.0. */
export interface DevSamlDemoInfo {
  providerArn: string;
  startUrl: string;
  metadataUrl: string;
  roles: Array<{ name: string; arn: string }>;
}

/** The demo roles the dev IdP asserts (and whose trust takes the SAML provider). */
export function samlDemoRoles(tenant: DemoTenant): Array<{ name: string; arn: string; description: string }> {
  return [tenant.roles.authenticated, tenant.roles.guest];
}

export function devSamlDemoInfo(idp: DevSamlIdp, tenant: DemoTenant): DevSamlDemoInfo {
  return {
    providerArn: idp.providerArn,
    startUrl: new URL(idp.ssoUrl).pathname,
    metadataUrl: idp.metadataUrl,
    roles: samlDemoRoles(tenant).map((r) => ({ name: r.name, arn: r.arn })),
  };
}

interface PolicyDoc {
  Version?: string;
  Statement?: unknown;
}

/** The demo tenant's SAML parts, created or brought up to date. */
export function devSamlSeeder(idp: DevSamlIdp): (call: RootCall, tenant: DemoTenant) => Promise<void> {
  return async (call, tenant) => {
    // 1. The IAM SAML provider, from the IdP's metadata.
    try {
      const got = await call('iam', 'GetSAMLProvider', { SAMLProviderArn: idp.providerArn });
      if (got.SAMLMetadataDocument !== idp.metadataXml) {
        await call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: idp.providerArn, SAMLMetadataDocument: idp.metadataXml });
      }
    } catch (err) {
      if (!(err instanceof ServiceError) || err.code !== 'NoSuchEntity') throw err;
      await call('iam', 'CreateSAMLProvider', { Name: idp.providerName, SAMLMetadataDocument: idp.metadataXml });
    }

    // 2. The identity pool trusts it (merge: every other field kept as it is).
    const pool = await call('cognito-identity', 'DescribeIdentityPool', { IdentityPoolId: tenant.identityPoolId });
    const arns: string[] = pool.SamlProviderARNs ?? [];
    if (!arns.includes(idp.providerArn)) {
      const { IdentityPoolTags: _tags, ...fields } = pool as Record<string, unknown>;
      await call('cognito-identity', 'UpdateIdentityPool', { ...fields, SamlProviderARNs: [...arns, idp.providerArn] });
    }

    // 3. The roles it asserts take AssumeRoleWithSAML from it (their identity-pool trust kept).
    const statement = {
      Sid: TRUST_SID,
      Effect: 'Allow',
      Principal: { Federated: idp.providerArn },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': idp.recipient } },
    };
    for (const role of samlDemoRoles(tenant)) {
      const got = await call('iam', 'GetRole', { RoleName: role.name });
      const raw = String(got.Role.AssumeRolePolicyDocument ?? '');
      const doc = JSON.parse(raw.startsWith('%') ? decodeURIComponent(raw) : raw) as PolicyDoc;
      const current = Array.isArray(doc.Statement) ? (doc.Statement as Array<Record<string, unknown>>) : doc.Statement ? [doc.Statement as Record<string, unknown>] : [];
      const others = current.filter((s) => s.Sid !== TRUST_SID);
      const mine = current.find((s) => s.Sid === TRUST_SID);
      if (mine && JSON.stringify(mine) === JSON.stringify(statement) && others.length === current.length - 1) continue;
      const next = { Version: doc.Version ?? '2012-10-17', Statement: [...others, statement] };
      await call('iam', 'UpdateAssumeRolePolicy', { RoleName: role.name, PolicyDocument: JSON.stringify(next, null, 2) });
    }
  };
}

interface Slot {
  samlResponse: string;
  relayState: string;
}

function refuse(reply: FastifyReply, status: number, type: string, message: string, cookies: string[] = []): FastifyReply {
  if (cookies.length) reply.header('set-cookie', cookies);
  return reply.code(status).header('cache-control', 'no-store').type('application/json').send({ __type: type, message });
}

/** The demo's ACS and the page's one-time pick-up of the response. */
export function devSamlDemoRoutes(deps: { clock: () => Date; secure: boolean }): (app: FastifyInstance) => void {
  const slots = createMemo<Slot>(deps.clock, MAX_SLOTS);
  const scope = { path: SLOT_PATH, secure: deps.secure };
  return (app) => {
    app.post(DEMO_ACS_PATH, async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const text = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
      const form = new URLSearchParams(type === 'application/x-www-form-urlencoded' ? text : '');
      const samlResponse = form.getAll('SAMLResponse');
      const relayState = form.getAll('RelayState');
      if (samlResponse.length !== 1 || relayState.length !== 1 || samlResponse[0]!.length > MAX_SAML_LENGTH + 2000 || !RELAY_STATE.test(relayState[0]!)) {
        return refuse(reply, 400, 'ValidationException', 'The demo ACS takes one SAMLResponse and one RelayState, form-encoded (the HTTP-POST binding).');
      }
      const handle = randomBytes(32).toString('base64url');
      slots.set(handle, { samlResponse: samlResponse[0]!, relayState: relayState[0]! }, SLOT_TTL_MS / 1000);
      const cookie = [`${SLOT_COOKIE}=${handle}`, `Path=${SLOT_PATH}`, `Max-Age=${SLOT_TTL_MS / 1000}`, 'HttpOnly', 'SameSite=Strict', ...(deps.secure ? ['Secure'] : [])].join('; ');
      return reply.code(303).header('set-cookie', cookie).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', '/demo/callback').send();
    });

    app.post(`${SLOT_PATH}/response`, async (request, reply) => {
      const clear = clearCookie(SLOT_COOKIE, scope).replace('SameSite=Lax', 'SameSite=Strict');
      let relayState: unknown;
      try {
        relayState = (JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '') as Record<string, unknown>)?.relayState;
      } catch {
        /* refused below */
      }
      if (typeof relayState !== 'string' || !RELAY_STATE.test(relayState)) return refuse(reply, 400, 'ValidationException', 'relayState is missing or not valid', [clear]);
      const handle = parseCookies(request.headers.cookie).get(SLOT_COOKIE) ?? '';
      const slot = slots.take(handle);
      if (!slot) return refuse(reply, 400, 'NotAuthorizedException', 'No SAML response is waiting for this browser (it was taken already, or it expired).', [clear]);
      const a = Buffer.from(slot.relayState), b = Buffer.from(relayState);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        return refuse(reply, 400, 'NotAuthorizedException', 'The SAML response answers another sign-in: its RelayState is not the one this page started.', [clear]);
      }
      return reply.header('set-cookie', clear).header('cache-control', 'no-store').send({ SAMLResponse: slot.samlResponse });
    });
  };
}
