/**
 * A JWT's header and claims read without any check: for showing a token (the token doctor, the
 * demo's run traces) and for naming its issuer in a log line — never for deciding anything (the
 * verifying decoder is jws.ts). Undefined unless the token is three dot-separated parts whose first
 * two are base64url JSON objects.
 */
export interface PeekedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

export function peekJwt(token: string): PeekedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = jsonObject(parts[0]!);
    const claims = jsonObject(parts[1]!);
    return header && claims ? { header, claims } : undefined;
  } catch {
    return undefined;
  }
}
