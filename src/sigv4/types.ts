/**
 * Shapes at the edge of the SigV4 verifier. The HTTP layer hands over the request exactly as
 * received (raw path and query, Node's header record and, ideally, rawHeaders); the credential
 * layer answers `lookup`; the verifier returns who signed and under which scope.
 */

export interface SignedRequest {
  method: string;
  /** Raw request path as received, without the query (e.g. `/`). Not decoded. */
  path: string;
  /** Raw query string without `?`, `''` if none. Not decoded. */
  query: string;
  /** Node's IncomingHttpHeaders (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Node's `rawHeaders` (name, value, name, value…). When present it is the source of truth:
   * it keeps every duplicate line, which `headers` folds with `, ` (or drops, for Host and
   * Authorization), so duplicates canonicalise exactly and ambiguous ones can be refused.
   */
  rawHeaders?: string[];
  body: Buffer;
}

export interface CredentialLookupResult<P> {
  secretAccessKey: string;
  principal: P;
  /** Credentials are refused from this instant on. */
  expiresAt?: Date;
}

export interface VerifyOptions<P> {
  now: Date;
  /**
   * Resolve an access key (+ the X-Amz-Security-Token the request carries, if any) to its secret.
   * Return undefined for an unknown key. A thrown `Refusal` (e.g. kind `ExpiredToken` or
   * `InvalidClientTokenId`) is passed through unchanged.
   */
  lookup(accessKeyId: string, sessionToken: string | undefined): Promise<CredentialLookupResult<P> | undefined>;
  /** Allowed distance between X-Amz-Date and `now`, each way. Default 900 s (AWS: 15 min). */
  maxSkewSeconds?: number;
  /** Service names accepted in the credential scope. Default: iam, sts, cognito-identity, cognito-idp. */
  services?: readonly string[];
  /** Derived-key cache; defaults to a process-wide one (1000 entries). */
  signingKeyCache?: import('./signing-key.js').SigningKeyCache;
  /**
   * The payload hash the canonical request ends with, when the caller establishes it instead of
   * `req.body` (the S3 gateway: the x-amz-content-sha256 value, `UNSIGNED-PAYLOAD` or a
   * `STREAMING-…` marker, whose body is still on the wire). `req.body` is then not hashed and the
   * caller must check the payload against it as it streams.
   */
  payloadHash?: string;
  /**
   * S3's canonical URI: the path exactly as sent, neither normalised nor encoded again (AWS
   * "Signature Version 4 for Amazon S3"; @smithy/signature-v4 `uriEscapePath: false`).
   */
  s3Path?: boolean;
}

export interface VerifiedRequest<P> {
  accessKeyId: string;
  /** Region from the credential scope: any region is accepted (custom endpoints sign with the client's region). */
  region: string;
  /** Service from the credential scope (one of `options.services`). */
  service: string;
  /** X-Amz-Date. */
  date: Date;
  signedHeaders: string[];
  sessionToken?: string;
  principal: P;
  presigned: boolean;
  /** X-Amz-Date exactly as sent, the credential scope and the signature: the seed of S3 chunk signatures. */
  amzDate: string;
  scope: string;
  signature: string;
  /** The derived signing key that verified the request (chunk signatures continue with it). */
  signingKey: Buffer;
}

export const DEFAULT_SERVICES: readonly string[] = ['iam', 'sts', 'cognito-identity', 'cognito-idp'];
