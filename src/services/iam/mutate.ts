/**
 * Compare-and-swap updates of IAM entities that turn a concurrent delete into IAM's
 * NoSuchEntity text. Updaters must be pure (the storage contract may run them twice); an
 * updater may throw a ServiceError (e.g. LimitExceeded) to abort.
 */
import { fail } from '../../errors/index.js';
import { NotFoundError, type Collection } from '../../storage/contract.js';
import { requireIamArn } from './arns.js';
import type { IamEnv } from './env.js';
import { requireOidcProvider, requireSamlProvider } from './lookup.js';
import type { StoredOidcProvider, StoredRole, StoredSamlProvider } from './records.js';
import { roleId } from './store.js';

async function updateOr<D>(collection: Collection<D>, id: string, updater: (doc: D) => D, missing: (cause: unknown) => never): Promise<D> {
  try {
    return await collection.update(id, updater);
  } catch (e) {
    if (e instanceof NotFoundError) missing(e);
    throw e;
  }
}

export function updateOrNoSuchRole(env: IamEnv, roleName: string, updater: (role: StoredRole) => StoredRole): Promise<StoredRole> {
  return updateOr(env.store.roles, roleId(roleName), updater, (cause) =>
    fail('NoSuchEntity', `The role with name ${roleName} cannot be found.`, { reason: { check: 'iam.role.exists', actual: roleName }, cause }),
  );
}

export async function updateOidcProvider(env: IamEnv, arn: string, updater: (p: StoredOidcProvider) => StoredOidcProvider): Promise<StoredOidcProvider> {
  await requireOidcProvider(env.store, env.accountId, arn);
  const id = requireIamArn(arn, 'oidc-provider').rest;
  return updateOr(env.store.oidcProviders, id, updater, (cause) =>
    fail('NoSuchEntity', `OpenIDConnect provider not found for arn ${arn}`, { reason: { check: 'iam.oidc-provider.exists', actual: arn }, cause }),
  );
}

export async function updateSamlProvider(env: IamEnv, arn: string, updater: (p: StoredSamlProvider) => StoredSamlProvider): Promise<StoredSamlProvider> {
  await requireSamlProvider(env.store, env.accountId, arn);
  const id = requireIamArn(arn, 'saml-provider').rest;
  return updateOr(env.store.samlProviders, id, updater, (cause) =>
    fail('NoSuchEntity', `SAMLProvider not found for arn ${arn}`, { reason: { check: 'iam.saml-provider.exists', actual: arn }, cause }),
  );
}
