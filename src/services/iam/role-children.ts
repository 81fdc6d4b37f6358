/**
 * Keeping a role's inline policies and attachments from outliving it. Storage offers no
 * transactions across collections, so two rules close the races between DeleteRole and
 * PutRolePolicy/AttachRolePolicy (for any interleaving over linearizable storage, one of them
 * sees the other):
 *  - a writer re-reads the role after writing and undoes its write if the role is gone or was
 *    replaced by a namesake (different AROA id);
 *  - DeleteRole, after deleting the role, sweeps whatever was written under its name meanwhile.
 * Readers (directory.ts) additionally ignore children whose roleId is not the current role's, so
 * a recreated role never inherits a predecessor's permissions.
 */
import { fail } from '../../errors/index.js';
import { NotFoundError } from '../../storage/contract.js';
import type { IamEnv } from './env.js';
import { findRole, listAll } from './lookup.js';
import { attachmentId, policyId, rolePolicyId, rolePrefix } from './store.js';
import { parseIamArn, nameFromRest } from './arns.js';

/** Throws NoSuchEntity (after `undo`) when the role named `roleName` is no longer `uniqueId`. */
export async function confirmRoleStillThere(env: IamEnv, roleName: string, uniqueId: string, undo: () => Promise<void>): Promise<void> {
  const now = await findRole(env.store, roleName);
  if (now && now.roleId === uniqueId) return;
  await undo();
  fail('NoSuchEntity', `The role with name ${roleName} cannot be found.`, { reason: { check: 'iam.role.exists', actual: roleName, detail: 'deleted concurrently' } });
}

/** Decrements a managed policy's AttachmentCount; a policy deleted meanwhile is ignored. */
export async function decrementAttachmentCount(env: IamEnv, policyArn: string): Promise<void> {
  const parsed = parseIamArn(policyArn);
  if (!parsed) return;
  try {
    await env.store.policies.update(policyId(nameFromRest(parsed.rest)), (p) =>
      p.arn === policyArn ? { ...p, attachmentCount: Math.max(0, p.attachmentCount - 1) } : p,
    );
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
}

/** Removes every inline policy and attachment stored under `roleName`. */
export async function sweepRoleChildren(env: IamEnv, roleName: string): Promise<void> {
  const prefix = rolePrefix(roleName);
  for (const p of await listAll(env.store.rolePolicies, prefix)) {
    await env.store.rolePolicies.delete(rolePolicyId(roleName, p.policyName));
  }
  for (const a of await listAll(env.store.attachments, prefix)) {
    if (await env.store.attachments.delete(attachmentId(roleName, a.policyArn))) await decrementAttachmentCount(env, a.policyArn);
  }
}
