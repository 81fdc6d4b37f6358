/**
 * Resource servers of a pool (SigV4, authorised on the pool ARN): Create/Describe/Update/Delete/
 * ListResourceServers (M-IDP; aws-surface.md §7.1). The custom scopes they define are what app
 * clients' AllowedOAuthScopes and the client_credentials grant may name (resource-servers.ts).
 */
import { defineOperation, type Operation } from '../../../wire/operation.js';
import { poolResource, resourceServerShape, type OpsDeps } from './shapes.js';

/** ListResourceServers' MaxResults is optional (1..50 in the model); 50 when omitted. */
const DEFAULT_PAGE = 50;

export function resourceServerOperations(deps: OpsDeps): Operation[] {
  const { resourceServers } = deps.userPools.internals;
  const admin = { authorize: { resource: poolResource(deps) } } as const;
  return [
    defineOperation({
      service: 'cognito-idp',
      name: 'CreateResourceServer',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { ResourceServer: resourceServerShape(await resourceServers.create(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DescribeResourceServer',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { ResourceServer: resourceServerShape(await resourceServers.require(input.UserPoolId, input.Identifier)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'UpdateResourceServer',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { ResourceServer: resourceServerShape(await resourceServers.update(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DeleteResourceServer',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await resourceServers.remove(input.UserPoolId, input.Identifier);
        return {};
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'ListResourceServers',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        const page = await resourceServers.list(input.UserPoolId, input.MaxResults ?? DEFAULT_PAGE, input.NextToken);
        return { ResourceServers: page.items.map(resourceServerShape), ...(page.next ? { NextToken: page.next } : {}) };
      },
    }),
  ];
}
