/**
 * ListUsers `Filter` (M-IDP ListUsers): `AttributeName = "value"` (exact) or
 * `AttributeName ^= "value"` (prefix), one condition, attribute one of username, email,
 * phone_number, name, given_name, family_name, preferred_username, cognito:user_status (also
 * `status` for Enabled/Disabled), sub. An empty filter matches everyone.
 */
import { invalidParameter } from '../errors.js';
import type { UserRecord } from '../records.js';

const SEARCHABLE = new Set(['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub']);
const FILTER = /^\s*([a-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export function parseUserFilter(filter: string | undefined): (u: UserRecord) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const m = FILTER.exec(filter);
  if (!m || !SEARCHABLE.has(m[1]!)) throw invalidParameter('Error while parsing filter.', 'idp.filter', filter);
  const [, attribute, op, raw] = m as unknown as [string, string, string, string];
  const value = raw.replace(/\\(.)/g, '$1');
  const read = (u: UserRecord): string | undefined => {
    switch (attribute) {
      case 'username':
        return u.username;
      case 'cognito:user_status':
        return u.status;
      case 'status':
        return u.enabled ? 'Enabled' : 'Disabled';
      default:
        return u.attributes[attribute];
    }
  };
  return (u) => {
    const v = read(u);
    if (v === undefined) return false;
    // AWS matches case-insensitively for username and email searches; do so for all.
    return op === '=' ? v.toLowerCase() === value.toLowerCase() : v.toLowerCase().startsWith(value.toLowerCase());
  };
}
