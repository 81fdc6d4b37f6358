/**
 * Advisories for policies IAM accepts but that likely do not mean what their author thinks
 * (security.md §1f). They never change a decision; IAM operations and the token doctor show
 * them.
 *
 * - `for-all-values-without-null` (I07): an Allow with `ForAllValues:` is also true when the key
 *   is absent or empty — pair it with `"Null": {"key": "false"}`.
 * - `for-any-value-deny-without-null` (I08): a Deny with `ForAnyValue:` does not fire when the key
 *   is absent — pair it with a Null check.
 * - `allow-not-action` (I02): Allow + NotAction grants every other action of every service.
 * - `variables-need-version` (I10): `${…}` in a policy without `"Version": "2012-10-17"` is
 *   literal text, not a variable.
 * - `web-identity-trust-without-audience` (I15): a trust policy letting a web-identity provider
 *   assume the role without a condition on the provider's audience key lets any application
 *   registered with that provider in.
 */
import type { Policy, Statement } from './types.js';

export interface PolicyAdvisory {
  code: 'for-all-values-without-null' | 'for-any-value-deny-without-null' | 'allow-not-action' | 'variables-need-version' | 'web-identity-trust-without-audience';
  /** Index of the statement concerned. */
  statement: number;
  sid?: string;
  message: string;
}

function hasNullCheck(st: Statement, key: string): boolean {
  return st.conditions.some((c) => c.base === 'Null' && c.key.toLowerCase() === key.toLowerCase());
}

function mentionsVariable(st: Statement): boolean {
  const texts = [...(st.resource?.patterns ?? []), ...st.conditions.flatMap((c) => c.values)].map((t) => t.source);
  return texts.some((t) => /\$\{[^}]+\}/.test(t));
}

/** Audience keys per web-identity provider (IAM user guide, "Available keys for federation"). */
function audienceKeys(federated: string): string[] {
  if (federated === 'graph.facebook.com' || federated === 'www.amazon.com') return [`${federated}:app_id`];
  const oidc = /^arn:[^:]+:iam::[0-9]*:oidc-provider\/(.+)$/.exec(federated);
  const host = oidc ? (oidc[1] as string) : federated;
  return [`${host}:aud`, `${host}:oaud`, `${host}:azp`];
}

export function lintPolicy(policy: Policy): PolicyAdvisory[] {
  const out: PolicyAdvisory[] = [];
  const push = (st: Statement, code: PolicyAdvisory['code'], message: string): void => {
    out.push({ code, statement: st.index, ...(st.sid ? { sid: st.sid } : {}), message });
  };
  for (const st of policy.statements) {
    for (const c of st.conditions) {
      if (st.effect === 'Allow' && c.set === 'ForAllValues' && !hasNullCheck(st, c.key)) {
        push(st, 'for-all-values-without-null', `${c.operator} on ${c.key} is true when the key is absent; add "Null": {"${c.key}": "false"}`);
      }
      if (st.effect === 'Deny' && c.set === 'ForAnyValue' && !hasNullCheck(st, c.key)) {
        push(st, 'for-any-value-deny-without-null', `${c.operator} on ${c.key} is false when the key is absent, so this Deny does not fire; add a Null check`);
      }
    }
    if (st.effect === 'Allow' && st.action.negated) {
      push(st, 'allow-not-action', 'Allow with NotAction grants every action not listed, in every service');
    }
    if (policy.version !== '2012-10-17' && mentionsVariable(st)) {
      push(st, 'variables-need-version', '${…} is substituted only in policies with "Version": "2012-10-17"; here it is literal text');
    }
    if (policy.kind === 'trust' && st.effect === 'Allow' && st.principal && !st.principal.negated) {
      const webIdentity = st.action.source.some((a) => /^(sts:\*|sts:assumerolewithwebidentity|\*)$/i.test(a));
      for (const e of st.principal.entries) {
        if (e.type !== 'Federated' || !webIdentity || /:saml-provider\//.test(e.value)) continue;
        const keys = audienceKeys(e.value);
        const constrained = st.conditions.some((c) => keys.includes(c.key.toLowerCase()) && !c.ifExists && c.base !== 'Null');
        if (!constrained) {
          push(st, 'web-identity-trust-without-audience', `trust in ${e.value} has no condition on ${keys[0]}: any application of that provider can assume the role`);
        }
      }
    }
  }
  return out;
}
