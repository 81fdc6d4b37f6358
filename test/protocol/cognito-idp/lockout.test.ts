/**
 * Lockout after wrong passwords (src/services/cognito-idp/lockout.ts), through the unmodified JS
 * SDK v3, the SRP proof, the hosted login page and two nodes on one database.
 *
 * The clock is frozen while a test asserts that a lockout is still in force, so a slow machine
 * cannot let a one-second lockout run out between two requests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { formatTimestamp } from '../../../src/services/cognito-idp/srp.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { Browser } from '../../e2e/oauth2/harness/browser.js';
import { startHostedServer, type HostedServer } from '../oauth2/harness.js';
import { authorizeUrl, callbackParams, signInWithPassword } from '../oauth2/flow.js';
import { rejectsWith, startIdp, STRONG, testClock, type IdpHarness } from './harness.js';
import { srpClient } from './srp-client.js';

const WRONG = 'Wrong-Passw0rd-9!';
const INCORRECT = 'Incorrect username or password.';
const EXCEEDED = 'Password attempts exceeded';

describe('lockout after wrong passwords', () => {
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  before(async () => {
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'lockout' }))).UserPool!.Id!;
    clientId = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
  });
  after(async () => {
    h?.thaw();
    await h?.close();
  });

  async function createUser(username: string) {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: STRONG, Permanent: true }));
  }
  const signIn = (username: string, password: string) =>
    h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const failures = async (username: string) => (await h.userPools.getUser(poolId, username))?.signInFailures;

  it('refuses every sign-in, the right password too, with "Password attempts exceeded" for one second after the fifth wrong password', async () => {
    await createUser('ann');
    h.freeze();
    try {
      for (let i = 1; i <= 5; i++) await rejectsWith(signIn('ann', WRONG), 'NotAuthorizedException', INCORRECT);
      await rejectsWith(signIn('ann', STRONG), 'NotAuthorizedException', EXCEEDED);
      await rejectsWith(signIn('ann', WRONG), 'NotAuthorizedException', EXCEEDED);
      await rejectsWith(
        h.idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ann', PASSWORD: STRONG } })),
        'NotAuthorizedException',
        EXCEEDED,
      );
      assert.equal((await failures('ann'))?.count, 5, 'attempts refused during the lockout do not count');
      h.advance(0.999);
      await rejectsWith(signIn('ann', STRONG), 'NotAuthorizedException', EXCEEDED);
      h.advance(0.001);
      assert.ok((await signIn('ann', STRONG)).AuthenticationResult?.AccessToken, 'the right password works once the second has passed');
      assert.equal(await failures('ann'), undefined, 'a successful sign-in forgets the failures');
      for (let i = 1; i <= 4; i++) await rejectsWith(signIn('ann', WRONG), 'NotAuthorizedException', INCORRECT);
      assert.ok((await signIn('ann', STRONG)).AuthenticationResult, 'four wrong passwords after a reset lock nothing');
    } finally {
      h.thaw();
    }
  });

  it('doubles the lockout with each wrong password after it ends, and the log names the check with the time it ends', async () => {
    await createUser('bob');
    h.freeze();
    try {
      for (let i = 1; i <= 5; i++) await rejectsWith(signIn('bob', WRONG), 'NotAuthorizedException', INCORRECT);
      h.advance(1);
      await rejectsWith(signIn('bob', WRONG), 'NotAuthorizedException', INCORRECT);
      const sixth = await failures('bob');
      assert.equal(sixth?.count, 6);
      assert.equal(sixth!.lockedUntilMs! - sixth!.lastAtMs, 2000, 'the sixth failure locks for two seconds');
      h.advance(1.5);
      await rejectsWith(signIn('bob', STRONG), 'NotAuthorizedException', EXCEEDED);
      const line = h.logs.findLast((l) => (l.reason as { check?: string } | undefined)?.check === 'idp.user.locked-out');
      assert.ok(line, 'the refusal is logged with its reason');
      assert.deepEqual(line.reason, {
        check: 'idp.user.locked-out',
        expected: `no sign-in before ${new Date(sixth!.lockedUntilMs!).toISOString()}`,
        actual: new Date(sixth!.lockedUntilMs! - 500).toISOString(),
        detail: '6 consecutive wrong passwords',
      });
      h.advance(0.5);
      assert.ok((await signIn('bob', STRONG)).AuthenticationResult);
    } finally {
      h.thaw();
    }
  });

  it('forgets the failures after fifteen quiet minutes', async () => {
    await createUser('cid');
    h.freeze();
    try {
      for (let i = 1; i <= 7; i++) {
        await rejectsWith(signIn('cid', WRONG), 'NotAuthorizedException', INCORRECT);
        h.advance(4);
      }
      // The seventh failure locked for four seconds, which have passed; fifteen minutes more of quiet.
      h.advance(15 * 60);
      for (let i = 1; i <= 4; i++) await rejectsWith(signIn('cid', WRONG), 'NotAuthorizedException', INCORRECT);
      assert.equal((await failures('cid'))?.count, 4, 'counting started again from zero');
    } finally {
      // Back to the wall clock, or the next SigV4-signed administrative call would be too old.
      h.advance(-(7 * 4 + 15 * 60));
      h.thaw();
    }
  });

  it('counts wrong passwords sent at the same time, every one of them', async () => {
    await createUser('dot');
    h.freeze();
    try {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => signIn('dot', WRONG)));
      const messages = results.map((r) => (r.status === 'rejected' ? `${(r.reason as Error).name}: ${(r.reason as Error).message}` : 'signed in'));
      const checked = messages.filter((m) => m === `NotAuthorizedException: ${INCORRECT}`).length;
      // Each request looks for a lockout when it arrives; one arriving after five failures were
      // counted is refused unchecked (on a slow machine), so the count is what was checked.
      assert.ok(messages.every((m) => m === `NotAuthorizedException: ${INCORRECT}` || m === `NotAuthorizedException: ${EXCEEDED}`), messages.join('\n'));
      assert.ok(checked >= 5, `at least five were checked: ${checked}`);
      const state = await failures('dot');
      assert.equal(state?.count, checked, 'every wrong password checked is counted, none lost to a concurrent write');
      assert.equal(state!.lockedUntilMs! - state!.lastAtMs, 2 ** (checked - 5) * 1000);
    } finally {
      h.thaw();
    }
  });

  it('counts wrong SRP password proofs with the password flows, and refuses the SRP proof during a lockout', async () => {
    await createUser('eve');
    const proof = async (password: string) => {
      const client = srpClient(poolId);
      const init = await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'eve', SRP_A: client.A } }));
      const p = init.ChallengeParameters as { SRP_B: string; SALT: string; SECRET_BLOCK: string; USER_ID_FOR_SRP: string };
      const ts = formatTimestamp(new Date());
      return h.idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: init.Session,
          ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, TIMESTAMP: ts, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: client.sign(p, password, ts) },
        }),
      );
    };
    h.freeze();
    try {
      for (let i = 1; i <= 3; i++) await rejectsWith(proof(WRONG), 'NotAuthorizedException', INCORRECT);
      for (let i = 1; i <= 2; i++) await rejectsWith(signIn('eve', WRONG), 'NotAuthorizedException', INCORRECT);
      await rejectsWith(proof(STRONG), 'NotAuthorizedException', EXCEEDED);
      await rejectsWith(signIn('eve', STRONG), 'NotAuthorizedException', EXCEEDED);
      h.advance(1);
      assert.ok((await proof(STRONG)).AuthenticationResult?.AccessToken, 'the right proof works once the lockout is over');
      assert.equal(await failures('eve'), undefined);
    } finally {
      h.thaw();
    }
  });
});

describe('lockout and ChangePassword', () => {
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  before(async () => {
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'change' }))).UserPool!.Id!;
    clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'hal', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'hal', Password: STRONG, Permanent: true }));
  });
  after(async () => {
    h?.thaw();
    await h?.close();
  });

  const signIn = (password: string) => h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'hal', PASSWORD: password } }));

  it('counts a wrong previous password toward the lockout and answers LimitExceededException while it lasts', async () => {
    const accessToken = (await signIn(STRONG)).AuthenticationResult!.AccessToken!;
    const change = (previous: string, proposed: string) => h.idp.send(new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: previous, ProposedPassword: proposed }));
    const next = 'Next-Strong-9-pass!';
    h.freeze();
    try {
      for (let i = 1; i <= 5; i++) await rejectsWith(change(WRONG, next), 'NotAuthorizedException', INCORRECT);
      await rejectsWith(change(STRONG, next), 'LimitExceededException', 'Attempt limit exceeded, please try after some time.');
      await rejectsWith(signIn(STRONG), 'NotAuthorizedException', EXCEEDED);
      h.advance(1);
      await change(STRONG, next);
      assert.equal((await h.userPools.getUser(poolId, 'hal'))?.signInFailures, undefined, 'the proven previous password forgets the failures');
      assert.ok((await signIn(next)).AuthenticationResult, 'the new password signs in');
    } finally {
      h.thaw();
    }
  });
});

describe('lockout across nodes', () => {
  const clock = testClock();
  let first: TestServer;
  let second: TestServer;
  let idpA: CognitoIdentityProviderClient;
  let idpB: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  before(async () => {
    first = await startTestServer({ clock: clock.now, keepDataDir: true });
    second = await startTestServer({ clock: clock.now, dataDir: first.dataDir });
    idpA = new CognitoIdentityProviderClient({ endpoint: first.url, region: first.region, credentials: first.rootCredentials, maxAttempts: 1 });
    idpB = new CognitoIdentityProviderClient({ endpoint: second.url, region: second.region, credentials: second.rootCredentials, maxAttempts: 1 });
    poolId = (await idpA.send(new CreateUserPoolCommand({ PoolName: 'nodes' }))).UserPool!.Id!;
    clientId = (await idpA.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await idpA.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'fay', MessageAction: 'SUPPRESS' }));
    await idpA.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'fay', Password: STRONG, Permanent: true }));
  });
  after(async () => {
    idpA?.destroy();
    idpB?.destroy();
    await second?.close();
    await first?.close();
    if (first) rmSync(first.dataDir, { recursive: true, force: true });
  });

  const signIn = (idp: CognitoIdentityProviderClient, password: string) =>
    idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'fay', PASSWORD: password } }));

  it('a lockout earned on one node is enforced by another node on the same database, and a sign-in there ends it for both', async () => {
    clock.freeze();
    try {
      for (let i = 1; i <= 3; i++) await rejectsWith(signIn(idpA, WRONG), 'NotAuthorizedException', INCORRECT);
      for (let i = 1; i <= 2; i++) await rejectsWith(signIn(idpB, WRONG), 'NotAuthorizedException', INCORRECT);
      await rejectsWith(signIn(idpB, STRONG), 'NotAuthorizedException', EXCEEDED);
      await rejectsWith(signIn(idpA, STRONG), 'NotAuthorizedException', EXCEEDED);
      clock.advance(1);
      assert.ok((await signIn(idpB, STRONG)).AuthenticationResult);
      for (let i = 1; i <= 4; i++) await rejectsWith(signIn(idpA, WRONG), 'NotAuthorizedException', INCORRECT);
      assert.ok((await signIn(idpA, STRONG)).AuthenticationResult, 'the count started again on both nodes');
    } finally {
      clock.thaw();
    }
  });
});

describe('lockout on the hosted login page', () => {
  const clock = testClock();
  let server: HostedServer;
  let url: string;
  before(async () => {
    server = await startHostedServer({ clock: clock.now });
    const userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, 'lockout');
    const client = await server.createClient(userPoolId);
    await server.createUser(userPoolId, 'gus', STRONG);
    url = authorizeUrl(server.url, 'lockout', { client_id: client.clientId, scope: 'openid' });
  });
  after(async () => {
    clock.thaw();
    await server?.close();
  });

  it('says "Password attempts exceeded" during a lockout and signs the user in after it', async () => {
    clock.freeze();
    try {
      for (let i = 1; i <= 5; i++) {
        const page = await signInWithPassword(new Browser(), url, 'gus', WRONG);
        assert.equal(page.status, 400);
        assert.match(page.body, /Incorrect username or password\./);
      }
      const locked = await signInWithPassword(new Browser(), url, 'gus', STRONG);
      assert.equal(locked.status, 400);
      assert.match(locked.body, /Password attempts exceeded/);
      assert.doesNotMatch(locked.body, /Incorrect username or password/);
      clock.advance(1);
      assert.ok(callbackParams(await signInWithPassword(new Browser(), url, 'gus', STRONG)).get('code'));
    } finally {
      clock.thaw();
    }
  });
});
