/** Pool, app client, domain and identity-provider management through the unmodified JS SDK v3. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetIdentityProviderByIdentifierCommand,
  ListIdentityProvidersCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { rejectsWith, startIdp, type IdpHarness } from './harness.js';
import { startSamlIdp } from '../../helpers/saml-idp.js';

describe('cognito-idp pool management', () => {
  let h: IdpHarness;
  before(async () => {
    h = await startIdp();
  });
  after(async () => h?.close());

  it('creates a pool with a password policy and custom attributes and describes it back', async () => {
    const created = await h.idp.send(
      new CreateUserPoolCommand({
        PoolName: 'customers',
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
        AutoVerifiedAttributes: ['email'],
        Schema: [
          { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
          { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
        ],
      }),
    );
    const pool = created.UserPool!;
    assert.match(pool.Id!, /^us-east-1_[0-9A-Za-z]{9}$/);
    assert.equal(pool.Arn, `arn:aws:cognito-idp:us-east-1:${h.accountId}:userpool/${pool.Id}`);
    const described = (await h.idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }))).UserPool!;
    assert.equal(described.Name, 'customers');
    assert.equal(described.Policies?.PasswordPolicy?.MinimumLength, 10);
    assert.equal(described.Policies?.PasswordPolicy?.RequireSymbols, false);
    assert.equal(described.Policies?.PasswordPolicy?.RequireUppercase, true, 'unspecified rules keep AWS defaults');
    assert.deepEqual(described.AutoVerifiedAttributes, ['email']);
    assert.ok(described.SchemaAttributes?.some((a) => a.Name === 'custom:tenant'), 'custom attributes carry the custom: prefix');
    assert.equal(described.SchemaAttributes?.find((a) => a.Name === 'email')?.Required, true);
    assert.ok(described.CreationDate instanceof Date);
    assert.equal(described.EstimatedNumberOfUsers, 0);
  });

  it('lists pools with pagination and refuses to delete a protected pool', async () => {
    const a = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'a', DeletionProtection: 'ACTIVE' }))).UserPool!.Id!;
    const first = await h.idp.send(new ListUserPoolsCommand({ MaxResults: 1 }));
    assert.equal(first.UserPools?.length, 1);
    assert.ok(first.NextToken);
    const rest = await h.idp.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: first.NextToken }));
    assert.ok((rest.UserPools?.length ?? 0) >= 1);
    await rejectsWith(h.idp.send(new DeleteUserPoolCommand({ UserPoolId: a })), 'InvalidParameterException', /deletion protection/);
    await h.idp.send(new UpdateUserPoolCommand({ UserPoolId: a, DeletionProtection: 'INACTIVE' }));
    await h.idp.send(new DeleteUserPoolCommand({ UserPoolId: a }));
    await rejectsWith(h.idp.send(new DescribeUserPoolCommand({ UserPoolId: a })), 'ResourceNotFoundException');
  });

  it('creates app clients with generated secrets, AWS default flows and OAuth settings', async () => {
    const poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'clients' }))).UserPool!.Id!;
    const plain = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!;
    assert.match(plain.ClientId!, /^[a-z0-9]{26}$/);
    assert.equal(plain.ClientSecret, undefined);
    assert.deepEqual(plain.ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH']);
    const confidential = (
      await h.idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'server',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email'],
          CallbackURLs: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
          LogoutURLs: ['https://app.example.com/bye'],
          SupportedIdentityProviders: ['COGNITO'],
          AccessTokenValidity: 30,
          TokenValidityUnits: { AccessToken: 'minutes' },
        }),
      )
    ).UserPoolClient!;
    assert.match(confidential.ClientSecret!, /^[\w+]{24,64}$/);
    const described = (await h.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: confidential.ClientId }))).UserPoolClient!;
    assert.equal(described.ClientSecret, confidential.ClientSecret);
    assert.deepEqual(described.CallbackURLs, ['https://app.example.com/cb', 'http://localhost:3000/cb']);
    assert.equal(described.AccessTokenValidity, 30);
    assert.equal(described.TokenValidityUnits?.AccessToken, 'minutes');

    const updated = (await h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: confidential.ClientId, ClientName: 'server2', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!;
    assert.equal(updated.ClientName, 'server2');
    assert.equal(updated.ClientSecret, confidential.ClientSecret, 'the secret survives an update');
    const listed = await h.idp.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }));
    assert.deepEqual(listed.UserPoolClients?.map((c) => c.ClientName).sort(), ['server2', 'web']);
    await h.idp.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: plain.ClientId }));
    await rejectsWith(h.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: plain.ClientId })), 'ResourceNotFoundException');
  });

  it('refuses client settings AWS refuses', async () => {
    const poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'bad-clients' }))).UserPool!.Id!;
    await rejectsWith(h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] })), 'InvalidParameterException', 'REFRESH_TOKEN_AUTH should always be allowed.');
    await rejectsWith(
      h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid'] })),
      'InvalidOAuthFlowException',
    );
    await rejectsWith(
      h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'], CallbackURLs: ['http://evil.example.com/cb'] })),
      'InvalidParameterException',
      /HTTPS/,
    );
    await rejectsWith(h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', SupportedIdentityProviders: ['Nope'] })), 'InvalidParameterException', /does not exist/);
    await rejectsWith(h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_missing00', ClientName: 'x' })), 'ResourceNotFoundException');
  });

  it('creates, describes and deletes a domain that is unique across pools', async () => {
    const p1 = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'd1' }))).UserPool!.Id!;
    const p2 = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'd2' }))).UserPool!.Id!;
    await h.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: p1, Domain: 'tessera-login' }));
    const d = (await h.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'tessera-login' }))).DomainDescription!;
    assert.equal(d.UserPoolId, p1);
    assert.equal(d.Status, 'ACTIVE');
    assert.equal(d.AWSAccountId, h.accountId);
    assert.equal((await h.idp.send(new DescribeUserPoolCommand({ UserPoolId: p1 }))).UserPool?.Domain, 'tessera-login');
    assert.equal((await h.userPools.getDomain('tessera-login'))?.userPoolId, p1);
    await rejectsWith(h.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'tessera-login' })), 'InvalidParameterException', 'Domain already exists.');
    await rejectsWith(h.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'my-cognito-login' })), 'InvalidParameterException', /reserved/);
    await h.idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: p1, Domain: 'tessera-login' }));
    assert.deepEqual((await h.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'tessera-login' }))).DomainDescription, {});
    await h.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'tessera-login' }));
  });

  it('manages OIDC and SAML identity providers with attribute mappings and identifiers', async () => {
    const poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'idps' }))).UserPool!.Id!;
    const oidc = (
      await h.idp.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Okta',
          ProviderType: 'OIDC',
          ProviderDetails: { client_id: 'cid', client_secret: 'csecret', authorize_scopes: 'openid email', attributes_request_method: 'GET', oidc_issuer: 'https://example.okta.com/' },
          AttributeMapping: { email: 'email', username: 'sub' },
          IdpIdentifiers: ['example.com'],
        }),
      )
    ).IdentityProvider!;
    assert.equal(oidc.ProviderDetails?.oidc_issuer, 'https://example.okta.com');
    assert.equal(oidc.ProviderDetails?.attributes_url_add_attributes, 'false');
    assert.equal(oidc.ProviderDetails?.client_secret, 'csecret');
    const metadataXml = (await startSamlIdp()).metadataXml;
    await h.idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp', ProviderType: 'SAML', ProviderDetails: { MetadataFile: metadataXml }, AttributeMapping: { email: 'urn:email' } }));
    await rejectsWith(
      h.idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Okta', ProviderType: 'OIDC', ProviderDetails: { client_id: 'c', authorize_scopes: 'openid', oidc_issuer: 'https://x.example' } })),
      'DuplicateProviderException',
    );
    await rejectsWith(
      h.idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'NoOpenid', ProviderType: 'OIDC', ProviderDetails: { client_id: 'c', authorize_scopes: 'email', oidc_issuer: 'https://x.example' } })),
      'InvalidParameterException',
      /openid/,
    );
    const byId = (await h.idp.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: 'example.com' }))).IdentityProvider!;
    assert.equal(byId.ProviderName, 'Okta');
    const updated = (await h.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Okta', AttributeMapping: { email: 'mail' } }))).IdentityProvider!;
    assert.deepEqual(updated.AttributeMapping, { email: 'mail' });
    assert.equal(updated.ProviderDetails?.client_id, 'cid');
    const listed = await h.idp.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 60 }));
    assert.deepEqual(listed.Providers?.map((p) => `${p.ProviderName}:${p.ProviderType}`).sort(), ['Corp:SAML', 'Okta:OIDC']);
    assert.equal((await h.userPools.findIdentityProviderByIdentifier(poolId, 'example.com'))?.providerName, 'Okta');
    const saml = (await h.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp' }))).IdentityProvider!;
    assert.equal(saml.ProviderDetails?.MetadataFile, metadataXml);
  });

  it('refuses unsigned management calls', async () => {
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const anonymous = new CognitoIdentityProviderClient({ endpoint: h.url, region: h.region, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }, maxAttempts: 1 });
    await rejectsWith(anonymous.send(new ListUserPoolsCommand({ MaxResults: 1 })), 'UnrecognizedClientException');
    anonymous.destroy();
  });
});
