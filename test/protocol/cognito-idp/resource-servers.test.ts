/**
 * Resource servers with the unmodified SDK: create, describe, list with pagination, update,
 * delete, the model's and AWS's refusals, and app clients naming their custom scopes in
 * AllowedOAuthScopes (M-IDP CreateResourceServer … DeleteResourceServer, AllowedOAuthScopes).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolCommand,
  DescribeResourceServerCommand,
  ListResourceServersCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { rejectsWith, startIdp, type IdpHarness } from './harness.js';

const API = 'https://api.example.com';
const SCOPES = [
  { ScopeName: 'orders.read', ScopeDescription: 'Read orders' },
  { ScopeName: 'orders.write', ScopeDescription: 'Write orders' },
];

describe('resource servers', () => {
  let h: IdpHarness;
  const newPool = async (name: string) => (await h.idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;

  before(async () => {
    h = await startIdp();
  });
  after(() => h.close());

  it('creates, describes, updates and deletes a resource server with its scopes', async () => {
    const poolId = await newPool('rs-crud');
    const created = (await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders API', Scopes: SCOPES }))).ResourceServer!;
    assert.deepEqual(created, { UserPoolId: poolId, Identifier: API, Name: 'Orders API', Scopes: SCOPES });
    const described = (await h.idp.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: API }))).ResourceServer!;
    assert.deepEqual(described, created);

    const updated = (await h.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders', Scopes: [SCOPES[0]!] }))).ResourceServer!;
    assert.equal(updated.Name, 'Orders');
    assert.deepEqual(updated.Scopes, [SCOPES[0]]);
    const emptied = (await h.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders' }))).ResourceServer!;
    assert.deepEqual(emptied.Scopes ?? [], [], 'an update without Scopes leaves none');

    await h.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: API }));
    await rejectsWith(h.idp.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: API })), 'ResourceNotFoundException');
    await rejectsWith(h.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: API })), 'ResourceNotFoundException');
    await rejectsWith(h.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'x' })), 'ResourceNotFoundException');
  });

  it('lists resource servers page by page with MaxResults and NextToken', async () => {
    const poolId = await newPool('rs-list');
    const identifiers = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    for (const id of identifiers) await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: id, Name: id }));
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.idp.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 2, ...(NextToken ? { NextToken } : {}) }));
      assert.ok(page.ResourceServers!.length <= 2);
      seen.push(...page.ResourceServers!.map((r) => r.Identifier!));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    assert.deepEqual(seen.sort(), identifiers);
    assert.equal(pages, 3);
    const all = await h.idp.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }));
    assert.equal(all.ResourceServers!.length, 5);
    assert.equal(all.NextToken, undefined);
    await rejectsWith(h.idp.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: 'not-a-token' })), 'InvalidParameterException');
  });

  it('refuses duplicates, unknown pools, too many servers and requests the model forbids', async () => {
    const poolId = await newPool('rs-refusals');
    await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders' }));
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Again' })), 'InvalidParameterException', /already exists/);
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: 'us-east-1_missing00', Identifier: API, Name: 'x' })), 'ResourceNotFoundException');
    await rejectsWith(h.idp.send(new ListResourceServersCommand({ UserPoolId: 'us-east-1_missing00', MaxResults: 10 })), 'ResourceNotFoundException');
    await rejectsWith(
      h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'dup', Name: 'Dup', Scopes: [SCOPES[0]!, SCOPES[0]!] })),
      'InvalidParameterException',
      /Duplicate scope/,
    );
    // Model patterns: scope names exclude `/` and `"`, identifiers exclude `"` and `\`; ≤ 100 scopes.
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'x', Name: 'x', Scopes: [{ ScopeName: 'a/b', ScopeDescription: 'd' }] })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'a"b', Name: 'x' })), 'InvalidParameterException');
    const many = Array.from({ length: 101 }, (_, i) => ({ ScopeName: `s${i}`, ScopeDescription: 'd' }));
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'many', Name: 'x', Scopes: many })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 51 })), 'InvalidParameterException');

    for (let i = 1; i < 25; i++) await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: `rs${i}`, Name: 'n' }));
    await rejectsWith(h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'rs25', Name: 'n' })), 'LimitExceededException');
  });

  it('lets app clients allow custom scopes of the pool only', async () => {
    const poolId = await newPool('rs-clients');
    const otherPool = await newPool('rs-clients-other');
    await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders', Scopes: SCOPES }));
    await h.idp.send(new CreateResourceServerCommand({ UserPoolId: otherPool, Identifier: 'https://elsewhere.example.com', Name: 'Other', Scopes: SCOPES }));
    const oauth = { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials' as const], GenerateSecret: true };

    const m2m = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'm2m', ...oauth, AllowedOAuthScopes: [`${API}/orders.read`, `${API}/orders.write`] }))).UserPoolClient!;
    assert.deepEqual(m2m.AllowedOAuthScopes, [`${API}/orders.read`, `${API}/orders.write`]);

    for (const scope of [`${API}/orders.delete`, 'https://elsewhere.example.com/orders.read', 'https://api.example.com/orders', 'orders.read', `${API}/`]) {
      await rejectsWith(
        h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bad', ...oauth, AllowedOAuthScopes: [scope] })),
        'ScopeDoesNotExistException',
        `Invalid scope requested: ${scope}`,
      );
    }
    await rejectsWith(
      h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: m2m.ClientId!, ...oauth, AllowedOAuthScopes: [`${API}/orders.admin`] })),
      'ScopeDoesNotExistException',
    );
    const renamed = (await h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: m2m.ClientId!, ClientName: 'm2m2', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: [`${API}/orders.write`] }))).UserPoolClient!;
    assert.deepEqual(renamed.AllowedOAuthScopes, [`${API}/orders.write`]);
  });

  it('deletes a pool together with its resource servers', async () => {
    const poolId = await newPool('rs-cascade');
    await h.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: API, Name: 'Orders', Scopes: SCOPES }));
    await h.idp.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
    assert.equal(await h.userPools.internals.stores.resourceServers.count(`${poolId}/`), 0);
  });
});
