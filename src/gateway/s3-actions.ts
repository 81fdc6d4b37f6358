/**
 * How AWS derives the IAM action, resource and condition keys of an S3 REST request (Service
 * Authorization Reference, "Actions defined by Amazon S3" and "API operations defined by Amazon
 * S3"), for path-style requests: `/` is the service, `/<bucket>` a bucket, `/<bucket>/<key>` an
 * object. Pure: the gateway calls it with the request line and headers.
 */
import { percentDecode } from '../sigv4/index.js';
import type { ContextMap } from '../authz/index.js';
import type { Check } from './authorize.js';

export interface S3Target {
  bucket?: string;
  key?: string;
}

export interface S3Operation {
  /** The S3 API name, for logs (GetObject, ListObjectsV2, …). */
  name: string;
  checks: Check[];
  /** ListBucket is what turns a missing key's 404 into a visible one (else 403, as on AWS). */
  missingKeyNeedsListBucket?: boolean;
  /** DeleteObjects: the keys are in the body and authorised one by one. */
  deleteObjects?: boolean;
}

/** Bucket sub-resources (GET/PUT/DELETE) → the action's noun, e.g. `tagging` → `BucketTagging`. */
const BUCKET_SUBRESOURCES: Record<string, string> = {
  acl: 'BucketAcl',
  policy: 'BucketPolicy',
  tagging: 'BucketTagging',
  cors: 'BucketCORS',
  versioning: 'BucketVersioning',
  website: 'BucketWebsite',
  logging: 'BucketLogging',
  notification: 'BucketNotification',
  lifecycle: 'LifecycleConfiguration',
  encryption: 'EncryptionConfiguration',
  replication: 'ReplicationConfiguration',
  'object-lock': 'BucketObjectLockConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  publicAccessBlock: 'BucketPublicAccessBlock',
  requestPayment: 'BucketRequestPayment',
  accelerate: 'AccelerateConfiguration',
};

export function parseS3Path(rawPath: string): S3Target {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (path === '') return {};
  const slash = path.indexOf('/');
  const bucket = percentDecode(slash < 0 ? path : path.slice(0, slash), false).toString('utf8');
  if (slash < 0 || slash === path.length - 1) return { bucket };
  return { bucket, key: percentDecode(path.slice(slash + 1), false).toString('utf8') };
}

/** Query parameters, decoded (the first value of each name). */
export function queryMap(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  if (rawQuery === '') return out;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = percentDecode(eq < 0 ? piece : piece.slice(0, eq), true).toString('utf8');
    if (!out.has(name)) out.set(name, percentDecode(eq < 0 ? '' : piece.slice(eq + 1), true).toString('utf8'));
  }
  return out;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Condition keys S3 reads from request headers (when sent). */
function headerKeys(headers: Record<string, string | string[] | undefined>): ContextMap {
  const ctx: ContextMap = {};
  for (const name of ['x-amz-acl', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-storage-class', 'x-amz-metadata-directive', 'x-amz-copy-source', 'x-amz-grant-full-control', 'x-amz-grant-read', 'x-amz-grant-write']) {
    const v = header(headers, name);
    if (v !== undefined) ctx[`s3:${name}`] = v;
  }
  const tagging = header(headers, 'x-amz-tagging');
  if (tagging !== undefined) {
    const tags = queryMap(tagging);
    for (const [k, v] of tags) ctx[`s3:RequestObjectTag/${k}`] = v;
    ctx['s3:RequestObjectTagKeys'] = [...tags.keys()];
  }
  return ctx;
}

/** `x-amz-copy-source: /bucket/key?versionId=…` (or without the leading slash), URL-encoded. */
export function copySource(value: string): { bucket: string; key: string; versionId?: string } | undefined {
  const q = value.indexOf('?');
  const path = q < 0 ? value : value.slice(0, q);
  const target = parseS3Path(path.startsWith('/') ? path : `/${path}`);
  if (!target.bucket || target.key === undefined) return undefined;
  const versionId = q < 0 ? undefined : queryMap(value.slice(q + 1)).get('versionId');
  return { bucket: target.bucket, key: target.key, ...(versionId === undefined ? {} : { versionId }) };
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/**
 * The operation of a path-style request. Returns undefined for a request the gateway does not
 * know how to authorise (it is refused rather than forwarded unchecked).
 */
export function classifyS3(method: string, target: S3Target, query: Map<string, string>, headers: Record<string, string | string[] | undefined>): S3Operation | undefined {
  const { bucket, key } = target;
  if (bucket === undefined) {
    if (method === 'GET') return { name: 'ListBuckets', checks: [{ action: 's3:ListAllMyBuckets', resource: '*' }] };
    return undefined;
  }
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const hdr = headerKeys(headers);
  const has = (name: string) => query.has(name);

  if (key === undefined) {
    const listKeys = (): ContextMap => {
      const ctx: ContextMap = {};
      for (const name of ['prefix', 'delimiter', 'max-keys']) {
        const v = query.get(name);
        if (v !== undefined) ctx[`s3:${name}`] = v;
      }
      return ctx;
    };
    if (method === 'POST' && has('delete')) return { name: 'DeleteObjects', checks: [], deleteObjects: true };
    const sub = Object.keys(BUCKET_SUBRESOURCES).find((s) => has(s));
    if (method === 'GET' || method === 'HEAD') {
      if (method === 'HEAD') return { name: 'HeadBucket', checks: [{ action: 's3:ListBucket', resource: bucketArn }] };
      if (has('versions')) return { name: 'ListObjectVersions', checks: [{ action: 's3:ListBucketVersions', resource: bucketArn, context: listKeys() }] };
      if (has('uploads')) return { name: 'ListMultipartUploads', checks: [{ action: 's3:ListBucketMultipartUploads', resource: bucketArn }] };
      if (has('location')) return { name: 'GetBucketLocation', checks: [{ action: 's3:GetBucketLocation', resource: bucketArn }] };
      if (sub) return { name: `Get${BUCKET_SUBRESOURCES[sub]}`, checks: [{ action: `s3:Get${BUCKET_SUBRESOURCES[sub]}`, resource: bucketArn }] };
      if ([...query.keys()].every((k) => ['list-type', 'prefix', 'delimiter', 'max-keys', 'marker', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner', 'x-id'].includes(k))) {
        return { name: query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', checks: [{ action: 's3:ListBucket', resource: bucketArn, context: listKeys() }] };
      }
      return undefined;
    }
    if (method === 'PUT') {
      if (sub) return { name: `Put${BUCKET_SUBRESOURCES[sub]}`, checks: [{ action: `s3:Put${BUCKET_SUBRESOURCES[sub]}`, resource: bucketArn }] };
      if (query.size === 0 || (query.size === 1 && has('x-id'))) return { name: 'CreateBucket', checks: [{ action: 's3:CreateBucket', resource: bucketArn, context: hdr }] };
      return undefined;
    }
    if (method === 'DELETE') {
      if (sub) {
        const noun = BUCKET_SUBRESOURCES[sub]!;
        // AWS names these "Delete…" where a delete exists and "Put…" where deleting is putting an empty one.
        const action = ['BucketPolicy', 'BucketWebsite', 'BucketOwnershipControls', 'BucketPublicAccessBlock'].includes(noun) ? `s3:Delete${noun}` : `s3:Put${noun}`;
        return { name: `Delete${noun}`, checks: [{ action, resource: bucketArn }] };
      }
      if (query.size === 0 || (query.size === 1 && has('x-id'))) return { name: 'DeleteBucket', checks: [{ action: 's3:DeleteBucket', resource: bucketArn }] };
      return undefined;
    }
    return undefined;
  }

  const arn = objectArn(bucket, key);
  const versionId = query.get('versionId');
  const versioned = (base: string) => (versionId !== undefined ? `${base}Version` : base);
  const versionKeys: ContextMap = versionId !== undefined ? { 's3:versionid': versionId } : {};
  const withHeaders = (ctx: ContextMap = {}): ContextMap => ({ ...hdr, ...ctx });

  if (method === 'GET' || method === 'HEAD') {
    if (has('uploadId')) return { name: 'ListParts', checks: [{ action: 's3:ListMultipartUploadParts', resource: arn }] };
    if (has('acl')) return { name: 'GetObjectAcl', checks: [{ action: versioned('s3:GetObjectAcl'), resource: arn, context: versionKeys }] };
    if (has('tagging')) return { name: 'GetObjectTagging', checks: [{ action: versioned('s3:GetObjectTagging'), resource: arn, context: versionKeys }] };
    if (has('attributes')) {
      return { name: 'GetObjectAttributes', checks: [{ action: versioned('s3:GetObject'), resource: arn, context: versionKeys }, { action: versioned('s3:GetObjectAttributes'), resource: arn, context: versionKeys }] };
    }
    const known = ['versionId', 'partNumber', 'x-id', 'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];
    if (![...query.keys()].every((k) => known.includes(k))) return undefined;
    return { name: method === 'HEAD' ? 'HeadObject' : 'GetObject', checks: [{ action: versioned('s3:GetObject'), resource: arn, context: versionKeys }], missingKeyNeedsListBucket: true };
  }
  if (method === 'PUT') {
    if (has('tagging')) return { name: 'PutObjectTagging', checks: [{ action: versioned('s3:PutObjectTagging'), resource: arn, context: versionKeys }] };
    if (has('acl')) return { name: 'PutObjectAcl', checks: [{ action: versioned('s3:PutObjectAcl'), resource: arn, context: withHeaders(versionKeys) }] };
    const part = has('uploadId') && has('partNumber');
    if (!part && ![...query.keys()].every((k) => k === 'x-id')) return undefined;
    const source = header(headers, 'x-amz-copy-source');
    const put: Check = { action: 's3:PutObject', resource: arn, context: withHeaders() };
    if (source !== undefined) {
      const src = copySource(source);
      if (!src) return undefined;
      const get: Check = { action: src.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject', resource: objectArn(src.bucket, src.key) };
      const checks = [get, put];
      // The tagging and ACL of the copy are authorised too when the request sets them.
      if (header(headers, 'x-amz-tagging') !== undefined) checks.push({ action: 's3:PutObjectTagging', resource: arn });
      if (header(headers, 'x-amz-acl') !== undefined) checks.push({ action: 's3:PutObjectAcl', resource: arn, context: withHeaders() });
      return { name: part ? 'UploadPartCopy' : 'CopyObject', checks };
    }
    const checks = [put];
    if (!part && header(headers, 'x-amz-tagging') !== undefined) checks.push({ action: 's3:PutObjectTagging', resource: arn, context: withHeaders() });
    return { name: part ? 'UploadPart' : 'PutObject', checks };
  }
  if (method === 'POST') {
    if (has('uploads')) return { name: 'CreateMultipartUpload', checks: [{ action: 's3:PutObject', resource: arn, context: withHeaders() }] };
    if (has('uploadId')) return { name: 'CompleteMultipartUpload', checks: [{ action: 's3:PutObject', resource: arn }] };
    return undefined;
  }
  if (method === 'DELETE') {
    if (has('uploadId')) return { name: 'AbortMultipartUpload', checks: [{ action: 's3:AbortMultipartUpload', resource: arn }] };
    if (has('tagging')) return { name: 'DeleteObjectTagging', checks: [{ action: versioned('s3:DeleteObjectTagging'), resource: arn, context: versionKeys }] };
    if (![...query.keys()].every((k) => k === 'x-id' || k === 'versionId')) return undefined;
    return { name: 'DeleteObject', checks: [{ action: versioned('s3:DeleteObject'), resource: arn, context: versionKeys }] };
  }
  return undefined;
}
