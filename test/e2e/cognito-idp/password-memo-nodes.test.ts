/**
 * The password memo across nodes (src/services/cognito-idp/password-memo.ts): two Tessera nodes
 * on one database, each with its own memo. A password remembered on one node stops working there
 * as soon as the other node sets a new one, and a user the other node disables is refused on a
 * remembered password, because every sign-in reads the user record from storage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const FIRST = 'First-Passw0rd-9!';
const SECOND = 'Second-Passw0rd-9!';

describe('password memo on two nodes sharing one database', () => {
  let dataDir: string;
  let a: TestServer;
  let b: TestServer;
  let idpA: CognitoIdentityProviderClient;
  let idpB: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-memo-nodes-'));
    a = await startTestServer({ dataDir });
    b = await startTestServer({ dataDir });
    const client = (s: TestServer) => new CognitoIdentityProviderClient({ endpoint: s.url, region: s.region, credentials: s.rootCredentials, maxAttempts: 1 });
    idpA = client(a);
    idpB = client(b);
    poolId = (await idpA.send(new CreateUserPoolCommand({ PoolName: 'nodes' }))).UserPool!.Id!;
    clientId = (await idpA.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await idpA.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'nina', MessageAction: 'SUPPRESS' }));
    await idpA.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'nina', Password: FIRST, Permanent: true }));
  });
  after(async () => {
    idpA?.destroy();
    idpB?.destroy();
    await a?.close();
    await b?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = (idp: CognitoIdentityProviderClient, password: string) =>
    idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'nina', PASSWORD: password } }));
  const refused = async (p: Promise<unknown>, message: string) => {
    await assert.rejects(p, (err: Error) => {
      assert.equal(err.name, 'NotAuthorizedException');
      assert.equal(err.message, message);
      return true;
    });
  };

  it('refuses on node A a password A remembers once node B has set a new one, and accepts the new one', async () => {
    const memoA = a.tessera.userPools.internals.passwordMemo;
    assert.ok((await signIn(idpA, FIRST)).AuthenticationResult?.AccessToken);
    const hits = memoA.stats.hits;
    assert.ok((await signIn(idpA, FIRST)).AuthenticationResult?.AccessToken);
    assert.equal(memoA.stats.hits, hits + 1, 'node A answered the second sign-in from its memo');

    await idpB.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'nina', Password: SECOND, Permanent: true }));
    await refused(signIn(idpA, FIRST), 'Incorrect username or password.');
    assert.ok((await signIn(idpA, SECOND)).AuthenticationResult?.AccessToken);
    assert.ok((await signIn(idpB, SECOND)).AuthenticationResult?.AccessToken, 'node B proves it on its own');
  });

  it('refuses on node A a remembered password of a user node B disabled, until B enables the user again', async () => {
    const memoA = a.tessera.userPools.internals.passwordMemo;
    assert.ok((await signIn(idpA, SECOND)).AuthenticationResult);
    await idpB.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'nina' }));
    const hits = memoA.stats.hits;
    await refused(signIn(idpA, SECOND), 'User is disabled.');
    assert.equal(memoA.stats.hits, hits + 1, 'the password was recalled, the state still refused');
    await idpB.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'nina' }));
    assert.ok((await signIn(idpA, SECOND)).AuthenticationResult);
  });
});
