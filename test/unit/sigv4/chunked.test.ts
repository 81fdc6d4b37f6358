/**
 * The aws-chunked decoder against AWS's own worked example ("Signature Calculations for the
 * Authorization Header: Transferring Payload in Multiple Chunks", 66,560 bytes of 'a' in chunks of
 * 64 KiB, 1 KiB and 0), and against tampering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createChunkDecoder, deriveSigningKey, STREAMING_SIGNED, STREAMING_UNSIGNED_TRAILER } from '../../../src/sigv4/index.js';

const KEY = deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function awsExample(signatures = SIGS, data = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')]): Buffer {
  const parts: Buffer[] = [];
  data.forEach((d, i) => parts.push(Buffer.from(`${d.length.toString(16)};chunk-signature=${signatures[i]}\r\n`), d, Buffer.from('\r\n')));
  parts.push(Buffer.from(`0;chunk-signature=${signatures[data.length]}\r\n\r\n`));
  return Buffer.concat(parts);
}

async function decode(wire: Buffer, options: Parameters<typeof createChunkDecoder>[0], pieceSize = 7919): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < wire.length; i += pieceSize) pieces.push(wire.subarray(i, i + pieceSize));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(createChunkDecoder(options))) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

const signed = { mode: STREAMING_SIGNED, decodedLength: 66560, signingKey: KEY, amzDate: '20130524T000000Z', scope: '20130524/us-east-1/s3/aws4_request', seedSignature: SEED } as const;

test("decodes AWS's chunked-upload example, verifying every chunk signature, whatever the read boundaries", async () => {
  for (const size of [1, 13, 7919, 1 << 20]) {
    const out = await decode(awsExample(), signed, size === 1 ? 4096 : size);
    assert.equal(out.length, 66560);
    assert.ok(out.equals(Buffer.alloc(66560, 'a')));
  }
});

test('refuses a chunk whose data was changed, before passing its bytes on', async () => {
  const data = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')];
  data[1]![10] = 0x62;
  await assert.rejects(decode(awsExample(SIGS, data), signed), (e: Error & { kind?: string; reason?: { check: string } }) => e.kind === 'SignatureDoesNotMatch' && e.reason?.check === 'sigv4.chunk-signature');
});

test('refuses chunks reordered, a truncated payload and a length other than x-amz-decoded-content-length', async () => {
  const swapped = [SIGS[1]!, SIGS[0]!, SIGS[2]!];
  await assert.rejects(decode(awsExample(swapped), signed), (e: Error & { kind?: string }) => e.kind === 'SignatureDoesNotMatch');
  const wire = awsExample();
  await assert.rejects(decode(wire.subarray(0, wire.length - 30), signed), (e: Error & { kind?: string }) => e.kind === 'IncompleteSignature');
  await assert.rejects(decode(wire, { ...signed, decodedLength: 66559 }), (e: Error & { kind?: string }) => e.kind === 'IncompleteSignature');
});

test('decodes an unsigned payload with a checksum trailer', async () => {
  const wire = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
  const out = await decode(wire, { mode: STREAMING_UNSIGNED_TRAILER, decodedLength: 11 }, 3);
  assert.equal(out.toString(), 'hello world');
});
