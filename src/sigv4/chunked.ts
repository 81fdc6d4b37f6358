/**
 * S3's `aws-chunked` payloads (AWS "Signature Version 4: transferring payload in multiple
 * chunks" and "…with trailing headers"), decoded as they stream:
 *
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          hex-size;chunk-signature=SIG\r\n DATA \r\n … 0;chunk-signature=SIG\r\n\r\n
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  the same, then trailer lines and x-amz-trailer-signature:SIG\r\n\r\n
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER          hex-size\r\n DATA \r\n … 0\r\n trailer lines \r\n
 *
 * Each chunk signature chains from the previous one (the seed is the request's signature):
 *
 *   AWS4-HMAC-SHA256-PAYLOAD \n X-Amz-Date \n scope \n previous-signature \n SHA256("") \n SHA256(chunk)
 *
 * A chunk is held until its signature is verified (at most MAX_CHUNK_BYTES), so no unverified
 * byte leaves the decoder; a bad signature, a malformed frame or a decoded length other than the
 * declared one fails the stream with a `Refusal` (kind SignatureDoesNotMatch or
 * IncompleteSignature), which the caller turns into an aborted upstream request.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { EMPTY_SHA256 } from './canonical.js';
import { refuse } from './refusals.js';

export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** SDKs send 64 KiB (JS, Python) to 128 KiB (Java) chunks; 8 MiB bounds what one chunk may hold. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** A chunk header or trailer line longer than this is not one. */
const MAX_LINE_BYTES = 4096;

export interface ChunkDecoderOptions {
  /** Which streaming form the request declared in x-amz-content-sha256. */
  mode: typeof STREAMING_SIGNED | typeof STREAMING_SIGNED_TRAILER | typeof STREAMING_UNSIGNED_TRAILER;
  /** The request's x-amz-decoded-content-length; the decoded bytes must add up to it. */
  decodedLength?: number;
  /** For the signed forms: the verified request's signing key, X-Amz-Date, scope and signature. */
  signingKey?: Buffer;
  amzDate?: string;
  scope?: string;
  seedSignature?: string;
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

/** A Transform from the aws-chunked wire form to the object's bytes. */
export function createChunkDecoder(options: ChunkDecoderOptions): Transform {
  const signed = options.mode !== STREAMING_UNSIGNED_TRAILER;
  const withTrailer = options.mode !== STREAMING_SIGNED;
  let previous = options.seedSignature ?? '';
  let pending: Buffer = Buffer.alloc(0);
  let state: State = 'header';
  let chunkSize = 0;
  let chunkSignature = '';
  let chunkParts: Buffer[] = [];
  let chunkHeld = 0;
  let decoded = 0;
  const trailerLines: string[] = [];

  const malformed = (detail: string): never =>
    refuse('IncompleteSignature', 'The aws-chunked payload is malformed.', { check: 'sigv4.chunked.format', detail });

  const chunkStringToSign = (hash: string): string =>
    `AWS4-HMAC-SHA256-PAYLOAD\n${options.amzDate}\n${options.scope}\n${previous}\n${EMPTY_SHA256}\n${hash}`;

  const verifyChunk = (data: Buffer): void => {
    if (!signed) return;
    const hash = createHash('sha256').update(data).digest('hex');
    const expected = createHmac('sha256', options.signingKey!).update(chunkStringToSign(hash), 'utf8').digest('hex');
    if (!equalHex(expected, chunkSignature)) {
      refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', {
        check: 'sigv4.chunk-signature',
        actual: { chunkSignature, bytesBefore: decoded },
      });
    }
    previous = chunkSignature;
  };

  const readLine = (): string | undefined => {
    const at = pending.indexOf('\r\n');
    if (at < 0) {
      if (pending.length > MAX_LINE_BYTES) malformed('a chunk header or trailer line is too long');
      return undefined;
    }
    if (at > MAX_LINE_BYTES) malformed('a chunk header or trailer line is too long');
    const line = pending.subarray(0, at).toString('latin1');
    pending = pending.subarray(at + 2);
    return line;
  };

  const parseHeader = (line: string): void => {
    const semi = line.indexOf(';');
    const sizeText = semi < 0 ? line : line.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) malformed(`chunk size '${sizeText.slice(0, 16)}'`);
    chunkSize = parseInt(sizeText, 16);
    if (chunkSize > MAX_CHUNK_BYTES) malformed(`chunk of ${chunkSize} bytes exceeds ${MAX_CHUNK_BYTES}`);
    if (signed) {
      const ext = semi < 0 ? '' : line.slice(semi + 1);
      if (!ext.startsWith('chunk-signature=')) malformed('chunk without chunk-signature');
      chunkSignature = ext.slice('chunk-signature='.length);
    } else if (semi >= 0) {
      malformed('chunk extension in an unsigned payload');
    }
    chunkParts = [];
    chunkHeld = 0;
  };

  const finishTrailer = (): void => {
    if (!signed) return;
    const sigLine = trailerLines.find((l) => l.toLowerCase().startsWith('x-amz-trailer-signature:'));
    if (!sigLine) malformed('trailer without x-amz-trailer-signature');
    const provided = sigLine!.slice(sigLine!.indexOf(':') + 1).trim();
    const canonical = trailerLines
      .filter((l) => l !== sigLine)
      .map((l) => {
        const colon = l.indexOf(':');
        return `${l.slice(0, colon).trim().toLowerCase()}:${l.slice(colon + 1).trim()}\n`;
      })
      .join('');
    const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
    const sts = `AWS4-HMAC-SHA256-TRAILER\n${options.amzDate}\n${options.scope}\n${previous}\n${hash}`;
    const expected = createHmac('sha256', options.signingKey!).update(sts, 'utf8').digest('hex');
    if (!equalHex(expected, provided)) {
      refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', { check: 'sigv4.trailer-signature' });
    }
  };

  const step = (push: (b: Buffer) => void): void => {
    for (;;) {
      if (state === 'header') {
        const line = readLine();
        if (line === undefined) return;
        parseHeader(line);
        state = chunkSize === 0 ? (withTrailer ? 'trailer' : 'data-crlf') : 'data';
        if (chunkSize === 0) verifyChunk(Buffer.alloc(0));
      } else if (state === 'data') {
        if (pending.length === 0) return;
        const take = Math.min(chunkSize - chunkHeld, pending.length);
        chunkParts.push(pending.subarray(0, take));
        chunkHeld += take;
        pending = pending.subarray(take);
        if (chunkHeld < chunkSize) return;
        const data = chunkParts.length === 1 ? chunkParts[0]! : Buffer.concat(chunkParts);
        chunkParts = [];
        verifyChunk(data);
        decoded += data.length;
        if (options.decodedLength !== undefined && decoded > options.decodedLength) malformed('more bytes than x-amz-decoded-content-length');
        push(Buffer.from(data));
        state = 'data-crlf';
      } else if (state === 'data-crlf') {
        if (pending.length < 2) return;
        if (pending[0] !== 0x0d || pending[1] !== 0x0a) malformed('chunk data not followed by CRLF');
        pending = pending.subarray(2);
        state = chunkSize === 0 ? 'done' : 'header';
      } else if (state === 'trailer') {
        const line = readLine();
        if (line === undefined) return;
        if (line === '') {
          finishTrailer();
          state = 'done';
        } else {
          if (!line.includes(':') || trailerLines.length >= 16) malformed('bad trailer line');
          trailerLines.push(line);
        }
      } else {
        if (pending.length > 0) malformed('bytes after the final chunk');
        return;
      }
    }
  };

  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      try {
        step((b) => this.push(b));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (state !== 'done') malformed('the payload ended before its final chunk');
        if (options.decodedLength !== undefined && decoded !== options.decodedLength) malformed('fewer bytes than x-amz-decoded-content-length');
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * A pass-through that hashes what flows and fails at the end unless the SHA-256 is `expected`
 * (x-amz-content-sha256 of a payload that streams: the verdict can only come after the last
 * byte, so the caller must not let the upstream request complete before this stream ends).
 */
export function createPayloadHashCheck(expected: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      const actual = hash.digest('hex');
      if (actual !== expected) {
        try {
          refuse('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.', {
            check: 'sigv4.payload-hash',
            expected,
            actual,
          });
        } catch (err) {
          done(err as Error);
          return;
        }
      }
      done();
    },
  });
}
