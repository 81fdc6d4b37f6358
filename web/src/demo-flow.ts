// The demo's shared run machinery: the tenant description, the flow tab, one run from Logins to
// credentials and the data step, and how a run's result is shown. Every sign-in (guest, user pool,
// developer, the development IdPs) ends in run().
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { BuildMiddleware } from '@smithy/types';
import { h, json, masked, replace } from './dom';

export interface Role { name: string; arn: string; description: string }
export interface Demo {
  userPoolId: string; clientId: string; domain: string; username: string; password: string;
  identityPoolId: string; developerProviderName: string; userPoolProviderName: string;
  roles: { guest: Role; authenticated: Role; patterns: Role[] };
  bucket: string; table: string; gatewayUrl: string | null; dataStep: { available: boolean; reason?: string };
  /** Whether the pool allows the basic (classic) flow and which providers have role mappings. */
  basicFlow?: { allowClassicFlow: boolean; roleMappings: string[]; available: boolean } | null;
}
export interface Step { call: string; request: unknown; response?: unknown; error?: string; ms: number }
export interface Creds { AccessKeyId?: string; SecretKey?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }

const origin = location.origin;
const dummy = { accessKeyId: 'unused', secretAccessKey: 'unused' };
/** The demo's SDK clients (no credentials: these calls are unsigned), each request carrying the run id. */
export const identity = new CognitoIdentityClient({ endpoint: origin, region: 'us-east-1', credentials: dummy });
export const sts = new STSClient({ endpoint: origin, region: 'us-east-1', credentials: dummy });
/** The demo tenant (GET /_tessera/demo) and the selected flow tab, set by demo.ts. */
export const state: { demo: Demo; flow: 'enhanced' | 'basic' } = { demo: undefined as unknown as Demo, flow: 'enhanced' };

/**
 * The current run's id. Every request a run makes (AWS calls through the SDK clients, the
 * development IdPs' token endpoints, the demo backend) carries it as `x-tessera-trace`, so the
 * server can record the run's real trace. beginRun() starts a new one (at the start of a sign-in's
 * last leg: the callback or the button press).
 */
let runId = '';
export function beginRun(): string {
  runId = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return runId;
}
export function currentRun(): string {
  return runId;
}
/** Headers to add to every fetch a run makes. */
export function runHeaders(): Record<string, string> {
  return runId ? { 'x-tessera-trace': runId } : {};
}
const addRunHeader: BuildMiddleware<any, any> = (next) => async (args) => {
  const request = args.request as { headers?: Record<string, string> };
  if (runId && request.headers) request.headers['x-tessera-trace'] = runId;
  return next(args);
};
identity.middlewareStack.add(addRunHeader, { step: 'build', name: 'tesseraTraceHeader' });
sts.middlewareStack.add(addRunHeader, { step: 'build', name: 'tesseraTraceHeader' });

/** The basic tab's picks (role and session duration), saved before a sign-in leaves the page. */
export function basicPicks(): { role: string; duration: string } {
  return {
    role: (document.getElementById('basic-role') as HTMLSelectElement | null)?.value ?? '',
    duration: (document.getElementById('basic-duration') as HTMLSelectElement | null)?.value ?? '',
  };
}

/** Puts the saved picks back after the sign-in returned (only values the selects offer). */
export function restorePicks(s: { role?: string; duration?: string }): void {
  const role = document.getElementById('basic-role') as HTMLSelectElement | null;
  const duration = document.getElementById('basic-duration') as HTMLSelectElement | null;
  if (role && s.role && [...role.options].some((o) => o.value === s.role)) role.value = s.role;
  if (duration && s.duration && [...duration.options].some((o) => o.value === s.duration)) duration.value = s.duration;
}

export async function traced<T>(steps: Step[], call: string, request: unknown, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const response = await run();
    steps.push({ call, request: masked(request), response: masked(response), ms: Math.round(performance.now() - t0) });
    return response;
  } catch (e) {
    steps.push({ call, request: masked(request), error: `${(e as Error).name}: ${(e as Error).message}`, ms: Math.round(performance.now() - t0) });
    throw e;
  }
}

export async function post(path: string, body: unknown): Promise<any> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...runHeaders() }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) throw Object.assign(new Error(out.message ?? `HTTP ${res.status}`), { name: out.__type ?? 'Error' });
  return out;
}

// ---- the flows --------------------------------------------------------------------------------
export async function run(label: string, logins: Record<string, string> | undefined, steps: Step[], identityId?: string): Promise<void> {
  const out = document.getElementById('result')!;
  replace(out, h('p', { role: 'status' }, `${label}: working…`));
  let creds: Creds | undefined;
  try {
    let id = identityId;
    if (!id) id = (await traced(steps, 'GetId', { IdentityPoolId: state.demo.identityPoolId, Logins: logins }, () => identity.send(new GetIdCommand({ IdentityPoolId: state.demo.identityPoolId, Logins: logins })))).IdentityId!;
    if (state.flow === 'enhanced') {
      const got = await traced(steps, 'GetCredentialsForIdentity', { IdentityId: id, Logins: logins }, () => identity.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: logins })));
      creds = got.Credentials;
    } else {
      const roleArn = (document.getElementById('basic-role') as HTMLSelectElement).value;
      const duration = Number((document.getElementById('basic-duration') as HTMLSelectElement).value);
      const tok = await traced(steps, 'GetOpenIdToken', { IdentityId: id, Logins: logins }, () => identity.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: logins })));
      const assumed = await traced(steps, 'AssumeRoleWithWebIdentity', { RoleArn: roleArn, RoleSessionName: 'tessera-demo', WebIdentityToken: tok.Token, DurationSeconds: duration }, () =>
        sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'tessera-demo', WebIdentityToken: tok.Token!, DurationSeconds: duration })),
      );
      creds = assumed.Credentials;
    }
  } catch {
    /* shown in the flow below */
  }
  await finishRun(label, creds, steps);
}

/** The end of every run: the data step with the credentials (when there are any), then the result. */
export async function finishRun(label: string, creds: Creds | undefined, steps: Step[]): Promise<void> {
  let data: any;
  if (creds && state.demo.dataStep.available) {
    try {
      data = await traced(steps, 'Data step through the gateway', { bucket: state.demo.bucket, table: state.demo.table }, () =>
        post('/_tessera/demo/data-step', { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretKey ?? creds.SecretAccessKey, sessionToken: creds.SessionToken }),
      );
    } catch {
      /* shown in the flow */
    }
  }
  showResult(label, creds, steps, data);
}

/** One step of the run as the server recorded it (GET /_tessera/demo/runs/<id>, src/demo/trace.ts). */
export interface ServerStep {
  seq: number; kind: 'aws' | 'http' | 'backend' | 'gateway'; name: string; ok: boolean; status?: number; ms?: number;
  service?: string; path?: string; request?: unknown; response?: unknown;
  error?: { code: string; message?: string; reason?: { check?: string; expected?: unknown; actual?: unknown; detail?: string } };
  decision?: { decision?: string; action?: string; resource?: string; policy?: string; statement?: string; detail?: string };
  calls: Array<{ method: string; url: string; status?: number; ms?: number; error?: string }>; callsDropped?: number;
}
export interface DataCall { call: string; status: number; outcome: string; decidedBy?: string; detail: string }

/** The server's trace of the current run; undefined when it cannot be had (then the page shows its own steps). */
async function serverTrace(): Promise<ServerStep[] | undefined> {
  const id = currentRun();
  if (!id) return undefined;
  try {
    const res = await fetch(`/_tessera/demo/runs/${id}`);
    if (!res.ok) return undefined;
    const run = (await res.json()) as { steps: ServerStep[] };
    return run.steps.length ? run.steps : undefined;
  } catch {
    return undefined;
  }
}

const KIND: Record<ServerStep['kind'], string> = { aws: 'AWS API', http: 'HTTP', backend: 'demo backend', gateway: 'SigV4 gateway' };

function stepTitle(s: ServerStep): string {
  if (s.kind === 'http' && s.path?.startsWith('/_tessera/demo/')) return `Demo backend: ${s.name}`;
  if (s.kind === 'aws' && s.service) return `${s.name} (${s.service})`;
  return s.name;
}

function reasonText(r: NonNullable<ServerStep['error']>['reason'], shownDetail?: string): string {
  if (!r) return '';
  const parts = [r.check ? `check ${r.check}` : '', r.expected !== undefined ? `expected ${JSON.stringify(r.expected)}` : '', r.actual !== undefined ? `actual ${JSON.stringify(r.actual)}` : '', r.detail !== shownDetail ? (r.detail ?? '') : ''];
  return parts.filter(Boolean).join('; ');
}

function serverStepView(s: ServerStep): HTMLElement {
  return h('li', { 'data-step': s.kind, 'data-ok': String(s.ok) },
    h('strong', {}, stepTitle(s)), ' ', h('span', { class: 'muted' }, `[${KIND[s.kind]}] `),
    h('span', { class: s.ok ? 'pass' : 'fail' }, s.ok ? 'ok' : 'failed'),
    h('span', { class: 'muted' }, `${s.status !== undefined ? ` HTTP ${s.status}` : ''}${s.ms !== undefined ? ` · ${Math.round(s.ms)} ms` : ''}`),
    s.error ? h('p', { class: 'error' }, `${s.error.code}${s.error.message ? `: ${s.error.message}` : ''}`) : null,
    s.error?.reason ? h('p', { class: 'error' }, `Reason: ${reasonText(s.error.reason, s.decision?.detail)}`) : null,
    s.decision ? h('p', {}, `Decision: ${s.decision.decision ?? ''}${s.decision.detail ? ` — ${s.decision.detail}` : ''}`) : null,
    s.request !== undefined ? h('details', {}, h('summary', {}, 'Request'), h('pre', {}, json(s.request))) : null,
    s.response !== undefined ? h('details', {}, h('summary', {}, 'Response'), h('pre', {}, json(s.response))) : null,
    s.calls.length ? h('details', {}, h('summary', {}, `Outbound calls Tessera made (${s.calls.length}${s.callsDropped ? ` + ${s.callsDropped} not kept` : ''})`),
      h('ul', {}, ...s.calls.map((c) => h('li', {}, `${c.method} ${c.url} → ${c.status !== undefined ? `HTTP ${c.status}` : (c.error ?? 'no answer')}${c.ms !== undefined ? ` · ${Math.round(c.ms)} ms` : ''}`)))) : null,
  );
}

function pageStepView(s: Step, note = ''): HTMLElement {
  return h('li', {},
    h('strong', {}, s.call), ' ', note ? h('span', { class: 'muted' }, note) : null, h('span', { class: s.error ? 'fail' : 'pass' }, s.error ? 'failed' : 'ok'), h('span', { class: 'muted' }, ` ${s.ms} ms`),
    s.error ? h('p', { class: 'error' }, s.error) : null,
    h('details', {}, h('summary', {}, 'Request'), h('pre', {}, json(s.request))),
    s.response !== undefined ? h('details', {}, h('summary', {}, 'Response'), h('pre', {}, json(s.response))) : null,
  );
}

/** The page's steps the server cannot have seen: requests that never got an answer (a network error). */
function pageOnly(steps: Step[]): Step[] {
  return steps.filter((s) => s.error?.startsWith('TypeError'));
}

/**
 * Shows a run's outcome: the credentials, the detailed API flow — the trace the server recorded
 * for this run (fetched now that the run is over), or, when it cannot be had, the page's own
 * record of its calls — and the data step's table.
 */
export function showResult(label: string, creds: Creds | undefined, steps: Step[], data: any): void {
  void serverTrace().then((trace) => render(label, creds, steps, data, trace));
}

function render(label: string, creds: Creds | undefined, steps: Step[], data: any, trace: ServerStep[] | undefined): void {
  const out = document.getElementById('result')!;
  const failed = steps.find((s) => s.error);
  const credsView = h('pre', { id: 'credentials', hidden: true },
    creds ? json({ AccessKeyId: creds.AccessKeyId, SecretKey: creds.SecretKey ?? creds.SecretAccessKey, SessionToken: creds.SessionToken, Expiration: creds.Expiration }) : 'No credentials: see the detailed API flow.');
  const flowView = trace
    ? h('div', { id: 'api-flow', hidden: true },
      h('p', { class: 'muted' }, 'Each call Tessera handled for this run, as the server recorded it: requests and responses (tokens decoded, secrets masked), timings, the outbound calls it made, and for a failed step its reason.'),
      h('ol', {}, ...trace.map(serverStepView), ...pageOnly(steps).map((st) => pageStepView(st, '[seen only by the page, no answer reached it] '))))
    : h('div', { id: 'api-flow', hidden: true },
      h('p', { class: 'muted' }, 'The server’s trace of this run is not available; these are the calls as the browser made them (tokens decoded, secrets masked).'),
      h('ol', {}, ...steps.map((st) => pageStepView(st))));
  const toggle = (id: string, text: string) => {
    const b = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': id }, text);
    b.addEventListener('click', () => {
      const el = document.getElementById(id)!;
      el.hidden = !el.hidden;
      b.setAttribute('aria-expanded', String(!el.hidden));
    });
    return b;
  };
  const calls = (data?.calls ?? []) as DataCall[];
  replace(out,
    h('h3', {}, label, ' — ', creds ? h('span', { class: 'pass' }, 'credentials received') : h('span', { class: 'fail' }, `refused${failed ? ` at ${failed.call}` : ''}`)),
    failed ? h('p', { class: 'error', role: 'alert' }, failed.error!) : null,
    h('div', { class: 'row' }, toggle('credentials', 'View AWS credentials only'), toggle('api-flow', 'View detailed API flow')),
    credsView, flowView,
    data ? h('section', { 'aria-labelledby': 'data-h' }, h('h3', { id: 'data-h' }, 'Data step (through the SigV4 gateway)'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Call'), h('th', {}, 'Outcome'), h('th', {}, 'Decided by'), h('th', {}, 'Detail'))),
        h('tbody', {}, ...calls.map((c) =>
          h('tr', {}, h('td', {}, c.call), h('td', { class: c.status < 300 ? 'pass' : 'fail' }, `${c.status} ${c.outcome}`), h('td', {}, c.decidedBy ?? '—'), h('td', {}, h('pre', {}, c.detail))))))) : null,
  );
}
