/**
 * Timestamps on the wire: awsQuery writes ISO 8601 UTC, awsJson1_1 epoch seconds (botocore
 * `serialize.py`: query `iso8601`, JSON `unixtimestamp`; aws-surface.md §1). Handlers may return a
 * Date, an ISO 8601 string, or a number of epoch seconds; all are normalised here.
 */

/** Date, ISO string, or epoch seconds → Date; anything else (or an invalid date) is a handler bug. */
export function toDate(value: unknown, path: string): Date {
  const d =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value * 1000)
        : typeof value === 'string'
          ? new Date(value)
          : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new TypeError(`${path}: expected a timestamp`);
  return d;
}

/**
 * ISO 8601 UTC as AWS writes it: whole seconds (`2019-11-01T20:26:47Z`, aws-surface.md §1);
 * milliseconds only when the value has them, since dropping them would change the instant.
 */
export function isoTimestamp(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
