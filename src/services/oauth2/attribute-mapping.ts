/**
 * Attribute mapping of federated sign-ins (CG:cognito-user-pools-specifying-attribute-mapping;
 * aws-surface.md §9.3): `AttributeMapping` is `{ userPoolAttribute: idpClaim }`; claims the IdP
 * did not send leave the attribute out (so the stored value stays unchanged); values are
 * strings, multi-valued claims are URL-form-encoded and joined with commas; a mapped value
 * longer than 2,048 characters fails the sign-in rather than being truncated.
 * `username` is not an attribute: the user name is always `<ProviderName>_<sub>`.
 */
export const MAX_MAPPED_VALUE = 2048;

export class MappingError extends Error {
  constructor(readonly attribute: string) {
    super(`Value for attribute ${attribute} is longer than ${MAX_MAPPED_VALUE} characters`);
    this.name = 'MappingError';
  }
}

function stringify(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    // URL-form-encoding leaves `.`, `-`, `*`, `_` alone, as AWS describes.
    return value.map((v) => new URLSearchParams({ v: stringify(v) ?? '' }).toString().slice(2)).join(',');
  }
  return JSON.stringify(value);
}

export function mapAttributes(mapping: Record<string, string>, claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(mapping)) {
    if (attribute === 'username') continue;
    if (!Object.hasOwn(claims, claim)) continue;
    const value = stringify(claims[claim]);
    if (value === undefined) continue;
    if (value.length > MAX_MAPPED_VALUE) throw new MappingError(attribute);
    out[attribute] = value;
  }
  return out;
}
