/**
 * Property: any request the SDK signer produces verifies, and flipping any single body byte is
 * refused. Random methods, paths (unicode, dot segments), queries (unicode, repeated keys, empty
 * values), headers (runs of whitespace), bodies, header or presigned auth, with or without a
 * session token. The seed is printed by fast-check on failure.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { verifySigV4 } from '../../../src/sigv4/index.js';
import { escapeUri, LONG_TERM, options, presign, refusal, SESSION, sign, type OracleRequest, type Query } from './oracle.js';

const RUNS = 200;

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map(escapeUri) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', '', '~a', 'a-b_c.d') },
);
const path = fc.array(segment, { maxLength: 4 }).chain((segs) => fc.boolean().map((slash) => '/' + segs.join('/') + (slash && segs.length > 0 ? '/' : '')));

const queryKey = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
  // X-Amz-* names are the signature's own; smithy drops any-case x-amz-signature from its canonical query.
  .filter((k) => !k.toLowerCase().startsWith('x-amz-'));
const queryValue = fc.string({ unit: 'grapheme', maxLength: 8 });
const query: fc.Arbitrary<Query> = fc.dictionary(queryKey, fc.oneof(queryValue, fc.array(queryValue, { minLength: 1, maxLength: 3 })), { maxKeys: 4 });

const headerName = fc.stringMatching(/^my-[a-z0-9-]{1,10}$/);
const headerValue = fc.stringMatching(/^[!-~]([ \t]{0,3}[!-~]){0,5}$/);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 3 });

const request: fc.Arbitrary<OracleRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path,
  query,
  headers,
  body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
});

const scenario = fc.record({
  req: request,
  presigned: fc.boolean(),
  session: fc.boolean(),
  service: fc.constantFrom('iam', 'sts', 'cognito-identity', 'cognito-idp'),
  region: fc.constantFrom('us-east-1', 'eu-central-1', 'ap-southeast-2', 'local'),
  date: fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
  skew: fc.integer({ min: -900, max: 900 }),
  flipAt: fc.nat(),
  flipMask: fc.integer({ min: 1, max: 255 }),
});

test(`verifies ${RUNS} random SDK-signed requests and refuses each with one body byte changed`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const creds = s.session ? SESSION : LONG_TERM;
      const signOpts = { creds, date: s.date, service: s.service, region: s.region };
      const req = s.presigned ? await presign(s.req, { ...signOpts, expiresIn: 3600 }) : await sign(s.req, signOpts);
      // Presigned URLs live for X-Amz-Expires; only the future side of the window applies.
      const now = new Date(s.date.getTime() + (s.presigned ? Math.abs(s.skew) : s.skew) * 1000);
      const verified = await verifySigV4(req, options(now));
      if (verified.service !== s.service || verified.region !== s.region || verified.presigned !== s.presigned) return false;

      const body = Buffer.from(req.body);
      const mutated = body.length === 0 ? Buffer.of(s.flipMask) : body;
      if (body.length > 0) mutated[s.flipAt % body.length] ^= s.flipMask;
      await refusal(verifySigV4({ ...req, body: mutated }, options(now)), 'SignatureDoesNotMatch');
      return true;
    }),
    { numRuns: RUNS },
  );
});
