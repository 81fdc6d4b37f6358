/**
 * Wycheproof JSON Web Signature vectors (C2SP/wycheproof testvectors_v1/json_web_signature_test.json,
 * Apache-2.0, kept with its origin in test/fixtures/wycheproof/; security.md §2.4) run through the same strict decoding
 * and node:crypto verification path as ID tokens (verifyCompactJws), with the group's public JWK as the
 * only trusted key, parsed by the same JWKS parser.
 *
 * Scope: every group whose key type we support (RSA, EC). The HMAC groups ("oct" keys, no public
 * key) are out of scope: HS* is never accepted for federation (J01/J02), which the ES256 group's
 * symmetry-confusion case (tc31) and the oidc tests check.
 *
 * Policy for results other than the file's: the file has no "acceptable" JWS cases; where we are
 * deliberately stricter than upstream, the case is listed in STRICTER with the reason, and the
 * test asserts that we reject it (so the list cannot go stale silently).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Refusal } from '../../../src/errors/index.js';
import { parseJwk, type VerificationKey } from '../../../src/tokens/jwk.js';
import { verifyCompactJws } from '../../../src/tokens/jws.js';
import { fixturesDir } from '../../helpers/paths.js';

interface Vector {
  tcId: number;
  comment: string;
  jws: unknown;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface Group {
  comment: string;
  public?: Record<string, unknown>;
  tests: Vector[];
}

/** tcId → why we reject a case the file marks valid. */
const STRICTER: Record<number, string> = {
  346: 'JWK "alg":"PS256" but the header says PS384; a JWK alg must equal the header alg (RFC 7517 §4.4, security.md J10)',
  347: 'JWK "alg":"ES521" (not a registered alg) but the header says ES512 (J10)',
  350: 'JWK "alg":"PS256" but the header says PS384 (J10)',
  351: 'JWK "alg":"ES521" (not a registered alg) but the header says ES512 (J10)',
};

const file = join(fixturesDir, 'wycheproof', 'json_web_signature_test.json');
const data = JSON.parse(readFileSync(file, 'utf8')) as { testGroups: Group[] };

let ran = 0;
for (const group of data.testGroups) {
  if (!group.public) continue; // HMAC groups: out of scope, see header comment
  const parsed = parseJwk(group.public);
  const keys: VerificationKey[] = 'key' in parsed ? [parsed.key] : [];
  const resolver = { current: async () => keys, refreshed: async () => keys };
  for (const tc of group.tests) {
    ran++;
    const expectValid = tc.result === 'valid' && !(tc.tcId in STRICTER);
    const why = STRICTER[tc.tcId] ? ` (stricter: ${STRICTER[tc.tcId]})` : '';
    test(`wycheproof tc${tc.tcId} [${group.comment}] ${tc.comment}: ${expectValid ? 'verifies' : 'is refused'}${why}`, async () => {
      if (expectValid) {
        const out = await verifyCompactJws(tc.jws, resolver);
        assert.equal(out.key, keys[0]);
      } else {
        await assert.rejects(verifyCompactJws(tc.jws, resolver), (e: unknown) => e instanceof Refusal && e.kind === 'InvalidToken');
      }
    });
  }
}

test('runs every Wycheproof JWS case of a supported key type', () => {
  const inScope = data.testGroups.filter((g) => g.public && ['RSA', 'EC'].includes(String(g.public.kty ?? (g.public.n ? 'RSA' : 'EC'))));
  assert.equal(ran, inScope.reduce((n, g) => n + g.tests.length, 0));
  assert.ok(ran >= 350, `only ${ran} cases ran`);
});
