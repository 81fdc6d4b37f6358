/**
 * The wire layer: everything between HTTP bytes and an operation's typed input/output, for the two
 * AWS protocol families Tessera speaks — awsQuery (IAM, STS: form-encoded in, XML out) and
 * awsJson1_1 (Cognito Identity, Cognito user pools: JSON in and out). It owns the generated models'
 * interpretation (src/models/ is data), input validation with AWS's exact messages, and error
 * rendering per protocol. It never imports services/: the pipeline (src/http/) calls parse →
 * decode → validate here, the handler, then render here. `operation.ts` is the one operation shape.
 */
export * from './operation.js';
export { getModel, findOperation, getOperation, getShape, messageName, wireName } from './model.js';
export { compilePattern, matchesPattern, translateJavaPattern, LINEAR_PATTERNS } from './pattern.js';
export {
  validateInput,
  assertValid,
  formatViolations,
  formatViolation,
  validationErrorCode,
  renderValue,
  MAX_ECHOED_VALUE,
  type Violation,
} from './validate.js';
export { parseQueryBody, decodeQueryInput, renderQueryResponse, renderQueryError } from './query.js';
export {
  parseJsonBody,
  decodeJsonInput,
  renderJsonResponse,
  renderJsonError,
  headerSafe,
  MAX_JSON_DEPTH,
  MAX_ERROR_HEADER,
  JSON_CONTENT_TYPE,
} from './json.js';
export { escapeXml, xmlElement } from './xml.js';
export { toDate, isoTimestamp } from './timestamps.js';
export type * from '../models/types.js';
