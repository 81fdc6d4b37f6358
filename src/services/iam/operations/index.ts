/**
 * One file per IAM operation (kebab-case of the AWS name). Each exports a factory taking the
 * IAM environment (env.ts) and returning the operation declared with `defineOperation`, so
 * handlers close over their dependencies instead of reaching for globals.
 */
export { addClientIDToOpenIDConnectProviderOperation } from './add-client-id-to-open-id-connect-provider.js';
export { attachRolePolicyOperation } from './attach-role-policy.js';
export { createOpenIDConnectProviderOperation } from './create-open-id-connect-provider.js';
export { createPolicyOperation } from './create-policy.js';
export { createRoleOperation } from './create-role.js';
export { createSAMLProviderOperation } from './create-saml-provider.js';
export { deleteOpenIDConnectProviderOperation } from './delete-open-id-connect-provider.js';
export { deletePolicyOperation } from './delete-policy.js';
export { deleteRolePolicyOperation } from './delete-role-policy.js';
export { deleteRoleOperation } from './delete-role.js';
export { deleteSAMLProviderOperation } from './delete-saml-provider.js';
export { detachRolePolicyOperation } from './detach-role-policy.js';
export { getOpenIDConnectProviderOperation } from './get-open-id-connect-provider.js';
export { getPolicyVersionOperation } from './get-policy-version.js';
export { getPolicyOperation } from './get-policy.js';
export { getRolePolicyOperation } from './get-role-policy.js';
export { getRoleOperation } from './get-role.js';
export { getSAMLProviderOperation } from './get-saml-provider.js';
export { listAttachedRolePoliciesOperation } from './list-attached-role-policies.js';
export { listOpenIDConnectProviderTagsOperation } from './list-open-id-connect-provider-tags.js';
export { listOpenIDConnectProvidersOperation } from './list-open-id-connect-providers.js';
export { listPoliciesOperation } from './list-policies.js';
export { listRolePoliciesOperation } from './list-role-policies.js';
export { listRoleTagsOperation } from './list-role-tags.js';
export { listRolesOperation } from './list-roles.js';
export { listSAMLProvidersOperation } from './list-saml-providers.js';
export { putRolePolicyOperation } from './put-role-policy.js';
export { removeClientIDFromOpenIDConnectProviderOperation } from './remove-client-id-from-open-id-connect-provider.js';
export { tagOpenIDConnectProviderOperation } from './tag-open-id-connect-provider.js';
export { tagRoleOperation } from './tag-role.js';
export { untagOpenIDConnectProviderOperation } from './untag-open-id-connect-provider.js';
export { untagRoleOperation } from './untag-role.js';
export { updateAssumeRolePolicyOperation } from './update-assume-role-policy.js';
export { updateOpenIDConnectProviderThumbprintOperation } from './update-open-id-connect-provider-thumbprint.js';
export { updateRoleDescriptionOperation } from './update-role-description.js';
export { updateRoleOperation } from './update-role.js';
export { updateSAMLProviderOperation } from './update-saml-provider.js';
