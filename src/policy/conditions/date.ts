/**
 * Date condition operators (IAM user guide, "Condition operators" § Date): values are W3C /
 * ISO 8601 dates ("2020-01-01", "2020-01-01T12:00:00Z", with optional fraction and offset) or
 * epoch seconds ("1577836800", the form of aws:EpochTime). Parsing is strict: impossible dates
 * such as 2021-02-30 and free-form text are not comparable (security.md I14).
 */
import { compareOrdered, type Comparison } from './numeric.js';

const EPOCH = /^-?[0-9]{1,12}$/;
const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Milliseconds since the epoch, or undefined when `s` is not a date IAM accepts. */
export function parseDate(s: string): number | undefined {
  if (EPOCH.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** `request <how> policy` as instants, or undefined when either side is not a date. */
export function dateCompare(request: string, policy: string, how: Comparison): boolean | undefined {
  const a = parseDate(request);
  const b = parseDate(policy);
  if (a === undefined || b === undefined) return undefined;
  return compareOrdered(a, b, how);
}
