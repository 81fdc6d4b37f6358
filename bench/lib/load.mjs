/**
 * The load generator: closed loop, a fixed number of keep-alive connections (one http.Agent with
 * maxSockets = connections), each connection sending its next request as soon as the previous
 * answer has been read in full. Latency is measured per request with process.hrtime.bigint from
 * just before the request is written to the end of the response body.
 *
 * Requests come from `next()`, which returns { method, path, headers, body } or undefined when a
 * finite supply (pre-signed distinct tokens) is exhausted: the run then ends early and reports the
 * time it really measured. A warm-up phase (same loop, not recorded) precedes the measurement.
 *
 * An answer counts when it arrives inside the measured window, whenever its request was sent (as
 * wrk counts): counting only requests sent and answered inside the window would leave out the
 * slowest ones, and with a latency longer than the window (InitiateAuth's scrypt queue at 32
 * connections: seconds) it would count none. If the window ends with fewer than `minAnswers`
 * answers (default: one per connection), it is extended until that many arrived, up to
 * `maxDurationMs` in all (default 6 × durationMs); `seconds` is the window really measured.
 */
import http from 'node:http';

/**
 * @param {{ url: string, connections: number, warmupMs: number, durationMs: number,
 *           next: () => ({ method?: string, path?: string, headers: Record<string,string|number>, body?: Buffer } | undefined),
 *           minAnswers?: number, maxDurationMs?: number,
 *           ok?: (status: number) => boolean, onMeasureStart?: () => void, onMeasureEnd?: () => void }} o
 */
export async function runLoad(o) {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const ok = o.ok ?? ((s) => s >= 200 && s < 300);
  const latencies = [];
  const statuses = new Map();
  let errorSample;
  let transportErrors = 0;
  let recording = false;
  let stopping = false;
  let exhausted = false;
  let measuredStart = 0n;
  let measuredEnd = 0n;
  let completed = 0;
  const minAnswers = o.minAnswers ?? o.connections;
  /** Resolves the extension of a window that ended with too few answers. */
  let enoughAnswers;

  const one = (req) =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const r = http.request(
        { host: target.hostname, port: target.port, method: req.method ?? 'POST', path: req.path ?? '/', headers: req.headers, agent },
        (res) => {
          const chunks = [];
          const keep = !ok(res.statusCode ?? 0) && errorSample === undefined;
          res.on('data', (c) => {
            if (keep) chunks.push(c);
          });
          res.on('end', () => {
            const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
            const status = res.statusCode ?? 0;
            if (recording) {
              latencies.push(elapsedUs);
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
              completed++;
              if (completed >= minAnswers) enoughAnswers?.();
            }
            if (keep && errorSample === undefined) errorSample = `${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 400)}`;
            resolve();
          });
        },
      );
      r.on('error', (err) => {
        transportErrors++;
        errorSample ??= `transport: ${err.message}`;
        // A refused or reset connection must not spin the loop at full speed.
        setTimeout(resolve, 10);
      });
      r.end(req.body);
    });

  const loop = async () => {
    while (!stopping) {
      const req = o.next();
      if (req === undefined) {
        exhausted = true;
        stopping = true;
        break;
      }
      await one(req);
    }
  };

  const timers = [];
  const phase = (ms) => new Promise((resolve) => timers.push(setTimeout(resolve, ms)));
  const startMeasuring = () => {
    o.onMeasureStart?.();
    recording = true;
    measuredStart = process.hrtime.bigint();
  };
  // Without warm-up the very first requests are measured too.
  if (o.warmupMs <= 0) startMeasuring();
  const loops = Array.from({ length: o.connections }, loop);
  if (o.warmupMs > 0) {
    await Promise.race([phase(o.warmupMs), Promise.all(loops)]);
    if (!stopping) startMeasuring();
  }
  if (measuredStart !== 0n) await Promise.race([phase(o.durationMs), Promise.all(loops)]);
  if (measuredStart !== 0n && !stopping && completed < minAnswers) {
    const rest = (o.maxDurationMs ?? o.durationMs * 6) - o.durationMs;
    if (rest > 0) await Promise.race([new Promise((resolve) => (enoughAnswers = resolve)), phase(rest), Promise.all(loops)]);
  }
  measuredEnd = process.hrtime.bigint();
  recording = false;
  if (measuredStart !== 0n) o.onMeasureEnd?.();
  stopping = true;
  for (const t of timers) clearTimeout(t);
  await Promise.all(loops);
  agent.destroy();

  const seconds = measuredStart === 0n ? 0 : Number(measuredEnd - measuredStart) / 1e9;
  let failed = 0;
  for (const [status, n] of statuses) if (!ok(status)) failed += n;
  return {
    seconds,
    completed,
    failed,
    transportErrors,
    exhausted,
    rps: seconds > 0 ? (completed - failed) / seconds : 0,
    /** The measured window on the monotonic clock (ns), shared with the server's --cpu-prof timestamps. */
    window: { startNs: measuredStart, endNs: measuredEnd },
    latenciesUs: latencies,
    statuses: Object.fromEntries(statuses),
    errorSample,
  };
}
