/**
 * Authorisation of one gateway request: each (action, resource, condition keys) a request needs
 * is evaluated with the caller's role policies, session policies and principal tags by the same
 * authorizer the AWS endpoint uses (src/authz), with the global condition keys of the request
 * added. A request needing several checks (CopyObject, batches, transactions) is allowed only if
 * every check is; the first refusal decides, and its deciding statement is what the log names.
 */
import type { IncomingMessage } from 'node:http';
import type { Authorizer, ContextMap } from '../authz/index.js';
import type { Principal } from '../credentials/principal.js';
import type { EvaluationResult } from '../policy/index.js';

export interface Check {
  action: string;
  resource: string;
  /** Service-specific condition keys (s3:prefix, dynamodb:LeadingKeys, …). */
  context?: ContextMap;
}

export interface Decision {
  allowed: boolean;
  /** The check that was refused (the first), with its evaluation. */
  denied?: { check: Check; result: EvaluationResult };
  /** The evaluation of the last check (the allowing one when every check passed). */
  last?: { check: Check; result: EvaluationResult };
}

/** Global condition keys of a gateway request (IAM user guide, "AWS global condition context keys"). */
export function globalContext(req: IncomingMessage, now: Date, region: string): ContextMap {
  return {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SourceIp': req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
    'aws:SecureTransport': 'encrypted' in req.socket && (req.socket as { encrypted?: boolean }).encrypted ? 'true' : 'false',
    'aws:RequestedRegion': region,
  };
}

export async function authorizeAll(authorizer: Authorizer, principal: Principal, checks: readonly Check[], base: ContextMap): Promise<Decision> {
  let last: Decision['last'];
  for (const check of checks) {
    const result = await authorizer.authorize({ principal, action: check.action, resource: check.resource, context: { ...base, ...check.context } });
    last = { check, result };
    if (result.decision !== 'Allow') return { allowed: false, denied: { check, result }, last };
  }
  return { allowed: true, ...(last ? { last } : {}) };
}

/** AWS's wording: "User: <arn> is not authorized to perform: <action> on resource: <arn> because …". */
export function deniedMessage(principal: Principal, check: Check, result: EvaluationResult, quoteResource = false): string {
  const why =
    result.decision === 'ExplicitDeny'
      ? `with an explicit deny in ${result.reason.actual && (result.reason.actual as { source?: string }).source === 'session' ? 'a session policy' : 'an identity-based policy'}`
      : `because no identity-based policy allows the ${check.action} action`;
  const resource = quoteResource ? `"${check.resource}"` : check.resource;
  return `User: ${principal.arn} is not authorized to perform: ${check.action} on resource: ${resource} ${why}`;
}

/** The log fields naming what decided: the policy and statement (Sid when it has one). */
export function decisionFields(decision: Decision): Record<string, unknown> {
  const d = decision.denied ?? decision.last;
  if (!d) return { decision: 'Allow' };
  const { result, check } = d;
  const actual = result.reason.actual as { policy?: string; sid?: string; index?: number; source?: string } | undefined;
  const fields: Record<string, unknown> = { decision: result.decision, action: check.action, resource: check.resource, reason: result.reason };
  if (result.decision === 'Allow') {
    const allow = result.matched.find((m) => m.effect === 'Allow');
    if (allow) {
      fields.policy = `${allow.source}:${allow.policy ?? ''}`;
      fields.statement = allow.sid ?? `#${allow.index}`;
    }
  } else if (actual?.policy !== undefined) {
    fields.policy = `${actual.source ?? ''}:${actual.policy}`;
    fields.statement = actual.sid ?? `#${actual.index}`;
  }
  return fields;
}
