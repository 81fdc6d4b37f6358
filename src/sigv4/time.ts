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
  const date = new Date(Date.UTC(y!, mo! - 1, d, h, mi, s));
  // Reject rollovers such as 20150230 or 25:00:00 (and years 0000–0099, which Date.UTC maps to
  // 1900–1999): the parts must survive the round trip.
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo! - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  return date;
}

/** ISO 8601 basic format, seconds precision. */
export function formatAmzDate(date: Date): string {
  const iso = date.toISOString();
  // YYYY-MM-DDTHH:MM:SS.sssZ; years outside 0000–9999 have a sign and six digits.
  if (iso.length !== 24) return iso.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
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
  const at = date.getTime();
  const nowMs = now.getTime();
  const tooEarly = sides === 'both' && at < nowMs - skewMs;
  const tooLate = at > nowMs + skewMs;
  if (!tooEarly && !tooLate) return;
  // Only a refusal builds dates and text: this runs on every signed request.
  const earliest = new Date(nowMs - skewMs);
  const latest = new Date(nowMs + skewMs);
  const reason = { check: 'sigv4.skew', expected: { earliest: formatAmzDate(earliest), latest: formatAmzDate(latest) }, actual: formatAmzDate(date) };
  if (tooEarly) {
    refuse(
      'RequestExpired',
      `Signature expired: ${formatAmzDate(date)} is now earlier than ${formatAmzDate(earliest)} (${formatAmzDate(now)} - ${skewLabel(maxSkewSeconds)})`,
      reason,
    );
  } else {
    refuse(
      'RequestExpired',
      `Signature not yet current: ${formatAmzDate(date)} is still later than ${formatAmzDate(latest)} (${formatAmzDate(now)} + ${skewLabel(maxSkewSeconds)})`,
      reason,
    );
  }
}
