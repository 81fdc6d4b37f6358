/**
 * X-Amz-Date handling and the request-time window. AWS refuses a signed request whose
 * timestamp is more than 15 minutes from server time, either way (AWS clock-skew guidance;
 * security.md V01), with the texts reproduced below.
 */
import { refuse } from './refusals.js';

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parse ISO 8601 basic format (`20150830T123600Z`); undefined if malformed or not a real instant. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject rollovers such as 20150230 or 25:00:00: the parts must survive the round trip.
  if (formatAmzDate(date) !== value) return undefined;
  return date;
}

/** ISO 8601 basic format, seconds precision. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function skewLabel(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min.` : `${seconds} sec.`;
}

/**
 * Refuse (kind `RequestExpired`) when `date` lies outside [now − skew, now + skew]. Callers
 * render it as SignatureDoesNotMatch (awsQuery) or InvalidSignatureException (awsJson).
 * Presigned URLs carrying X-Amz-Expires check only the future side: their past bound is the
 * URL's own expiry.
 */
export function checkSkew(date: Date, now: Date, maxSkewSeconds: number, sides: 'both' | 'future-only' = 'both'): void {
  const skewMs = maxSkewSeconds * 1000;
  const earliest = new Date(now.getTime() - skewMs);
  const latest = new Date(now.getTime() + skewMs);
  const reason = { check: 'sigv4.skew', expected: { earliest: formatAmzDate(earliest), latest: formatAmzDate(latest) }, actual: formatAmzDate(date) };
  if (sides === 'both' && date.getTime() < earliest.getTime()) {
    refuse(
      'RequestExpired',
      `Signature expired: ${formatAmzDate(date)} is now earlier than ${formatAmzDate(earliest)} (${formatAmzDate(now)} - ${skewLabel(maxSkewSeconds)})`,
      reason,
    );
  }
  if (date.getTime() > latest.getTime()) {
    refuse(
      'RequestExpired',
      `Signature not yet current: ${formatAmzDate(date)} is still later than ${formatAmzDate(latest)} (${formatAmzDate(now)} + ${skewLabel(maxSkewSeconds)})`,
      reason,
    );
  }
}
