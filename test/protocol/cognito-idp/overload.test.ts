/**
 * Sign-ins past what the password derivations can serve are refused with TooManyRequestsException
 * "Rate exceeded" (400, which the SDKs retry), never a 5xx and never an unbounded wait; the ones
 * admitted are answered as usual, a sign-in the password memo answers needs no derivation and
 * goes through, and once the flood has passed sign-ins work again. The queue is made small here
 * (one slot, one waiting, an option of this one instance) so that a handful of concurrent
 * requests floods it. The limits belong to the instance: a second Tessera in the same process
 * keeps its own.
 */
import { availableParallelism } from 'node:os';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ServiceError } from '../../../src/errors/index.js';
import { startIdp, STRONG, type IdpHarness } from './harness.js';

describe('sign-ins under a flood of password checks', () => {
  let h: IdpHarness;
  let clientId: string;
  let poolId: string;
  before(async () => {
    h = await startIdp({ passwordDerivation: { slots: 1, waitingPerSlot: 1 } });
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'flood' }))).UserPool!.Id!;
    clientId = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', PreventUserExistenceErrors: 'ENABLED', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivy', Password: STRONG, Permanent: true }));
  });
  after(async () => {
    await h?.close();
  });

  const signIn = (username: string, password: string) =>
    h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));

  it('refuses the excess with TooManyRequestsException, answers the admitted, and lets a remembered password through', async () => {
    // Proven once: the memo answers ivy's next sign-ins without a derivation.
    assert.ok((await signIn('ivy', STRONG)).AuthenticationResult);
    const hits = h.userPools.internals.passwordMemo.stats.hits;
    const flood = Array.from({ length: 12 }, (_, i) => signIn(`nobody-${i}`, 'Some-Guess-1!'));
    const remembered = signIn('ivy', STRONG);
    const outcomes = (await Promise.allSettled(flood)).map((r) =>
      r.status === 'fulfilled' ? 'signed in' : `${(r.reason as Error).name}: ${(r.reason as Error).message} (${(r.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode})`,
    );
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort(),
      ['NotAuthorizedException: Incorrect username or password. (400)', 'TooManyRequestsException: Rate exceeded (400)'],
      JSON.stringify([...counts]),
    );
    assert.ok((counts.get('TooManyRequestsException: Rate exceeded (400)') ?? 0) >= 1, 'some were refused');
    assert.ok((counts.get('NotAuthorizedException: Incorrect username or password. (400)') ?? 0) >= 2, 'the running and the waiting one were checked');
    assert.ok((await remembered).AuthenticationResult, 'a remembered password needs no derivation');
    assert.equal(h.userPools.internals.passwordMemo.stats.hits, hits + 1, 'answered by the memo');
    const line = h.logs.find((l) => (l.reason as { check?: string } | undefined)?.check === 'idp.password.derivations-queued');
    assert.ok(line, 'the refusal is logged with its reason');
    // The flood is over: an unknown user is checked again, and a new sign-in needing a derivation works.
    await assert.rejects(signIn('nobody-else', 'Some-Guess-1!'), (e: Error) => e.name === 'NotAuthorizedException');
  });
});

describe('two Tessera instances in one process', () => {
  let tight: IdpHarness;
  let roomy: IdpHarness;
  before(async () => {
    tight = await startIdp({ passwordDerivation: { slots: 1, waitingPerSlot: 0 } });
    roomy = await startIdp({ passwordDerivation: { waitingPerSlot: 1 } });
  });
  after(async () => {
    await tight?.close();
    await roomy?.close();
  });

  it('keep separate password derivation limits: one with a full queue refuses while the other admits', async () => {
    const a = tight.userPools.internals.passwords;
    const b = roomy.userPools.internals.passwords;
    // Started after the first: its slots are the CPUs split among its worker processes, not the other's one.
    assert.deepEqual([a.slots, a.waitingPerSlot], [1, 0]);
    assert.deepEqual([b.slots, b.waitingPerSlot], [Math.max(1, Math.floor(availableParallelism() / roomy.server.tessera.config.workers)), 1]);
    const stored = await b.hash(STRONG, { N: 1 << 10, r: 8, p: 1 });
    // Two checks at once on each: the tight instance runs one and refuses the other at once; the
    // roomy one runs or queues both (at least one slot and one waiting place), and never counts the tight one's.
    const onTight = Promise.allSettled([a.verify(STRONG, stored), a.verify(STRONG, stored)]);
    const onRoomy = Promise.allSettled([b.verify(STRONG, stored), b.verify(STRONG, stored)]);
    const described = (r: PromiseSettledResult<boolean>) => (r.status === 'fulfilled' ? String(r.value) : r.reason instanceof ServiceError ? r.reason.code : String(r.reason));
    assert.deepEqual((await onTight).map(described), ['true', 'TooManyRequestsException']);
    assert.deepEqual((await onRoomy).map(described), ['true', 'true']);
  });
});
