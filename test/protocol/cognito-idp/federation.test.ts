/** Federated users (aws-surface.md §9.3–9.4) through the UserPools API the hosted endpoints use. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminSetUserPasswordCommand,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeIdentityProviderCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mapAttributes } from '../../../src/services/oauth2/attribute-mapping.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from './harness.js';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;

describe('federated users', () => {
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  before(async () => {
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'fed' }))).UserPool!.Id!;
    clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await h.idp.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Okta',
        ProviderType: 'OIDC',
        ProviderDetails: { client_id: 'c', authorize_scopes: 'openid email', oidc_issuer: 'https://okta.example' },
        AttributeMapping: { email: 'email', name: 'display_name', username: 'sub' },
      }),
    );
  });
  after(async () => h?.close());

  it('creates <ProviderName>_<sub> as EXTERNAL_PROVIDER in the provider group, with mapped attributes and identities', async () => {
    const idp = (await h.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Okta' }))).IdentityProvider!;
    const attributes = mapAttributes(idp.AttributeMapping!, { sub: 'okta-123', email: 'jo@example.com', display_name: 'Jo', ignored: 'x' });
    assert.deepEqual(attributes, { email: 'jo@example.com', name: 'Jo' }, 'username is not an attribute: it comes from the subject');
    const user = await h.userPools.upsertFederatedUser({ userPoolId: poolId, providerName: 'Okta', providerType: 'OIDC', subject: 'okta-123', issuer: 'https://okta.example', attributes });
    assert.equal(user.username, 'Okta_okta-123');
    assert.equal(user.status, 'EXTERNAL_PROVIDER');
    assert.deepEqual(user.groups, [`${poolId}_Okta`]);
    const got = await h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'Okta_okta-123' }));
    assert.equal(got.UserStatus, 'EXTERNAL_PROVIDER');
    assert.equal(got.UserAttributes?.find((a) => a.Name === 'email')?.Value, 'jo@example.com');
    assert.ok((await h.idp.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups?.some((g) => g.GroupName === `${poolId}_Okta`));
    assert.equal((await h.userPools.getUser(poolId, 'Okta_okta-123'))?.sub, user.sub, 'getUser finds the user by name');
    assert.equal(await h.userPools.getUser(poolId, 'Okta_nobody'), undefined);
    assert.equal(await h.userPools.getUser('us-east-1_NoSuchPool', 'Okta_okta-123'), undefined, 'an unknown pool is no error');

    // A second sign-in rewrites mapped attributes and keeps the same user.
    const again = await h.userPools.upsertFederatedUser({ userPoolId: poolId, providerName: 'Okta', providerType: 'OIDC', subject: 'okta-123', attributes: { name: 'Jo B.' } });
    assert.equal(again.sub, user.sub);
    assert.equal(again.attributes.name, 'Jo B.');
    assert.equal(again.attributes.email, 'jo@example.com', 'claims missing now are left unchanged');

    const tokens = await h.userPools.issueTokens({ userPoolId: poolId, clientId, username: user.username, scopes: ['openid', 'email'], nonce: 'n-1', refresh: true, via: 'hosted' });
    const id = decode(tokens.idToken!);
    assert.equal(id.nonce, 'n-1');
    assert.deepEqual(id['cognito:groups'], [`${poolId}_Okta`]);
    assert.equal(id.identities[0].providerName, 'Okta');
    assert.equal(id.identities[0].userId, 'okta-123');
    assert.equal(id.email, 'jo@example.com');
    assert.equal(id.name, undefined, 'the email scope does not release profile attributes');
    assert.equal(decode(tokens.accessToken).scope, 'openid email');
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'Okta_okta-123', PASSWORD: STRONG } })), 'NotAuthorizedException');
  });

  it('signs a linked federated identity in as the native user', async () => {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'kim', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'kim', Password: STRONG, Permanent: true }));
    await rejectsWith(
      h.idp.send(new AdminLinkProviderForUserCommand({ UserPoolId: poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'kim' }, SourceUser: { ProviderName: 'Okta', ProviderAttributeName: 'email', ProviderAttributeValue: 'k@example.com' } })),
      'InvalidParameterException',
      /Cognito_Subject/,
    );
    await h.idp.send(
      new AdminLinkProviderForUserCommand({ UserPoolId: poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'kim' }, SourceUser: { ProviderName: 'Okta', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'okta-kim' } }),
    );
    const user = await h.userPools.upsertFederatedUser({ userPoolId: poolId, providerName: 'Okta', providerType: 'OIDC', subject: 'okta-kim', attributes: {} });
    assert.equal(user.username, 'kim');
    const identities = JSON.parse((await h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'kim' }))).UserAttributes!.find((a) => a.Name === 'identities')!.Value!);
    assert.equal(identities[0].userId, 'okta-kim');
  });

  it('authenticatePassword distinguishes FORCE_CHANGE_PASSWORD users for the hosted page', async () => {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lee', TemporaryPassword: 'Temp-Pass-789', MessageAction: 'SUPPRESS' }));
    await assert.rejects(h.userPools.authenticatePassword(poolId, 'lee', 'Temp-Pass-789'), (e: any) => e.name === 'NewPasswordRequiredError' && e.user.username === 'lee');
    await assert.rejects(h.userPools.authenticatePassword(poolId, 'ghost', 'Temp-Pass-789'), (e: any) => e.code === 'NotAuthorizedException' && e.message === 'Incorrect username or password.');
    await h.userPools.completeNewPassword(poolId, 'lee', STRONG);
    assert.equal((await h.userPools.authenticatePassword(poolId, 'lee', STRONG)).status, 'CONFIRMED');
  });

  it('expires access tokens without skew and temporary passwords after their validity', async () => {
    const t = (await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'kim', PASSWORD: STRONG } }))).AuthenticationResult!;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'max', TemporaryPassword: 'Temp-Pass-000', MessageAction: 'SUPPRESS' }));
    h.advance(3601);
    await assert.rejects(h.userPools.verifyAccessToken(t.AccessToken!), (e: any) => e.code === 'NotAuthorizedException' && e.message === 'Access Token has expired');
    h.advance(7 * 86_400);
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'max', PASSWORD: 'Temp-Pass-000' } })), 'NotAuthorizedException', /Temporary password has expired/);
  });
});
