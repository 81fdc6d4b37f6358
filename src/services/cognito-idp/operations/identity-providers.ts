/**
 * Identity providers of a pool (SigV4): Create/Describe/Update/Delete/ListIdentityProviders and
 * GetIdentityProviderByIdentifier (aws-surface.md §7.1–7.2). OIDC discovery is not done here:
 * what was given is stored, and the hosted endpoints discover lazily.
 */
import { defineOperation, type Operation } from '../../../wire/operation.js';
import { idpError } from '../errors.js';
import { ids, pageOf } from '../store.js';
import { identityProviderShape, poolResource, type OpsDeps } from './shapes.js';

export function identityProviderOperations(deps: OpsDeps): Operation[] {
  const { directory, stores } = deps.userPools.internals;
  const admin = { authorize: { resource: poolResource(deps) } } as const;
  return [
    defineOperation({
      service: 'cognito-idp',
      name: 'CreateIdentityProvider',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { IdentityProvider: identityProviderShape(await directory.createIdentityProvider(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DescribeIdentityProvider',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { IdentityProvider: identityProviderShape(await directory.requireIdentityProvider(input.UserPoolId, input.ProviderName)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'UpdateIdentityProvider',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        return { IdentityProvider: identityProviderShape(await directory.updateIdentityProvider(input)) };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'DeleteIdentityProvider',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.deleteIdentityProvider(input.UserPoolId, input.ProviderName);
        return {};
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'ListIdentityProviders',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.requirePool(input.UserPoolId);
        const page = await pageOf(stores.idps, ids.poolPrefix(input.UserPoolId), input.MaxResults || 60, input.NextToken);
        return {
          Providers: page.items.map((p) => ({
            ProviderName: p.providerName,
            ProviderType: p.providerType,
            CreationDate: new Date(p.createdAt * 1000),
            LastModifiedDate: new Date(p.lastModifiedAt * 1000),
          })),
          ...(page.next ? { NextToken: page.next } : {}),
        };
      },
    }),
    defineOperation({
      service: 'cognito-idp',
      name: 'GetIdentityProviderByIdentifier',
      auth: 'sigv4',
      ...admin,
      async handler(input) {
        await directory.requirePool(input.UserPoolId);
        const idp = await deps.userPools.findIdentityProviderByIdentifier(input.UserPoolId, input.IdpIdentifier);
        if (!idp) throw idpError('ResourceNotFoundException', `Identity provider with identifier ${input.IdpIdentifier} does not exist.`, { check: 'idp.provider.identifier' });
        return { IdentityProvider: identityProviderShape(idp) };
      },
    }),
  ];
}
