/**
 * sts:AssumeRole (SigV4). The role's trust policy is a resource-based policy, evaluated together
 * with the caller's identity policies and session policies (IAM user guide, "Determining whether
 * a request is allowed or denied within an account"): an explicit Deny in any of them wins; a
 * trust policy naming the caller's session ARN (or user ARN) grants by itself; one naming the
 * caller's role ARN grants within the session policies ("Session policies": permissions granted
 * to the role ARN by a resource-based policy are limited by the session policy); one naming only
 * the account delegates to the caller's identity policies; a trust policy that allows nothing
 * for the caller refuses whatever the identity policies say. Chained role sessions are capped
 * at one hour.
 */
import { defineOperation } from '../../../wire/operation.js';
import { roleSessionClaims } from '../../../credentials/role-session.js';
import { ServiceError } from '../../../errors/index.js';
import type { StsDeps } from '../index.js';
import { assumedRoleUser, checkSessionTags, credentialsOutput, packedPolicySize, sessionDuration, sessionPolicy, tagContext } from '../session.js';

interface Input {
  RoleArn: string;
  RoleSessionName: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  DurationSeconds?: number;
  Tags?: Array<{ Key: string; Value: string }>;
  TransitiveTagKeys?: string[];
  ExternalId?: string;
  SerialNumber?: string;
  TokenCode?: string;
  SourceIdentity?: string;
}

export function assumeRole(deps: StsDeps) {
  return defineOperation<Input>({
    service: 'sts',
    name: 'AssumeRole',
    auth: 'sigv4',
    // Authorisation combines the trust policy and the caller's identity policies below.
    authorize: false,
    async handler(input, ctx) {
      const caller = ctx.principal!;
      const denied = (reason?: import('../../../errors/index.js').Reason) =>
        new ServiceError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, reason ? { reason } : {});
      if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
        throw new ServiceError('InvalidParameterValue', 'MFA is not supported by Tessera: omit SerialNumber and TokenCode.');
      }
      const role = await deps.iam.getRoleByArn(input.RoleArn);
      if (!role) throw denied({ check: 'sts.role', expected: 'an existing role', actual: input.RoleArn });
      const chained = caller.kind === 'assumed-role';
      const duration = sessionDuration(input.DurationSeconds, role, { chained });
      sessionPolicy(input.Policy, deps.authorizer.cache);

      // Tags: the caller's transitive tags carry over in a chain (IAM user guide, id_session-tags).
      const tags: Record<string, string> = {};
      const transitive = new Set<string>();
      if (caller.kind === 'assumed-role') {
        for (const k of caller.session.transitiveTagKeys ?? []) {
          const v = caller.session.tags?.[k];
          if (v !== undefined) {
            tags[k] = v;
            transitive.add(k);
          }
        }
      }
      for (const t of input.Tags ?? []) {
        if (Object.keys(tags).some((k) => k.toLowerCase() === t.Key.toLowerCase() && transitive.has(k))) {
          throw new ServiceError('InvalidParameterValue', `Tag key ${t.Key} collides with a transitive tag of the calling session.`);
        }
        tags[t.Key] = t.Value;
      }
      for (const k of input.TransitiveTagKeys ?? []) transitive.add(k);
      checkSessionTags(tags, [...transitive], 'request');
      const policyArns = (input.PolicyArns ?? []).map((p) => p.arn).filter((a): a is string => !!a);
      const packed = packedPolicySize(input.Policy, policyArns, tags);

      const context: Record<string, string | string[]> = {
        ...ctx.requestContext,
        'sts:RoleSessionName': input.RoleSessionName,
        ...tagContext(tags),
      };
      if (input.ExternalId !== undefined) context['sts:ExternalId'] = input.ExternalId;
      if (input.SourceIdentity !== undefined) context['sts:SourceIdentity'] = input.SourceIdentity;

      // One evaluation per action of the caller's identity and session policies with the trust
      // policy as the resource policy, named after the role so the reason says whose it was.
      const trust = { ...deps.authorizer.cache.parse(role.assumeRolePolicyDocument, 'trust'), name: `trust policy of ${role.arn}` };
      const actions = ['sts:AssumeRole', ...(Object.keys(tags).length ? ['sts:TagSession'] : []), ...(input.SourceIdentity ? ['sts:SetSourceIdentity'] : [])];
      for (const action of actions) {
        const result = await deps.authorizer.authorize({ principal: caller, action, resource: role.arn, context, resourcePolicy: trust, resourceRequired: true });
        if (result.decision !== 'Allow') throw denied(result.reason);
      }

      const minted = await deps.vault.mint(
        roleSessionClaims({
          accountId: deps.accountId,
          role,
          sessionName: input.RoleSessionName,
          sessionPolicy: input.Policy,
          sessionPolicyArns: policyArns,
          tags,
          transitiveTagKeys: [...transitive],
          sourceIdentity: input.SourceIdentity,
          via: 'AssumeRole',
        }),
        duration,
      );
      return {
        Credentials: credentialsOutput(minted),
        AssumedRoleUser: assumedRoleUser(deps.accountId, role, input.RoleSessionName),
        ...(packed !== undefined ? { PackedPolicySize: packed } : {}),
        ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
      };
    },
  });
}
