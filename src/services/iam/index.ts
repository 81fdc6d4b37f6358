/**
 * The IAM service (2010-05-08, awsQuery): the roles, managed and inline policies and identity
 * providers Tessera federates into. This folder owns IAM semantics — names, ARNs, unique ids,
 * quotas, IAM's error texts, URL-encoded policy documents — and the IAM collections in storage.
 * Parsing, signature checks, model validation, authorisation and XML rendering belong to the
 * pipeline; each operation (operations/<operation>.ts) receives the decoded input and returns
 * the output members. Other services read IAM through `createIamDirectory` (directory.ts).
 */
import type { Operation } from '../../wire/operation.js';
import { iamEnv, type IamDeps } from './env.js';
import { addClientIDToOpenIDConnectProviderOperation } from './operations/add-client-id-to-open-id-connect-provider.js';
import { attachRolePolicyOperation } from './operations/attach-role-policy.js';
import { createOpenIDConnectProviderOperation } from './operations/create-open-id-connect-provider.js';
import { createPolicyOperation } from './operations/create-policy.js';
import { createRoleOperation } from './operations/create-role.js';
import { createSAMLProviderOperation } from './operations/create-saml-provider.js';
import { deleteOpenIDConnectProviderOperation } from './operations/delete-open-id-connect-provider.js';
import { deletePolicyOperation } from './operations/delete-policy.js';
import { deleteRolePolicyOperation } from './operations/delete-role-policy.js';
import { deleteRoleOperation } from './operations/delete-role.js';
import { deleteSAMLProviderOperation } from './operations/delete-saml-provider.js';
import { detachRolePolicyOperation } from './operations/detach-role-policy.js';
import { getOpenIDConnectProviderOperation } from './operations/get-open-id-connect-provider.js';
import { getPolicyVersionOperation } from './operations/get-policy-version.js';
import { getPolicyOperation } from './operations/get-policy.js';
import { getRolePolicyOperation } from './operations/get-role-policy.js';
import { getRoleOperation } from './operations/get-role.js';
import { getSAMLProviderOperation } from './operations/get-saml-provider.js';
import { listAttachedRolePoliciesOperation } from './operations/list-attached-role-policies.js';
import { listOpenIDConnectProviderTagsOperation } from './operations/list-open-id-connect-provider-tags.js';
import { listOpenIDConnectProvidersOperation } from './operations/list-open-id-connect-providers.js';
import { listPoliciesOperation } from './operations/list-policies.js';
import { listRolePoliciesOperation } from './operations/list-role-policies.js';
import { listRoleTagsOperation } from './operations/list-role-tags.js';
import { listRolesOperation } from './operations/list-roles.js';
import { listSAMLProvidersOperation } from './operations/list-saml-providers.js';
import { putRolePolicyOperation } from './operations/put-role-policy.js';
import { removeClientIDFromOpenIDConnectProviderOperation } from './operations/remove-client-id-from-open-id-connect-provider.js';
import { tagOpenIDConnectProviderOperation } from './operations/tag-open-id-connect-provider.js';
import { tagRoleOperation } from './operations/tag-role.js';
import { untagOpenIDConnectProviderOperation } from './operations/untag-open-id-connect-provider.js';
import { untagRoleOperation } from './operations/untag-role.js';
import { updateAssumeRolePolicyOperation } from './operations/update-assume-role-policy.js';
import { updateOpenIDConnectProviderThumbprintOperation } from './operations/update-open-id-connect-provider-thumbprint.js';
import { updateRoleDescriptionOperation } from './operations/update-role-description.js';
import { updateRoleOperation } from './operations/update-role.js';
import { updateSAMLProviderOperation } from './operations/update-saml-provider.js';

export type { IamDeps } from './env.js';
export { createIamDirectory, type IamDirectory, type OidcProviderRecord, type RoleRecord, type SamlProviderRecord, type Tag } from './directory.js';
export { parseSamlMetadata, type SamlMetadata } from './saml-metadata.js';
export { oidcProviderArn, oidcUrlWithoutScheme, roleArn } from './arns.js';

/** Every IAM operation Tessera serves, closed over `deps`. */
export function iamOperations(deps: IamDeps): Operation[] {
  const env = iamEnv(deps);
  return [
    addClientIDToOpenIDConnectProviderOperation(env),
    attachRolePolicyOperation(env),
    createOpenIDConnectProviderOperation(env),
    createPolicyOperation(env),
    createRoleOperation(env),
    createSAMLProviderOperation(env),
    deleteOpenIDConnectProviderOperation(env),
    deletePolicyOperation(env),
    deleteRolePolicyOperation(env),
    deleteRoleOperation(env),
    deleteSAMLProviderOperation(env),
    detachRolePolicyOperation(env),
    getOpenIDConnectProviderOperation(env),
    getPolicyVersionOperation(env),
    getPolicyOperation(env),
    getRolePolicyOperation(env),
    getRoleOperation(env),
    getSAMLProviderOperation(env),
    listAttachedRolePoliciesOperation(env),
    listOpenIDConnectProviderTagsOperation(env),
    listOpenIDConnectProvidersOperation(env),
    listPoliciesOperation(env),
    listRolePoliciesOperation(env),
    listRoleTagsOperation(env),
    listRolesOperation(env),
    listSAMLProvidersOperation(env),
    putRolePolicyOperation(env),
    removeClientIDFromOpenIDConnectProviderOperation(env),
    tagOpenIDConnectProviderOperation(env),
    tagRoleOperation(env),
    untagOpenIDConnectProviderOperation(env),
    untagRoleOperation(env),
    updateAssumeRolePolicyOperation(env),
    updateOpenIDConnectProviderThumbprintOperation(env),
    updateRoleDescriptionOperation(env),
    updateRoleOperation(env),
    updateSAMLProviderOperation(env),
  ];
}
