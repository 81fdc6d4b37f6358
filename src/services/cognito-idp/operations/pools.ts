/**
 * Pool, app-client and domain management (SigV4, authorised on the pool ARN):
 * Create/Describe/Update/Delete/ListUserPools, Create/Describe/Update/Delete/ListUserPoolClients,
 * Create/Describe/DeleteUserPoolDomain, Set/GetUserPoolMfaConfig (aws-surface.md §7.1, §7.3;
 * mfa.ts).
 */
import { defineOperation, type Operation } from '../../../wire/operation.js';
import type { UserPoolRecord } from '../records.js';
import { domainShape, poolResource, userPoolClientShape, userPoolShape, type OpsDeps } from './shapes.js';

function mfaConfigShape(pool: UserPoolRecord) {
  return { SoftwareTokenMfaConfiguration: { Enabled: pool.softwareTokenMfa === true }, MfaConfiguration: pool.mfaConfiguration };
}

export function poolOperations(deps: OpsDeps): Operation[] {
  const { directory, stores } = deps.userPools.internals;
  const resource = poolResource(deps);
  const admin = { authorize: { resource } } as const;
  return [
    defineOperation({
      service: 'cognito-idp',
      name: 'CreateUserPool',
      auth: 'sigv4',
      async handler(input) {
        return { UserPool: userPoolShape(await directory.createPool(input), 0) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DescribeUserPool',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        const pool = await directory.requirePool(input.UserPoolId);
        return { UserPool: userPoolShape(pool, await stores.users.count(`${pool.id}/`)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'UpdateUserPool',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.updatePool(input);
        return {};
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'SetUserPoolMfaConfig',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return mfaConfigShape(await directory.setMfaConfig(input));
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'GetUserPoolMfaConfig',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return mfaConfigShape(await directory.requirePool(input.UserPoolId));
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DeleteUserPool',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.deletePool(input.UserPoolId);
        return {};
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'ListUserPools',
      auth: 'sigv4',
      async handler(input) {
        const page = await directory.listPools(input.MaxResults, input.NextToken);
        return {
          UserPools: page.items.map((p) => {
            const s = userPoolShape(p);
            return { Id: s.Id, Name: s.Name, LambdaConfig: s.LambdaConfig, Status: s.Status, CreationDate: s.CreationDate, LastModifiedDate: s.LastModifiedDate };
          }),
          ...(page.next ? { NextToken: page.next } : {}),
        };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'CreateUserPoolClient',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { UserPoolClient: userPoolClientShape(await directory.createClient(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DescribeUserPoolClient',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { UserPoolClient: userPoolClientShape(await directory.getClientInPool(input.UserPoolId, input.ClientId)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'UpdateUserPoolClient',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { UserPoolClient: userPoolClientShape(await directory.updateClient(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DeleteUserPoolClient',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.deleteClient(input.UserPoolId, input.ClientId);
        return {};
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'ListUserPoolClients',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        const page = await directory.listClients(input.UserPoolId, input.MaxResults ?? 60, input.NextToken);
        return {
          UserPoolClients: page.items.map((c) => ({ ClientId: c.clientId, UserPoolId: c.userPoolId, ClientName: c.clientName })),
          ...(page.next ? { NextToken: page.next } : {}),
        };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'CreateUserPoolDomain',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        const d = await directory.createDomain(input);
        // A prefix domain has no CloudFront distribution; a custom one is served by Tessera itself.
        return { ...(d.customDomainConfig ? { CloudFrontDomain: d.domain } : {}), ...(d.managedLoginVersion !== undefined ? { ManagedLoginVersion: d.managedLoginVersion } : {}) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DescribeUserPoolDomain',
      auth: 'sigv4',
      async handler(input) {
        // AWS answers an unknown domain with an empty DomainDescription, not an error.
        const d = await stores.domains.get(input.Domain);
        return { DomainDescription: d ? domainShape(d, deps.accountId) : {} };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DeleteUserPoolDomain',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.deleteDomain(input.UserPoolId, input.Domain);
        return {};
      },
    }),
  ];
}
