/**
 * A user-pool sign-in feeding an identity pool (aws-surface.md §9.5, §4.2–4.3, §4.6): a user
 * signs in with USER_PASSWORD_AUTH through the unmodified SDK, and its ID token buys AWS
 * credentials through `fromCognitoIdentityPool` (@aws-sdk/credential-providers), whose
 * GetId + GetCredentialsForIdentity run against the same Tessera. Covers both Logins spellings,
 * the app-client check, Token role mapping through the user's group (cognito:preferred_role)
 * and ServerSideTokenCheck after GlobalSignOut.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  GlobalSignOutCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const PASSWORD = 'Correct-Horse-9-battery';
const NOT_SUPPORTED = 'Token is not from a supported provider of this identity pool.';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('user-pool ID tokens into an identity pool', () => {
  let server: TestServer;
  let admin: CognitoIdentityProviderClient;
  /** What an app uses: no AWS credentials of its own (InitiateAuth, GetId and GetCredentialsForIdentity are unsigned). */
  let anonymousIdp: CognitoIdentityProviderClient;
  let identity: CognitoIdentityClient;
  let iam: IAMClient;
  let userPoolId: string;
  let appClient: string;
  let otherClient: string;
  /** `cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  let awsKey: string;
  /** The issuer without its scheme: `127.0.0.1:<port>/<userPoolId>`. */
  let issuerKey: string;
  let plainPool: string;
  let checkedPool: string;
  const roles = { authenticated: '', admins: '', readers: '' };

  const signIn = async (username: string, clientId = appClient) =>
    (await anonymousIdp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD } }))).AuthenticationResult!;

  const credentialsFor = (identityPoolId: string, logins: Record<string, string>) =>
    fromCognitoIdentityPool({ identityPoolId, logins, clientConfig: { endpoint: server.url, region: server.region } })();

  async function callerArn(creds: Awaited<ReturnType<typeof credentialsFor>>): Promise<string> {
    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: creds });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
    } finally {
      sts.destroy();
    }
  }

  /** A role that trusts cognito-identity.amazonaws.com for authenticated identities of our identity pools. */
  async function role(name: string, poolIds: string[]): Promise<string> {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolIds }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
        },
      ],
    };
    return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
  }

  async function createUser(username: string, groups: string[]): Promise<void> {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
    for (const GroupName of groups) await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName }));
  }

  before(async () => {
    server = await startTestServer();
    const common = { endpoint: server.url, region: server.region };
    const anonymous = { accessKeyId: 'unused', secretAccessKey: 'unused' };
    admin = new CognitoIdentityProviderClient({ ...common, credentials: server.rootCredentials, maxAttempts: 1 });
    anonymousIdp = new CognitoIdentityProviderClient({ ...common, credentials: anonymous, maxAttempts: 1 });
    identity = new CognitoIdentityClient({ ...common, credentials: server.rootCredentials, maxAttempts: 1 });
    iam = new IAMClient({ ...common, credentials: server.rootCredentials });

    userPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'players' }))).UserPool!.Id!;
    const flows: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
    appClient = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'game', ExplicitAuthFlows: flows }))).UserPoolClient!.ClientId!;
    otherClient = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'other', ExplicitAuthFlows: flows }))).UserPoolClient!.ClientId!;
    awsKey = `cognito-idp.${server.region}.amazonaws.com/${userPoolId}`;
    issuerKey = `${server.tessera.config.publicUrl.replace(/^https?:\/\//, '')}/${userPoolId}`;

    const provider = (serverSideTokenCheck: boolean) => ({ ProviderName: awsKey, ClientId: appClient, ServerSideTokenCheck: serverSideTokenCheck });
    plainPool = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'plain', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [provider(false)] }))).IdentityPoolId!;
    checkedPool = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'checked', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [provider(true)] }))).IdentityPoolId!;

    roles.authenticated = await role('players-default', [plainPool, checkedPool]);
    roles.admins = await role('players-admins', [plainPool, checkedPool]);
    roles.readers = await role('players-readers', [plainPool, checkedPool]);
    await admin.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'admins', Precedence: 1, RoleArn: roles.admins }));
    await admin.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'readers', Precedence: 5, RoleArn: roles.readers }));
    for (const IdentityPoolId of [plainPool, checkedPool]) {
      await identity.send(
        new SetIdentityPoolRolesCommand({
          IdentityPoolId,
          Roles: { authenticated: roles.authenticated },
          RoleMappings: { [`${awsKey}:${appClient}`]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } },
        }),
      );
    }
    await createUser('ana', ['readers', 'admins']);
    await createUser('ben', []);
    await createUser('cy', ['readers']);
  });
  after(async () => {
    for (const c of [admin, anonymousIdp, identity, iam]) c?.destroy();
    await server?.close();
  });

  it('buys credentials with the ID token under the cognito-idp.<region>.amazonaws.com/<poolId> key', async () => {
    const tokens = await signIn('ben');
    const creds = await credentialsFor(plainPool, { [awsKey]: tokens.IdToken! });
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.ok(creds.sessionToken && creds.expiration instanceof Date);
    assert.match(creds.identityId, new RegExp(`^${server.region}:[0-9a-f-]{36}$`));
    assert.match(await callerArn(creds), /:assumed-role\/players-default\/CognitoIdentityCredentials$/, 'a user in no group gets the pool’s authenticated role');
  });

  it('accepts the issuer-form key (<public URL without scheme>/<poolId>) as the same provider and identity', async () => {
    const tokens = await signIn('ben');
    assert.equal(decode(tokens.IdToken!).iss, `${server.tessera.config.publicUrl}/${userPoolId}`);
    const viaAws = await credentialsFor(plainPool, { [awsKey]: tokens.IdToken! });
    const viaIssuer = await credentialsFor(plainPool, { [issuerKey]: tokens.IdToken! });
    assert.equal(viaIssuer.identityId, viaAws.identityId, 'both spellings name the same user pool, so the same identity');
    assert.match(await callerArn(viaIssuer), /:assumed-role\/players-default\//);
  });

  it('refuses an ID token issued to an app client the identity pool does not list', async () => {
    const tokens = await signIn('ben', otherClient);
    assert.equal(decode(tokens.IdToken!).aud, otherClient);
    for (const key of [awsKey, issuerKey]) {
      await assert.rejects(credentialsFor(plainPool, { [key]: tokens.IdToken! }), (e: Error) => {
        assert.equal(e.name, 'NotAuthorizedException', `${key}: ${e.name}: ${e.message}`);
        assert.equal(e.message, NOT_SUPPORTED);
        return true;
      });
    }
  });

  it('refuses an access token in place of the ID token', async () => {
    const tokens = await signIn('ben');
    await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: plainPool, Logins: { [awsKey]: tokens.AccessToken! } })), (e: Error) => {
      assert.equal(e.name, 'NotAuthorizedException');
      assert.equal(e.message, 'Invalid login token. Missing a required claim: aud', 'aws-surface.md §4.3');
      return true;
    });
  });

  it('maps Token role resolution to the role of the user’s group with the lowest precedence', async () => {
    const ana = await signIn('ana');
    const claims = decode(ana.IdToken!);
    assert.equal(claims['cognito:preferred_role'], roles.admins);
    assert.match(await callerArn(await credentialsFor(plainPool, { [awsKey]: ana.IdToken! })), /:assumed-role\/players-admins\/CognitoIdentityCredentials$/);
    // The RoleMappings entry is keyed with the AWS spelling; a login under the issuer form finds it too.
    assert.match(await callerArn(await credentialsFor(plainPool, { [issuerKey]: ana.IdToken! })), /:assumed-role\/players-admins\//);
    const cy = await signIn('cy');
    assert.match(await callerArn(await credentialsFor(plainPool, { [awsKey]: cy.IdToken! })), /:assumed-role\/players-readers\//);
  });

  it('with ServerSideTokenCheck, refuses the same ID token after GlobalSignOut; without it, still accepts it', async () => {
    const tokens = await signIn('cy');
    const before = await credentialsFor(checkedPool, { [awsKey]: tokens.IdToken! });
    assert.match(await callerArn(before), /:assumed-role\/players-readers\//);
    await anonymousIdp.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken! }));
    await assert.rejects(credentialsFor(checkedPool, { [awsKey]: tokens.IdToken! }), (e: Error) => {
      assert.equal(e.name, 'NotAuthorizedException', `${e.name}: ${e.message}`);
      return true;
    });
    await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: checkedPool, Logins: { [issuerKey]: tokens.IdToken! } })), (e: Error) => e.name === 'NotAuthorizedException');
    // The identity pool without the check only verifies signature and lifetime (M-CI ServerSideTokenCheck).
    assert.ok((await credentialsFor(plainPool, { [awsKey]: tokens.IdToken! })).accessKeyId);
    // A fresh sign-in after the sign-out is accepted again.
    const fresh = await signIn('cy');
    assert.ok((await credentialsFor(checkedPool, { [awsKey]: fresh.IdToken! })).accessKeyId);
  });
});
