/**
 * Parsing and validating policy documents (IAM user guide, "IAM JSON policy element reference"
 * and "Grammar of the IAM JSON policy language"). The result is compiled once — action
 * wildcards to atoms, resources and condition values to templates, operators to their table
 * entries — so evaluation never touches JSON again.
 *
 * Error messages are the MalformedPolicyDocument texts IAM returns where they are known
 * ("Syntax errors in policy.", "The policy failed legacy parsing", "Policy document should not
 * specify a principal.", "Has prohibited field Resource", "Missing required field Principal",
 * "Policy statement must contain actions.", "Invalid Condition type : X", …); the precise
 * cause always rides in `reason.detail`.
 */
import { parseOperator, NULL_OPERATOR } from './conditions/index.js';
import { globAtoms } from './glob.js';
import { normalizeAwsPrincipal } from './principal.js';
import { isJsonObject, JsonNumber, JsonSyntaxError, parseStrictJson, type JsonValue } from './strict-json.js';
import {
  PolicyDocumentError,
  type Condition,
  type Effect,
  type Policy,
  type PolicyKind,
  type PolicyVersion,
  type PrincipalEntry,
  type PrincipalType,
  type Statement,
} from './types.js';
import { compileTemplate } from './variables.js';

export interface ParseOptions {
  kind?: PolicyKind;
  /** A label (policy name or ARN) carried into evaluation explanations. */
  name?: string;
  /** Hard cap on the document length; policyDocumentType allows 131,072 characters. */
  maxLength?: number;
}

const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';
const VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set<string>(['AWS', 'Federated', 'Service', 'CanonicalUser']);
const VERSIONS = new Set<string>(['2008-10-17', '2012-10-17']);
const ACTION = /^[^:\s]+:[^:\s]+$/;

function bad(message: string, detail?: string): never {
  throw new PolicyDocumentError(message, detail);
}

/** A string or a non-empty array of strings; anything else is a syntax error. */
function stringList(value: JsonValue, field: string, statement: number): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) bad(SYNTAX, `statement ${statement}: ${field} is an empty list`);
  return list.map((v) => {
    if (typeof v !== 'string') bad(SYNTAX, `statement ${statement}: ${field} values must be strings`);
    return v;
  });
}

function conditionValues(value: JsonValue, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) bad(SYNTAX, `${where}: empty value list`);
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || v instanceof JsonNumber) return String(v);
    return bad(SYNTAX, `${where}: condition values must be strings, numbers or booleans`);
  });
}

function parsePrincipal(value: JsonValue, statement: number): PrincipalEntry[] {
  if (value === '*') return [{ type: '*', value: '*' }];
  const invalid = (): never => bad(`Invalid principal in policy: ${JSON.stringify(value)}`, `statement ${statement}: bad principal`);
  if (!isJsonObject(value)) return invalid();
  const entries: PrincipalEntry[] = [];
  for (const [type, raw] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) invalid();
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) invalid();
    for (const v of list) {
      // Wildcards are allowed only as the whole value ("AWS": "*"), never inside an ARN.
      if (typeof v !== 'string' || v === '' || (v !== '*' && /[*?]/.test(v))) invalid();
      const text = v as string;
      entries.push({ type: type as PrincipalType, value: type === 'AWS' ? normalizeAwsPrincipal(text) : text });
    }
  }
  if (entries.length === 0) invalid();
  return entries;
}

function parseConditions(value: JsonValue, statement: number, variables: boolean): Condition[] {
  if (!isJsonObject(value)) return bad(SYNTAX, `statement ${statement}: Condition must be an object`);
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const parsed = parseOperator(operator);
    if (!parsed) bad(`Invalid Condition type : ${operator}`);
    if (!isJsonObject(block)) bad(SYNTAX, `statement ${statement}: ${operator} must map condition keys to values`);
    for (const [key, raw] of Object.entries(block)) {
      if (!/^[^:\s]+:\S/.test(key)) bad(VENDOR, `statement ${statement}: condition key "${key}" has no vendor prefix`);
      const where = `statement ${statement}: ${operator} ${key}`;
      const substitute = variables && parsed.base !== NULL_OPERATOR;
      const values = conditionValues(raw, where).map((v) => compileTemplate(v, substitute));
      out.push({ operator, base: parsed.base, ...(parsed.set ? { set: parsed.set } : {}), ifExists: parsed.ifExists, key, values });
    }
  }
  return out;
}

function parseStatement(raw: JsonValue, index: number, kind: PolicyKind, version: PolicyVersion | undefined): Statement {
  if (!isJsonObject(raw)) return bad(SYNTAX, `statement ${index} is not an object`);
  for (const key of Object.keys(raw)) if (!STATEMENT_FIELDS.has(key)) bad(`Unknown field ${key}`);
  const has = (k: string): boolean => raw[k] !== undefined;
  const variables = version === '2012-10-17';

  let sid: string | undefined;
  if (has('Sid')) {
    if (typeof raw.Sid !== 'string') bad(SYNTAX, `statement ${index}: Sid must be a string`);
    sid = raw.Sid as string;
    if ((kind === 'identity' || kind === 'session') && !/^[0-9A-Za-z]*$/.test(sid)) {
      bad('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
    }
  }

  if (!has('Effect')) bad('Missing required field Effect');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') bad(LEGACY, `statement ${index}: Effect must be "Allow" or "Deny", got ${JSON.stringify(raw.Effect)}`);
  const effect = raw.Effect as Effect;

  // Principal: required in trust/resource policies, forbidden in identity and session policies.
  if (has('Principal') && has('NotPrincipal')) bad(SYNTAX, `statement ${index}: both Principal and NotPrincipal`);
  let principal: Statement['principal'];
  if (kind === 'identity' || kind === 'session') {
    if (has('Principal') || has('NotPrincipal')) bad('Policy document should not specify a principal.');
  } else {
    if (!has('Principal') && !has('NotPrincipal')) bad('Missing required field Principal');
    const negated = !has('Principal');
    principal = { negated, entries: parsePrincipal((negated ? raw.NotPrincipal : raw.Principal) as JsonValue, index) };
  }

  if (has('Action') && has('NotAction')) bad(SYNTAX, `statement ${index}: both Action and NotAction`);
  if (!has('Action') && !has('NotAction')) bad('Policy statement must contain actions.');
  const actionNegated = !has('Action');
  const actionSource = stringList((actionNegated ? raw.NotAction : raw.Action) as JsonValue, actionNegated ? 'NotAction' : 'Action', index);
  for (const a of actionSource) if (a !== '*' && !ACTION.test(a)) bad(VENDOR, `statement ${index}: action "${a}"`);
  const action = { negated: actionNegated, source: actionSource, patterns: actionSource.map((a) => globAtoms(a.toLowerCase())) };

  if (has('Resource') && has('NotResource')) bad(SYNTAX, `statement ${index}: both Resource and NotResource`);
  let resource: Statement['resource'];
  if (kind === 'trust') {
    if (has('Resource')) bad('Has prohibited field Resource');
    if (has('NotResource')) bad('Has prohibited field NotResource');
  } else {
    if (!has('Resource') && !has('NotResource')) bad('Policy statement must contain resources.');
    const negated = !has('Resource');
    const values = stringList((negated ? raw.NotResource : raw.Resource) as JsonValue, negated ? 'NotResource' : 'Resource', index);
    for (const v of values) if (v !== '*' && !v.startsWith('arn:')) bad(`Resource ${v} must be in ARN format or "*".`);
    resource = { negated, patterns: values.map((v) => compileTemplate(v, variables)) };
  }

  const conditions = has('Condition') ? parseConditions(raw.Condition as JsonValue, index, variables) : [];
  return {
    index,
    ...(sid !== undefined ? { sid } : {}),
    effect,
    action,
    ...(resource ? { resource } : {}),
    ...(principal ? { principal } : {}),
    conditions,
  };
}

/**
 * Parses and validates a policy document of the given kind (default `identity`), throwing
 * PolicyDocumentError when IAM would answer MalformedPolicyDocument.
 */
export function parsePolicy(text: string, options: ParseOptions = {}): Policy {
  const kind = options.kind ?? 'identity';
  const maxLength = options.maxLength ?? 131072;
  if (typeof text !== 'string' || text.length === 0) bad(SYNTAX, 'empty document');
  if (text.length > maxLength) bad(SYNTAX, `document is ${text.length} characters, more than ${maxLength}`);

  let doc: JsonValue;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) bad(SYNTAX, `not valid JSON: ${e.message}`);
    throw e;
  }
  if (!isJsonObject(doc)) bad(SYNTAX, 'the document is not a JSON object');
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) bad(`Unknown field ${key}`);

  let version: PolicyVersion | undefined;
  if (doc.Version !== undefined) {
    if (typeof doc.Version !== 'string' || !VERSIONS.has(doc.Version)) bad(LEGACY, `unsupported Version ${JSON.stringify(doc.Version)}`);
    version = doc.Version as PolicyVersion;
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') bad(SYNTAX, 'Id must be a string');
  if (doc.Statement === undefined) bad('Missing required field Statement');
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (rawStatements.length === 0) bad(SYNTAX, 'the Statement list is empty');

  const statements = rawStatements.map((s, i) => parseStatement(s, i, kind, version));
  if (kind === 'identity' || kind === 'session') {
    const seen = new Set<string>();
    for (const s of statements) {
      if (!s.sid) continue;
      if (seen.has(s.sid)) bad('Statement IDs (SID) in a single policy must be unique.', `duplicate Sid ${s.sid}`);
      seen.add(s.sid);
    }
  }
  const policy: Policy = {
    kind,
    ...(version ? { version } : {}),
    ...(typeof doc.Id === 'string' ? { id: doc.Id } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    statements,
  };
  return Object.freeze(policy);
}

