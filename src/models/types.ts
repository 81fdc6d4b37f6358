/**
 * The shape of a generated service model (see scripts/gen-models.mjs). It is a trimmed copy of the
 * botocore `service-2.json` model: only what the wire layer needs to parse, validate and render —
 * no documentation prose, no exception shapes, no HTTP bindings (every operation here is `POST /`).
 */

export type Protocol = 'query' | 'json';

export interface ModelMetadata {
  /** Model file this was generated from, e.g. `iam/2010-05-08`. */
  uid: string;
  protocol: Protocol;
  apiVersion: string;
  endpointPrefix: string;
  /** SigV4 service name; botocore defaults it to `endpointPrefix` when the model omits it. */
  signingName: string;
  serviceId: string;
  /** awsJson only: `X-Amz-Target` prefix, e.g. `AWSCognitoIdentityService`. */
  targetPrefix?: string;
  jsonVersion?: string;
  /** awsQuery only: the XML namespace of every response and error body. */
  xmlNamespace?: string;
}

export interface OperationModel {
  input?: string;
  output?: string;
  /** awsQuery: element wrapping the output members, e.g. `AssumeRoleResult`. */
  resultWrapper?: string;
  /** Error codes as they appear on the wire (`error.code` when the model sets it, else the shape name). */
  errors: string[];
  /** `none` when the model marks the operation unsigned (authtype none / auth [] / smithy noAuth). */
  authtype: 'sigv4' | 'none';
}

export interface MemberRef {
  shape: string;
  locationName?: string;
  flattened?: boolean;
  timestampFormat?: string;
}

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob';

export interface ShapeModel {
  type: ShapeType;
  members?: Record<string, MemberRef>;
  required?: string[];
  min?: number;
  max?: number;
  /** A Java regular expression, verbatim from the model (see src/wire/pattern.ts for the translation). */
  pattern?: string;
  enum?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  flattened?: boolean;
  locationName?: string;
  timestampFormat?: string;
  /** Values of sensitive shapes are never echoed in validation messages. */
  sensitive?: boolean;
  /** Smithy document type: free-form JSON, passed through untouched. */
  document?: boolean;
}

export interface ServiceModel {
  metadata: ModelMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, ShapeModel>;
}
