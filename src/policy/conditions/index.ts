/**
 * Condition operators of IAM policies: the operator table with qualifiers (operators.ts), one
 * module per operator family (string, numeric, date, bool/binary, ip; ARN matching lives with
 * the wildcard matcher in ../glob.ts), and the evaluation of one condition against the request
 * context (evaluate.ts). Pure: no I/O, no clock — dates come from the context (aws:CurrentTime).
 */
export { evaluateCondition, type ConditionOutcome } from './evaluate.js';
export { baseOperator, parseOperator, NULL_OPERATOR, type BaseOperator, type ParsedOperator } from './operators.js';
export { parseNumber } from './numeric.js';
export { parseDate } from './date.js';
