/**
 * The demo's run traces (demo mode only): what the demo page shows as "View detailed API flow"
 * is what this server recorded for the run, not what the page believes it did.
 *
 * A run is named by the page: every request of a run carries `x-tessera-trace: <32 hex>`.
 * Recorded, per run, in the order they started:
 *
 * - every request on the main listener carrying that header, by fastify hooks that know no
 *   route (so routes added later, by anyone, are recorded without doing anything): for AWS calls
 *   on `POST /` the service and operation, the request's parameters and the response; for other
 *   routes the method, path, body and JSON answer; the status, the duration, and for a failure
 *   the error code, message and the refusal's reason (check / expected / actual, the same the
 *   log line carries);
 * - the outbound HTTP(S) calls Tessera made while handling such a request (OpenID discovery,
 *   JWKS, introspection, SAML metadata …), seen on node:diagnostics_channel (node:http's
 *   `http.client.*` and fetch's `undici:request:*`) and attributed to the request by an
 *   AsyncLocalStorage entered around its handler: method, URL (secret query parameters masked),
 *   status (for fetch, when the headers arrive), duration or error. A JWKS served from cache makes no call;
 *   the trace says so by showing none;
 * - the demo backend's own calls (`within`): GetOpenIdTokenForDeveloperIdentity as the app's
 *   backend, and each gateway call of the data step, recorded by the gateway's observer hook
 *   with its decision and the deciding policy and statement.
 *
 * Everything is masked before it is stored (src/demo/trace-mask.ts). The recorder belongs to
 * one Tessera instance (no process-global state) and is bounded: at most `maxRuns` runs (the
 * oldest go first), `maxSteps` steps per run and `maxCallsPerStep` outbound calls per step
 * (beyond, only counted), each step's stored detail capped, a total character budget, and runs
 * expire `ttlMs` after they started, by the injected clock.
 *
 * `GET /_tessera/demo/runs/<id>` answers a run's steps (404 for an unknown or expired run).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { Refusal, ServiceError } from '../errors/index.js';
import type { RequestNote } from '../http/aws-endpoint.js';
import { maskUrl, maskValue, scrubString } from './trace-mask.js';

export const TRACE_HEADER = 'x-tessera-trace';
/** Set by the demo backend on its gateway calls, to be told the gateway's decision for each. */
export const DEMO_CALL_HEADER = 'x-tessera-demo-call';
const RUN_ID = /^[0-9a-f]{32}$/;
const RUNS_PATH = '/_tessera/demo/runs/';

export interface OutboundCall {
  method: string;
  url: string;
  status?: number;
  ms?: number;
  error?: string;
}

export interface TraceStep {
  seq: number;
  /** aws: an AWS call on POST /; http: another route; backend: the demo backend's own call; gateway: a SigV4 gateway request. */
  kind: 'aws' | 'http' | 'backend' | 'gateway';
  name: string;
  /** When it started, by the injected clock. */
  at: string;
  ok: boolean;
  status?: number;
  ms?: number;
  method?: string;
  path?: string;
  service?: string;
  operation?: string;
  request?: unknown;
  response?: unknown;
  error?: { code: string; message?: string; reason?: unknown };
  /** Gateway requests: the decision and what decided it (src/gateway/authorize.ts decisionFields). */
  decision?: unknown;
  calls: OutboundCall[];
  callsDropped?: number;
}

export interface TraceRun {
  id: string;
  startedAt: string;
  expiresAt: string;
  steps: TraceStep[];
  /** Steps not recorded because the run had `maxSteps` already. */
  dropped: number;
}

/** What the gateway reports of each request it finished (src/gateway observe hook). */
export interface GatewayEvent {
  req: IncomingMessage;
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  note: Record<string, unknown>;
}

export interface TraceRecorderOptions {
  clock: () => Date;
  maxRuns?: number;
  maxSteps?: number;
  maxCallsPerStep?: number;
  ttlMs?: number;
  /** Characters of one step's stored detail (request, response, error) beyond which it is truncated. */
  maxStepChars?: number;
  /** Characters held over all runs; the oldest runs go first beyond it. */
  maxChars?: number;
}

export const TRACE_DEFAULTS = { maxRuns: 200, maxSteps: 100, maxCallsPerStep: 20, ttlMs: 30 * 60_000, maxStepChars: 32_768, maxChars: 8 * 1024 * 1024 } as const;

interface Held {
  t0: number;
  step: TraceStep;
  chars: number;
  done: boolean;
}
interface Run {
  id: string;
  created: number;
  steps: Held[];
  dropped: number;
  chars: number;
}
/** A step being recorded (the AsyncLocalStorage store). */
interface Active {
  run: Run;
  held: Held;
  payload?: unknown;
}

export function runIdOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers[TRACE_HEADER];
  const id = Array.isArray(v) ? v[0] : v;
  return id !== undefined && RUN_ID.test(id) ? id : undefined;
}

function headerText(v: unknown): string {
  return Array.isArray(v) ? String(v[0] ?? '') : v === undefined ? '' : String(v);
}

/** A request or response body as something to show: JSON and forms parsed and masked, the rest by size. */
function bodyView(body: unknown, contentType: string): unknown {
  const bytes = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body) : undefined;
  if (!bytes || bytes.length === 0) return undefined;
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (bytes.length <= 1024 * 1024) {
    const text = bytes.toString('utf8');
    if (ct.includes('json')) {
      try {
        return maskValue(JSON.parse(text));
      } catch {
        /* shown by size */
      }
    }
    if (ct === 'application/x-www-form-urlencoded') return maskValue(Object.fromEntries(new URLSearchParams(text)));
  }
  return `<${bytes.length} bytes${ct ? ` of ${ct}` : ''}>`;
}

function errorOf(err: unknown): { code: string; message?: string; reason?: unknown } {
  if (err instanceof ServiceError) return { code: err.code, message: scrubString(err.message), ...(err.reason ? { reason: maskValue(err.reason) } : {}) };
  if (err instanceof Refusal) return { code: err.kind, message: scrubString(err.message), reason: maskValue(err.reason) };
  return { code: (err as Error)?.name ?? 'Error', message: scrubString(String((err as Error)?.message ?? err)) };
}

export function createTraceRecorder(options: TraceRecorderOptions) {
  const o = { ...TRACE_DEFAULTS, ...options };
  const runs = new Map<string, Run>();
  let held = 0;
  const als = new AsyncLocalStorage<Active>();
  const pending = new WeakMap<FastifyRequest, Active>();
  const outbound = new WeakMap<object, { call: OutboundCall; t0: number }>();
  const waiters = new Map<string, (note: Record<string, unknown> | undefined) => void>();
  let closed = false;

  const now = () => options.clock().getTime();
  const prune = () => {
    const t = now();
    for (const [id, run] of runs) {
      if (t - run.created < o.ttlMs) break;
      drop(id, run);
    }
  };
  const drop = (id: string, run: Run) => {
    runs.delete(id);
    held -= run.chars;
  };

  /** Starts a step in run `id` (created on its first step); undefined when the run is full. */
  function open(id: string, step: Omit<TraceStep, 'seq' | 'at' | 'ok' | 'calls'>, t0 = performance.now(), at = options.clock()): Active | undefined {
    if (closed) return undefined;
    prune();
    let run = runs.get(id);
    if (!run) {
      while (runs.size >= o.maxRuns) {
        const [oldId, oldRun] = runs.entries().next().value as [string, Run];
        drop(oldId, oldRun);
      }
      run = { id, created: at.getTime(), steps: [], dropped: 0, chars: 0 };
      runs.set(id, run);
    }
    if (run.steps.length >= o.maxSteps) {
      run.dropped++;
      return undefined;
    }
    const h: Held = { t0, step: { seq: 0, at: at.toISOString(), ok: false, calls: [], ...step }, chars: 0, done: false };
    run.steps.push(h);
    return { run, held: h };
  }

  /** Completes a step: caps its detail, counts it against the budget. */
  function close(a: Active, fill: Partial<TraceStep>): void {
    const { step } = a.held;
    Object.assign(step, fill);
    step.ms ??= Math.round((performance.now() - a.held.t0) * 100) / 100;
    let chars = JSON.stringify(step).length;
    if (chars > o.maxStepChars) {
      for (const k of ['response', 'request'] as const) {
        if (chars <= o.maxStepChars || step[k] === undefined) continue;
        const size = JSON.stringify(step[k]).length;
        step[k] = `<${size} characters, not kept: a step keeps at most ${o.maxStepChars}>`;
        chars = JSON.stringify(step).length;
      }
    }
    a.held.done = true;
    a.held.chars = chars;
    a.run.chars += chars;
    held += chars;
    if (!runs.has(a.run.id)) held -= chars; // the run expired or was evicted meanwhile
    while (held > o.maxChars && runs.size > 0) {
      const [oldId, oldRun] = runs.entries().next().value as [string, Run];
      drop(oldId, oldRun);
    }
  }

  // ---- outbound calls, attributed to the step whose handler made them --------------------------
  const onStart = (message: unknown) => {
    const active = als.getStore();
    if (!active) return;
    const { request } = message as { request: { method: string; protocol: string; host: string; path: string; socket?: { encrypted?: boolean } | null; getHeader(n: string): unknown } };
    const step = active.held.step;
    if (step.calls.length >= o.maxCallsPerStep) {
      step.callsDropped = (step.callsDropped ?? 0) + 1;
      return;
    }
    const protocol = request.socket?.encrypted ? 'https:' : request.protocol;
    const host = headerText(request.getHeader('host')) || request.host;
    const call: OutboundCall = { method: request.method, url: maskUrl(`${protocol}//${host}${request.path}`) };
    step.calls.push(call);
    outbound.set(request, { call, t0: performance.now() });
  };
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: object; response: { statusCode?: number } };
    const o2 = outbound.get(request);
    if (!o2) return;
    o2.call.status = response.statusCode;
    o2.call.ms = Math.round((performance.now() - o2.t0) * 100) / 100;
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: object; error: Error };
    const o2 = outbound.get(request);
    if (!o2) return;
    o2.call.error = scrubString(error?.message ?? String(error));
    o2.call.ms = Math.round((performance.now() - o2.t0) * 100) / 100;
  };
  // fetch() (undici) publishes on its own channels: openid-client and any other fetch user.
  const onFetchStart = (message: unknown) => {
    const active = als.getStore();
    if (!active) return;
    const { request } = message as { request: { method: string; origin: string; path: string } };
    const step = active.held.step;
    if (step.calls.length >= o.maxCallsPerStep) {
      step.callsDropped = (step.callsDropped ?? 0) + 1;
      return;
    }
    const call: OutboundCall = { method: request.method, url: maskUrl(`${request.origin}${request.path}`) };
    step.calls.push(call);
    outbound.set(request, { call, t0: performance.now() });
  };
  const onFetchHeaders = (message: unknown) => {
    const { request, response } = message as { request: object; response: { statusCode?: number } };
    onFinish({ request, response });
  };
  const channels: Array<[string, (m: unknown) => void]> = [
    ['http.client.request.start', onStart],
    ['http.client.response.finish', onFinish],
    ['http.client.request.error', onError],
    ['undici:request:create', onFetchStart],
    ['undici:request:headers', onFetchHeaders],
    ['undici:request:error', onError],
  ];
  // A subscriber's exception would surface as an uncaught one: recording never fails a call.
  const guarded = channels.map(([name, fn]): [string, (m: unknown) => void] => [
    name,
    (m) => {
      try {
        fn(m);
      } catch {
        /* not recorded */
      }
    },
  ]);
  for (const [name, fn] of guarded) diagnostics.subscribe(name, fn);

  // ---- the main listener ------------------------------------------------------------------------
  function finishRequest(request: FastifyRequest, status: number, contentType: string, location: string): void {
    const a = pending.get(request);
    if (!a) return;
    pending.delete(request);
    const note = (request as unknown as { tessera?: RequestNote }).tessera;
    const ok = status < 400;
    const fill: Partial<TraceStep> = { ok, status };
    const reqType = headerText(request.headers['content-type']);
    fill.request = bodyView(request.body, reqType);
    let response = bodyView(a.payload, contentType);
    if (location) response = { location: maskUrl(location) };
    if (note?.service) {
      fill.kind = 'aws';
      fill.service = note.service;
      if (note.operation) {
        fill.operation = note.operation;
        fill.name = note.operation;
      }
      // awsQuery answers XML: the handler's output is shown (what the XML was rendered from).
      if (ok && note.output !== undefined && !contentType.includes('json')) response = maskValue(note.output);
    }
    if (response !== undefined) fill.response = response;
    if (!ok) {
      const r = (response && typeof response === 'object' ? response : {}) as Record<string, unknown>;
      const type = typeof r.__type === 'string' ? r.__type.split('#').pop() : typeof r.error === 'string' ? r.error : undefined;
      const message = note?.message ?? (typeof r.message === 'string' ? r.message : typeof r.error_description === 'string' ? r.error_description : undefined);
      fill.error = {
        code: note?.outcome && note.outcome !== 'ok' ? note.outcome : (type ?? `HTTP ${status}`),
        ...(message !== undefined ? { message: scrubString(message) } : {}),
        ...(note?.reason !== undefined ? { reason: maskValue(note.reason) } : {}),
      };
    }
    close(a, fill);
  }

  const recorder = {
    /** Adds the recording hooks to the main listener; call before any route is registered. */
    instrument(app: FastifyInstance): void {
      app.addHook('onRoute', (route) => {
        const handler = route.handler as (...args: unknown[]) => unknown;
        route.handler = function (this: unknown, request: FastifyRequest, reply: unknown) {
          const active = pending.get(request);
          return active ? als.run(active, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
        } as RouteHandlerMethod;
      });
      app.addHook('onRequest', async (request) => {
        const id = runIdOf(request.headers);
        if (!id || request.url.startsWith(RUNS_PATH)) return;
        try {
          const path = request.url.split('?')[0]!;
          const active = open(id, { kind: 'http', name: `${request.method} ${path}`, method: request.method, path: maskUrl(request.url) });
          if (active) pending.set(request, active);
        } catch {
          /* recording never fails a request */
        }
      });
      app.addHook('onSend', async (request, _reply, payload) => {
        const a = pending.get(request);
        if (a && (typeof payload === 'string' || Buffer.isBuffer(payload))) a.payload = payload;
        return payload;
      });
      app.addHook('onResponse', async (request, reply) => {
        try {
          finishRequest(request, reply.statusCode, headerText(reply.getHeader('content-type')), headerText(reply.getHeader('location')));
        } catch {
          /* recording never fails a request */
        }
      });
    },

    /** `GET /_tessera/demo/runs/<id>`. */
    routes(app: FastifyInstance): void {
      app.get<{ Params: { id: string } }>(`${RUNS_PATH}:id`, async (request, reply) => {
        const run = recorder.get(request.params.id);
        reply.header('cache-control', 'no-store');
        if (!run) return reply.code(404).send({ message: 'No such run (runs are kept for 30 minutes, the last 200 of them).' });
        return reply.send(run);
      });
    },

    /** A run's steps in the order they started (undefined: unknown or expired). */
    get(id: string): TraceRun | undefined {
      if (!RUN_ID.test(id)) return undefined;
      prune();
      const run = runs.get(id);
      if (!run) return undefined;
      const steps = [...run.steps].sort((a, b) => a.t0 - b.t0).map((h, i) => ({ ...h.step, seq: i + 1, calls: h.step.calls.map((c) => ({ ...c })) }));
      return { id, startedAt: new Date(run.created).toISOString(), expiresAt: new Date(run.created + o.ttlMs).toISOString(), steps, dropped: run.dropped };
    },

    /**
     * Records `fn`, a call the server makes on its own while handling a traced request (the demo
     * backend's), as a step of that request's run; without a traced request, just runs it.
     */
    async within<T>(name: string, request: unknown, fn: () => Promise<T>, view: (out: T) => unknown = (x) => x): Promise<T> {
      const parent = als.getStore();
      const a = parent ? open(parent.run.id, { kind: 'backend', name, request: maskValue(request) }) : undefined;
      if (!a) return fn();
      try {
        const out = await als.run(a, fn);
        close(a, { ok: true, response: maskValue(view(out)) });
        return out;
      } catch (err) {
        close(a, { ok: false, error: errorOf(err) });
        throw err;
      }
    },

    /** The run id of the traced request being handled (what the demo backend forwards to the gateway). */
    currentRun(): string | undefined {
      return als.getStore()?.run.id;
    },

    /**
     * A call id for a gateway request the demo backend is about to make, and the gateway's note
     * of it (decision, deciding policy and statement) once the gateway has finished it; undefined
     * if it never reports within `timeoutMs`.
     */
    expectGatewayCall(timeoutMs = 5000): { id: string; outcome: Promise<Record<string, unknown> | undefined> } {
      const id = randomUUID();
      if (waiters.size >= 100) {
        const [oldest, resolve] = waiters.entries().next().value as [string, (n: undefined) => void];
        waiters.delete(oldest);
        resolve(undefined);
      }
      const outcome = new Promise<Record<string, unknown> | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve(undefined);
        }, timeoutMs);
        timer.unref();
        waiters.set(id, (note) => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve(note);
        });
      });
      return { id, outcome };
    },

    /** The gateway's observer: each finished gateway request (src/gateway). */
    observeGateway(e: GatewayEvent): void {
      const callId = headerText(e.req.headers[DEMO_CALL_HEADER]);
      if (callId) waiters.get(callId)?.(e.note);
      const id = runIdOf(e.req.headers);
      if (!id) return;
      const n = e.note;
      const at = new Date(options.clock().getTime() - e.ms);
      const query = e.req.url?.includes('?') ? e.req.url.slice(e.req.url.indexOf('?')) : '';
      const a = open(id, {
        kind: 'gateway',
        name: `gateway ${String(n.service ?? '?')} ${String(n.operation ?? e.method)}`,
        method: e.method,
        path: maskUrl(`${e.path}${query}`),
        ...(typeof n.service === 'string' ? { service: n.service } : {}),
        ...(typeof n.operation === 'string' ? { operation: n.operation } : {}),
      }, performance.now() - e.ms, at);
      if (!a) return;
      const decision = n.decision === undefined ? undefined : maskValue({ decision: n.decision, action: n.action, resource: n.resource, policy: n.policy, statement: n.statement, principal: n.principal, detail: (n.reason as { detail?: string } | undefined)?.detail });
      const ok = e.status < 400;
      close(a, {
        ok,
        status: e.status,
        ms: Math.round(e.ms * 100) / 100,
        ...(decision ? { decision } : {}),
        ...(ok ? {} : { error: { code: String(n.outcome ?? `HTTP ${e.status}`), ...(n.reason !== undefined ? { reason: maskValue(n.reason) } : {}) } }),
      });
    },

    /** Runs and steps held (tests count them against the bounds). */
    stats(): { runs: number; steps: number; chars: number } {
      prune();
      let steps = 0;
      for (const r of runs.values()) steps += r.steps.length;
      return { runs: runs.size, steps, chars: held };
    },

    close(): void {
      if (closed) return;
      closed = true;
      for (const [name, fn] of guarded) diagnostics.unsubscribe(name, fn);
      for (const resolve of waiters.values()) resolve(undefined);
      waiters.clear();
      runs.clear();
      held = 0;
    },
  };
  return recorder;
}

export type TraceRecorder = ReturnType<typeof createTraceRecorder>;
