/**
 * IAM returns policy documents URL-encoded (RFC 3986 §2.1 percent-encoding) in
 * `AssumeRolePolicyDocument`, `PolicyDocument` and `PolicyVersion.Document`; boto3 unquotes and
 * json-decodes every policyDocumentType member (botocore handlers.py `json_decode_policies`) and
 * the other SDKs leave the decoding to the caller. `encodeURIComponent` leaves the RFC 3986
 * sub-delimiters `!'()*` alone, so they are encoded here too, leaving only the unreserved set
 * (ALPHA / DIGIT / `-._~`) literal.
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
