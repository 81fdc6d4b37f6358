/**
 * Bool and BinaryEquals (IAM user guide, "Condition operators" § Boolean, § Binary). Bool
 * compares `true` / `false` (case-insensitively, as JSON booleans or strings); BinaryEquals
 * compares the bytes of two base64 strings. Anything else is not comparable.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseBool(s: string): boolean | undefined {
  const lower = s.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export function boolEquals(request: string, policy: string): boolean | undefined {
  const a = parseBool(request);
  const b = parseBool(policy);
  if (a === undefined || b === undefined) return undefined;
  return a === b;
}

export function binaryEquals(request: string, policy: string): boolean | undefined {
  if (!BASE64.test(request) || !BASE64.test(policy)) return undefined;
  return Buffer.from(request, 'base64').equals(Buffer.from(policy, 'base64'));
}
