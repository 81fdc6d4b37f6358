import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidPageTokenError } from '../../src/storage/contract.js';
import { checkKey, compareIds, prefixSuccessor } from '../../src/storage/sql/ids.js';
import { decodePageToken, encodePageToken } from '../../src/storage/sql/page-token.js';

describe('prefixSuccessor', () => {
  it('bounds exactly the strings that start with the prefix, in byte order', () => {
    // Small alphabet with edge code points so prefixes and candidates collide often.
    const char = fc.constantFrom('a', 'b', '%', '_', '\u007f', '\u00ff', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10FFFF}');
    const str = fc.array(char, { maxLength: 5 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(str, str, (prefix, s) => {
        const upper = prefixSuccessor(prefix);
        const inRange = compareIds(s, prefix) >= 0 && (upper === undefined || compareIds(s, upper) < 0);
        assert.equal(inRange, s.startsWith(prefix), `prefix=${JSON.stringify(prefix)} s=${JSON.stringify(s)}`);
      }),
      { numRuns: 5000 },
    );
  });

  it('skips the surrogate block and has no bound for a prefix of only U+10FFFF', () => {
    assert.equal(prefixSuccessor('a\ud7ff'), 'a\ue000');
    assert.equal(prefixSuccessor('\u{10FFFF}\u{10FFFF}'), undefined);
    assert.equal(prefixSuccessor('b\u{10FFFF}'), 'c');
  });
});

describe('checkKey', () => {
  it('accepts well-formed ids including surrogate pairs and rejects NUL and lone surrogates', () => {
    checkKey('id', 'ok-😀');
    assert.throws(() => checkKey('id', 'a\u0000'), RangeError);
    assert.throws(() => checkKey('id', '\ud83d'), RangeError);
    assert.throws(() => checkKey('id', '\ude00x'), RangeError);
    assert.throws(() => checkKey('id', ''), RangeError);
    checkKey('prefix', '');
  });
});

describe('page tokens', () => {
  it('round-trip the last id for the same collection and prefix', () => {
    const token = encodePageToken('iam.roles', 'r/', 'r/x');
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodePageToken(token, 'iam.roles', 'r/'), 'r/x');
  });

  it('are refused for another collection or prefix, or when the last id lies outside the prefix', () => {
    const token = encodePageToken('iam.roles', 'r/', 'r/x');
    assert.throws(() => decodePageToken(token, 'iam.policies', 'r/'), InvalidPageTokenError);
    assert.throws(() => decodePageToken(token, 'iam.roles', 'r'), InvalidPageTokenError);
    const forged = Buffer.from(JSON.stringify({ v: 1, c: 'iam.roles', p: 'r/', a: 'zzz' })).toString('base64url');
    assert.throws(() => decodePageToken(forged, 'iam.roles', 'r/'), InvalidPageTokenError);
    for (const bad of ['', '!!!', 'bnVsbA', 'e30', 'x'.repeat(9000)]) {
      assert.throws(() => decodePageToken(bad, 'iam.roles', 'r/'), InvalidPageTokenError, bad);
    }
  });
});
