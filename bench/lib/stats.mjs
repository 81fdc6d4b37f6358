/**
 * Latency statistics for the load generator: exact percentiles over every recorded sample
 * (nearest-rank method, so p99 is a latency some request really had, never an interpolation).
 */

/** Nearest-rank percentile of an ascending-sorted array (p in (0, 100]); NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summary of latencies given in microseconds: { count, p50, p90, p99, max, mean } in milliseconds. */
export function summarize(latenciesUs) {
  const sorted = Float64Array.from(latenciesUs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const ms = (us) => us / 1000;
  return {
    count: sorted.length,
    p50: ms(percentile(sorted, 50)),
    p90: ms(percentile(sorted, 90)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
    mean: ms(sorted.length ? sum / sorted.length : Number.NaN),
  };
}
