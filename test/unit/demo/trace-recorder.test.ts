/**
 * The run-trace recorder (src/demo/trace.ts) on a real fastify listener with small bounds:
 * outbound calls are attributed to the traced request whose handler made them (not to a
 * concurrent one, nor recorded for an untraced one), at most `maxCallsPerStep` are kept, an
 * oversized answer is not kept, the character budget evicts the oldest runs, and closing the
 * recorder unsubscribes it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { createTraceRecorder, type TraceRecorder } from '../../../src/demo/trace.js';

const newRun = () => randomBytes(16).toString('hex');

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('the run-trace recorder', () => {
  let upstream: Server;
  let upstreamUrl = '';
  let app: FastifyInstance;
  let url = '';
  let recorder: TraceRecorder;

  before(async () => {
    upstream = createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('{}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    recorder = createTraceRecorder({ clock: () => new Date(), maxCallsPerStep: 2, maxStepChars: 2000, maxChars: 12_000 });
    app = Fastify();
    recorder.instrument(app);
    recorder.routes(app);
    app.get<{ Querystring: { n?: string; path?: string } }>('/calls', async (request) => {
      const n = Number(request.query.n ?? '1');
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) statuses.push(await httpGet(`${upstreamUrl}${request.query.path ?? '/ok'}?access_token=secret-token-value-0123456789`));
      return { statuses };
    });
    app.get('/fetch', async () => ({ status: (await fetch(`${upstreamUrl}/by-fetch?id_token=eyJhbGciOi.eyJzdWIiOi.sig`)).status }));
    app.get('/big', async () => ({ blob: 'x'.repeat(5000) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    recorder.close();
    await app.close();
    await new Promise((r) => upstream.close(r));
  });

  const get2 = (path: string, run?: string) => fetch(`${url}${path}`, { headers: run ? { 'x-tessera-trace': run } : {} });

  it('attributes each outbound call to the traced request that made it, with its status, and keeps at most maxCallsPerStep', async () => {
    const a = newRun();
    const b = newRun();
    await Promise.all([get2('/calls?n=3', a), get2('/calls?n=1&path=/missing', b), get2('/calls?n=2')]);
    const ra = recorder.get(a)!;
    const rb = recorder.get(b)!;
    assert.equal(ra.steps.length, 1);
    assert.deepEqual(ra.steps[0]!.calls.map((c) => [c.method, c.url, c.status]), [
      ['GET', `${upstreamUrl}/ok?access_token=****** (29 chars)`, 200],
      ['GET', `${upstreamUrl}/ok?access_token=****** (29 chars)`, 200],
    ]);
    assert.equal(ra.steps[0]!.callsDropped, 1);
    assert.deepEqual(rb.steps[0]!.calls.map((c) => c.status), [404]);
    assert.equal(recorder.stats().runs, 2, 'the untraced request made no run');
  });

  it('records the calls made with fetch() too', async () => {
    const run = newRun();
    await get2('/fetch', run);
    assert.deepEqual(recorder.get(run)!.steps[0]!.calls.map((c) => [c.method, c.url, c.status]), [['GET', `${upstreamUrl}/by-fetch?id_token=****** (25 chars)`, 200]]);
  });

  it('keeps no oversized answer, and the character budget evicts the oldest runs', async () => {
    const big = newRun();
    await get2('/big', big);
    const step = recorder.get(big)!.steps[0]!;
    assert.equal(step.status, 200);
    assert.match(String(step.response), /^<\d+ characters, not kept: a step keeps at most 2000>$/);
    const first = newRun();
    await get2('/calls?n=1', first);
    for (let i = 0; i < 100; i++) await get2('/calls?n=1', newRun());
    const { runs, chars } = recorder.stats();
    assert.ok(chars <= 12_000 && runs < 100, `${runs} runs, ${chars} characters held`);
    assert.equal(recorder.get(first), undefined);
  });

  it('records nothing once closed', async () => {
    recorder.close();
    const run = newRun();
    await get2('/calls?n=1', run);
    assert.equal(recorder.get(run), undefined);
    assert.deepEqual(recorder.stats(), { runs: 0, steps: 0, chars: 0 });
  });
});
