/**
 * The lockout's writes (users.ts recordFailure / clearFailures) when the user's record stays
 * contended past the storage's retry budget: the sign-in's answer is not turned into a 5xx.
 * The store here is a stand-in that always loses the race, since a real database only does so
 * under floods no test can time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { UpdateContentionError } from '../../../src/storage/contract.js';
import { createUsers } from '../../../src/services/cognito-idp/users.js';
import { createPasswordHasher } from '../../../src/services/cognito-idp/passwords.js';
import type { UserPoolRecord, UserRecord } from '../../../src/services/cognito-idp/records.js';
import type { Stores } from '../../../src/services/cognito-idp/store.js';

function contendedUsers() {
  const warnings: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  let updates = 0;
  const stores = {
    users: {
      update: async (id: string) => {
        updates++;
        throw new UpdateContentionError('cognito-idp.users', id, 20);
      },
    },
  } as unknown as Stores;
  const users = createUsers({ stores, clock: () => new Date(Date.UTC(2026, 11, 7)), random: (n: number) => Buffer.alloc(n, 7), log, passwords: createPasswordHasher() });
  return { users, warnings, updates: () => updates };
}

const pool = { id: 'us-east-1_test', usernameCaseSensitive: false } as unknown as UserPoolRecord;
const user = { username: 'ann', sub: 's', signInFailures: { count: 2, lastAtMs: 0 } } as unknown as UserRecord;

describe('lockout writes on a contended user record', () => {
  it('leaves a wrong password uncounted, with a warning, instead of failing the request', async () => {
    const { users, warnings, updates } = contendedUsers();
    assert.equal(await users.recordFailure(pool, user), undefined);
    assert.equal(updates(), 1);
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]!.msg), /not counted/);
  });

  it('lets a proven password through when the count cannot be cleared, with a warning', async () => {
    const { users, warnings, updates } = contendedUsers();
    await users.clearFailures(pool, user);
    assert.equal(updates(), 1);
    assert.match(String(warnings[0]!.msg), /not cleared/);
  });

  it('still propagates errors that are not contention', async () => {
    const broken = { users: { update: async () => { throw new Error('disk on fire'); } } } as unknown as Stores;
    const other = createUsers({ stores: broken, clock: () => new Date(), random: (n: number) => Buffer.alloc(n), log: pino({ level: 'silent' }), passwords: createPasswordHasher() });
    await assert.rejects(other.recordFailure(pool, user), /disk on fire/);
    await assert.rejects(other.clearFailures(pool, user), /disk on fire/);
  });
});
