/**
 * Input validation against the model constraints (required, length, pattern, enum, range), with
 * the messages AWS's request validation produces:
 *
 *   1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: Member must
 *   satisfy regular expression pattern: [\w+=,.@-]+
 *
 * (format captured from Cognito Identity in aws-surface.md §2.1; multiple violations are
 * `N validation errors detected: a; b`). Paths are member names with the first letter lower-cased,
 * nested with `.`; structures inside lists are `tags.1.member.key` (1-based). Constraints on the
 * members of a list of scalars, and on map keys/values, are reported once at the collection's path
 * in AWS's aggregate form: `Member must satisfy constraint: [...]`, `Map keys must satisfy
 * constraint: [...]`, `Map value must satisfy constraint: [...]`. Values of `sensitive` shapes are
 * never echoed (`Value at 'password' …`). Echoed values are cut to 100 characters.
 *
 * Runs on decoded input (query or JSON decoders have already checked types). Regexes are compiled
 * once per pattern (pattern.ts), so a request costs one walk over the values it actually carries.
 * Divergence from AWS, for ReDoS safety: a value longer than its max length is reported for the
 * length only, not also for the pattern.
 */
import type { ServiceModel, ShapeModel } from '../models/types.js';
import { ServiceError, type ErrorCode } from '../errors/index.js';
import { matchesPattern } from './pattern.js';
import { getOperation, getShape, messageName } from './model.js';
import type { ServiceName } from './operation.js';

export interface Violation {
  /** AWS message path, e.g. `roleSessionName`, `tags.1.member.key`. */
  path: string;
  /** The offending value as received (undefined for a missing required member). */
  value: unknown;
  /** AWS constraint text, e.g. `Member must have length less than or equal to 64`. */
  constraint: string;
  /** True when the value must not be echoed (a `sensitive` shape). */
  sensitive: boolean;
}

/** Longest echoed value, in characters. */
export const MAX_ECHOED_VALUE = 100;

export function validateInput(model: ServiceModel, operationName: string, input: unknown): Violation[] {
  const op = getOperation(model, operationName);
  const out: Violation[] = [];
  if (op.input) checkStructure(model, getShape(model, op.input), input ?? {}, '', out);
  return out;
}

/**
 * The validation error code per protocol family: awsQuery services answer `ValidationError`,
 * Cognito Identity `ValidationException`, Cognito user pools put the same text under
 * `InvalidParameterException` (aws-surface.md §2.1, §2.2).
 */
export function validationErrorCode(service: ServiceName): ErrorCode {
  switch (service) {
    case 'iam':
    case 'sts':
      return 'ValidationError';
    case 'cognito-identity':
      return 'ValidationException';
    case 'cognito-idp':
      return 'InvalidParameterException';
  }
}

export function formatViolations(violations: readonly Violation[]): string {
  const n = violations.length;
  const head = n === 1 ? '1 validation error detected: ' : `${n} validation errors detected: `;
  return head + violations.map(formatViolation).join('; ');
}

export function formatViolation(v: Violation): string {
  let value: string;
  if (v.value === undefined || v.value === null) value = 'Value null';
  else if (v.sensitive) value = 'Value';
  else value = `Value '${renderValue(v.value, MAX_ECHOED_VALUE)}'`;
  return `${value} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

export function assertValid(model: ServiceModel, operationName: string, input: unknown, service: ServiceName): void {
  const violations = validateInput(model, operationName, input);
  if (violations.length === 0) return;
  throw new ServiceError(validationErrorCode(service), formatViolations(violations), {
    reason: {
      check: 'input.validation',
      // Paths and constraints only: sensitive values must not reach the logs either.
      actual: violations.map((v) => ({ path: v.path, constraint: v.constraint })),
    },
  });
}

// ---- the walk ------------------------------------------------------------------------------------

function join(path: string, memberName: string): string {
  const name = messageName(memberName);
  return path === '' ? name : `${path}.${name}`;
}

function checkStructure(model: ServiceModel, shape: ShapeModel, value: unknown, path: string, out: Violation[]): void {
  if (shape.document || typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  const required = shape.required ?? [];
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const memberPath = join(path, name);
    const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    if (v === undefined || v === null) {
      if (required.includes(name)) {
        out.push({ path: memberPath, value: undefined, constraint: 'Member must not be null', sensitive: false });
      }
      continue;
    }
    checkValue(model, getShape(model, ref.shape), v, memberPath, out);
  }
}

function checkValue(model: ServiceModel, shape: ShapeModel, value: unknown, path: string, out: Violation[]): void {
  switch (shape.type) {
    case 'structure':
      checkStructure(model, shape, value, path, out);
      return;
    case 'list':
      checkList(model, shape, value, path, out);
      return;
    case 'map':
      checkMap(model, shape, value, path, out);
      return;
    default:
      for (const constraint of scalarConstraints(shape, value)) {
        out.push({ path, value, constraint, sensitive: shape.sensitive === true });
      }
  }
}

function checkList(model: ServiceModel, shape: ShapeModel, value: unknown, path: string, out: Violation[]): void {
  if (!Array.isArray(value)) return;
  const sensitive = shape.sensitive === true;
  for (const constraint of lengthConstraints(shape, value.length)) out.push({ path, value, constraint, sensitive });
  const memberShape = getShape(model, shape.member!.shape);
  if (isScalar(memberShape)) {
    const failed = new Set<string>();
    for (const item of value) if (item !== null && item !== undefined) for (const c of scalarConstraints(memberShape, item)) failed.add(c);
    if (failed.size > 0) {
      out.push({
        path,
        value,
        constraint: `Member must satisfy constraint: [${[...failed].join(', ')}]`,
        sensitive: sensitive || memberShape.sensitive === true,
      });
    }
    return;
  }
  value.forEach((item, i) => {
    if (item !== null && item !== undefined) checkValue(model, memberShape, item, `${path}.${i + 1}.member`, out);
  });
}

function checkMap(model: ServiceModel, shape: ShapeModel, value: unknown, path: string, out: Violation[]): void {
  if (typeof value !== 'object' || value === null) return;
  const entries = Object.entries(value as Record<string, unknown>);
  const sensitive = shape.sensitive === true;
  for (const constraint of lengthConstraints(shape, entries.length)) out.push({ path, value, constraint, sensitive });
  const keyShape = getShape(model, shape.key!.shape);
  const valueShape = getShape(model, shape.value!.shape);
  const keyFailures = new Set<string>();
  const valueFailures = new Set<string>();
  const scalarValues = isScalar(valueShape);
  for (const [k, v] of entries) {
    for (const c of scalarConstraints(keyShape, k)) keyFailures.add(c);
    if (v === null || v === undefined) continue;
    if (scalarValues) for (const c of scalarConstraints(valueShape, v)) valueFailures.add(c);
    else checkValue(model, valueShape, v, `${path}.${k}`, out);
  }
  const hidden = sensitive || keyShape.sensitive === true || valueShape.sensitive === true;
  if (keyFailures.size > 0) {
    out.push({ path, value, constraint: `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`, sensitive: hidden });
  }
  if (valueFailures.size > 0) {
    out.push({ path, value, constraint: `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`, sensitive: hidden });
  }
}

function isScalar(shape: ShapeModel): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

/** Constraint texts a scalar value violates, in a fixed order: length, pattern, enum, range. */
function scalarConstraints(shape: ShapeModel, value: unknown): string[] {
  const failed: string[] = [];
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return failed;
      const length = codePointLength(value);
      if (shape.min !== undefined || shape.max !== undefined) failed.push(...lengthConstraints(shape, length));
      // An overlong value is not matched against the pattern: the length violation already refuses
      // it, and skipping bounds regex work by the model's max (ReDoS; see pattern.ts).
      if (shape.pattern !== undefined && !(shape.max !== undefined && length > shape.max) && !matchesPattern(shape.pattern, value)) {
        failed.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum && !shape.enum.includes(value)) {
        failed.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      return failed;
    }
    case 'blob':
      if (value instanceof Uint8Array) failed.push(...lengthConstraints(shape, value.byteLength));
      return failed;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number') return failed;
      if (shape.max !== undefined && value > shape.max) failed.push(`Member must have value less than or equal to ${shape.max}`);
      if (shape.min !== undefined && value < shape.min) failed.push(`Member must have value greater than or equal to ${shape.min}`);
      return failed;
    default:
      return failed;
  }
}

function lengthConstraints(shape: ShapeModel, length: number): string[] {
  const failed: string[] = [];
  if (shape.max !== undefined && length > shape.max) failed.push(`Member must have length less than or equal to ${shape.max}`);
  if (shape.min !== undefined && length < shape.min) failed.push(`Member must have length greater than or equal to ${shape.min}`);
  return failed;
}

/**
 * Smithy `@length` counts Unicode scalar values for strings, not UTF-16 units, so an emoji is 1.
 * Counted without materialising an array: input strings can be large.
 */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// ---- echoing values --------------------------------------------------------------------------------

/**
 * Java-`toString`-like rendering (`[a, b]`, `{k=v}`), stopped once `budget` characters are produced
 * so a huge list costs no more than a short one; an overlong result ends with `...`.
 */
export function renderValue(value: unknown, budget: number): string {
  const parts: string[] = [];
  let used = 0;
  const push = (s: string): boolean => {
    parts.push(s);
    used += s.length;
    return used <= budget;
  };
  const walk = (v: unknown): boolean => {
    if (v === null || v === undefined) return push('null');
    if (typeof v === 'string') return push(v.length > budget + 1 ? v.slice(0, budget + 1) : v);
    if (v instanceof Date) return push(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString());
    if (v instanceof Uint8Array) return push(`<${v.byteLength} bytes>`);
    if (Array.isArray(v)) {
      if (!push('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !push(', ')) || !walk(v[i])) return false;
      return push(']');
    }
    if (typeof v === 'object') {
      if (!push('{')) return false;
      let first = true;
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if ((!first && !push(', ')) || !push(`${k}=`) || !walk(item)) return false;
        first = false;
      }
      return push('}');
    }
    return push(String(v));
  };
  walk(value);
  const text = parts.join('');
  if (text.length <= budget) return text;
  // Do not cut a surrogate pair in half.
  let cut = budget;
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${text.slice(0, cut)}...`;
}
