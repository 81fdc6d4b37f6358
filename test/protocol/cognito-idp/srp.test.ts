/** PASSWORD_VERIFIER driven by hand with an independent SRP client: good, tampered and replayed answers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { formatTimestamp, parseTimestamp } from '../../../src/services/cognito-idp/srp.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from './harness.js';
import { srpClient } from './srp-client.js';

describe('USER_SRP_AUTH / PASSWORD_VERIFIER', () => {
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  before(async () => {
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'srp', UsernameConfiguration: { CaseSensitive: false } }))).UserPool!.Id!;
    clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c' }))).UserPoolClient!.ClientId!;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'Ivy', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivy', Password: STRONG, Permanent: true }));
  });
  after(async () => h?.close());

  async function start(username = 'IVY') {
    const client = srpClient(poolId);
    const init = await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, SRP_A: client.A } }));
    assert.equal(init.ChallengeName, 'PASSWORD_VERIFIER');
    const p = init.ChallengeParameters as { SRP_B: string; SALT: string; SECRET_BLOCK: string; USER_ID_FOR_SRP: string };
    return { client, init, p };
  }

  const answer = (session: string | undefined, responses: Record<string, string>) =>
    h.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: session, ChallengeResponses: responses }));

  it('returns SALT, SECRET_BLOCK, SRP_B and USER_ID_FOR_SRP and accepts a correct signature', async () => {
    const { client, init, p } = await start();
    assert.equal(p.USER_ID_FOR_SRP, 'Ivy', 'the stored username, whatever case the caller used');
    assert.match(p.SRP_B, /^[0-9a-f]+$/);
    const ts = formatTimestamp(new Date());
    const out = await answer(init.Session, { USERNAME: p.USER_ID_FOR_SRP, TIMESTAMP: ts, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: client.sign(p, STRONG, ts) });
    assert.ok(out.AuthenticationResult?.AccessToken);
  });

  it('refuses a signature made with the wrong password, and the session cannot be replayed', async () => {
    const { client, init, p } = await start();
    const ts = formatTimestamp(new Date());
    const bad = { USERNAME: p.USER_ID_FOR_SRP, TIMESTAMP: ts, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: client.sign(p, 'Not-The-Password-1', ts) };
    await rejectsWith(answer(init.Session, bad), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(answer(init.Session, { ...bad, PASSWORD_CLAIM_SIGNATURE: client.sign(p, STRONG, ts) }), 'NotAuthorizedException', /Invalid session/);
  });

  it('refuses a swapped secret block, a signature over another timestamp and a malformed timestamp', async () => {
    const { client, init, p } = await start();
    const ts = formatTimestamp(new Date());
    await rejectsWith(
      answer(init.Session, { USERNAME: p.USER_ID_FOR_SRP, TIMESTAMP: ts, PASSWORD_CLAIM_SECRET_BLOCK: Buffer.alloc(64).toString('base64'), PASSWORD_CLAIM_SIGNATURE: client.sign(p, STRONG, ts) }),
      'NotAuthorizedException',
    );
    const second = await start();
    const other = formatTimestamp(new Date(Date.now() - 60_000));
    await rejectsWith(
      answer(second.init.Session, { USERNAME: second.p.USER_ID_FOR_SRP, TIMESTAMP: ts, PASSWORD_CLAIM_SECRET_BLOCK: second.p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: second.client.sign(second.p, STRONG, other) }),
      'NotAuthorizedException',
    );
    const third = await start();
    await rejectsWith(
      answer(third.init.Session, { USERNAME: third.p.USER_ID_FOR_SRP, TIMESTAMP: '2024-01-01T00:00:00Z', PASSWORD_CLAIM_SECRET_BLOCK: third.p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: 'AAAA' }),
      'InvalidParameterException',
    );
  });

  it('refuses SRP_A ≡ 0 mod N (RFC 5054 §2.5.4)', async () => {
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'ivy', SRP_A: '0' } })), 'InvalidParameterException');
  });

  it('getUser finds a user of a case-insensitive pool whatever case the caller uses', async () => {
    assert.equal((await h.userPools.getUser(poolId, 'IVY'))?.username, 'Ivy');
  });

  it('formats and parses Cognito timestamps with an unpadded day', () => {
    const d = new Date(Date.UTC(2024, 2, 5, 9, 3, 7));
    assert.equal(formatTimestamp(d), 'Tue Mar 5 09:03:07 UTC 2024');
    assert.equal(parseTimestamp('Tue Mar 5 09:03:07 UTC 2024')?.getTime(), d.getTime());
    assert.equal(parseTimestamp('Tue Mar 05 09:03:07 UTC 2024'), undefined);
    assert.equal(parseTimestamp('Mon Mar 5 09:03:07 UTC 2024'), undefined, 'weekday must match the date');
  });
});
