/**
 * The attribute mapper of federated sign-ins (aws-surface.md §9.3;
 * CG:cognito-user-pools-specifying-attribute-mapping): `{ poolAttribute: idpClaim }`, values ≤
 * 2,048 characters, multi-valued claims URL-form-encoded except `.`, `-`, `*`, `_`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapAttributes, MappingError, MAX_MAPPED_VALUE } from '../../../src/services/oauth2/attribute-mapping.js';

describe('federated attribute mapping', () => {
  it('maps each pool attribute from the claim it names and ignores claims nobody mapped', () => {
    const out = mapAttributes({ email: 'mail', name: 'display_name' }, { sub: 'u-1', mail: 'jo@example.com', display_name: 'Jo', ignored: 'x' });
    assert.deepEqual(out, { email: 'jo@example.com', name: 'Jo' });
  });

  it('never maps username: the user name is always <ProviderName>_<sub>', () => {
    assert.deepEqual(mapAttributes({ username: 'sub', email: 'email' }, { sub: 'okta-123', email: 'a@example.com' }), { email: 'a@example.com' });
  });

  it('leaves out attributes whose claim is absent or null, so stored values stay unchanged', () => {
    assert.deepEqual(mapAttributes({ email: 'email', name: 'name', locale: 'locale' }, { email: 'a@example.com', name: null }), { email: 'a@example.com' });
  });

  it('does not read inherited properties as claims', () => {
    assert.deepEqual(mapAttributes({ 'custom:x': 'toString', 'custom:y': '__proto__' }, JSON.parse('{"sub":"s"}') as Record<string, unknown>), {});
  });

  it('turns numbers and booleans into strings and objects into JSON', () => {
    assert.deepEqual(mapAttributes({ 'custom:n': 'n', email_verified: 'v', 'custom:o': 'o' }, { n: 42, v: true, o: { a: 1 } }), {
      'custom:n': '42',
      email_verified: 'true',
      'custom:o': '{"a":1}',
    });
  });

  it('URL-form-encodes each value of a multi-valued claim except . - * _ and joins them with commas', () => {
    const out = mapAttributes({ 'custom:groups': 'groups' }, { groups: ['a.b-c*d_e', 'x y', 'p,q', 'é/&='] });
    assert.equal(out['custom:groups'], 'a.b-c*d_e,x+y,p%2Cq,%C3%A9%2F%26%3D');
  });

  it('accepts a value of exactly 2,048 characters and refuses one longer instead of truncating it', () => {
    const limit = 'a'.repeat(MAX_MAPPED_VALUE);
    assert.equal(mapAttributes({ name: 'n' }, { n: limit }).name, limit);
    assert.throws(() => mapAttributes({ name: 'n' }, { n: `${limit}a` }), (e: unknown) => e instanceof MappingError && e.attribute === 'name');
    // The limit applies to the encoded value: 700 × '/' is 1,399 characters raw, 2,799 as %2F,%2F,…
    assert.throws(() => mapAttributes({ 'custom:g': 'g' }, { g: Array.from({ length: 700 }, () => '/') }), MappingError);
  });
});
