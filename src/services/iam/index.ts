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
import {
  addClientIDToOpenIDConnectProviderOperation,
  attachRolePolicyOperation,
  createOpenIDConnectProviderOperation,
  createPolicyOperation,
  createRoleOperation,
  createSAMLProviderOperation,
  deleteOpenIDConnectProviderOperation,
  deletePolicyOperation,
  deleteRolePolicyOperation,
  deleteRoleOperation,
  deleteSAMLProviderOperation,
  detachRolePolicyOperation,
  getOpenIDConnectProviderOperation,
  getPolicyVersionOperation,
  getPolicyOperation,
  getRolePolicyOperation,
  getRoleOperation,
  getSAMLProviderOperation,
  listAttachedRolePoliciesOperation,
  listOpenIDConnectProviderTagsOperation,
  listOpenIDConnectProvidersOperation,
  listPoliciesOperation,
  listRolePoliciesOperation,
  listRoleTagsOperation,
  listRolesOperation,
  listSAMLProvidersOperation,
  putRolePolicyOperation,
  removeClientIDFromOpenIDConnectProviderOperation,
  tagOpenIDConnectProviderOperation,
  tagRoleOperation,
  untagOpenIDConnectProviderOperation,
  untagRoleOperation,
  updateAssumeRolePolicyOperation,
  updateOpenIDConnectProviderThumbprintOperation,
  updateRoleDescriptionOperation,
  updateRoleOperation,
  updateSAMLProviderOperation,
} from './operations/index.js';

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
