import assert from 'node:assert/strict';
import { ServiceError } from '../../../src/errors/index.js';

/** Runs `fn`, which must throw a ServiceError, and returns its wire code and message. */
export function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ServiceError, String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('expected a ServiceError');
}
