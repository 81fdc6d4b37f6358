/**
 * Temporary credentials (STS / Cognito GetCredentialsForIdentity). `mint` creates an `ASIA…`
 * access key id, a 40-character secret and a session token that seals everything a later
 * request needs — so any node can authenticate it without a database lookup. `open` is what
 * SigV4 authentication calls with the request's access key id and X-Amz-Security-Token.
 *
 * Refusals (security.md V11, R10): kind 'InvalidClientTokenId' for anything that is not a token
 * we sealed for this access key id (checks 'session-token.format' / '.key' / '.seal' /
 * '.claims'); kind 'ExpiredToken' from the second `expiresAt` on ('session-token.expired').
 */
import { Refusal } from '../errors/index.js';
import type { Storage } from '../storage/contract.js';
import { createSealingKeyRing, isSealingKid, type SealingKeyRing } from '../keys/index.js';
import { decodeBase64Url } from '../tokens/base64url.js';
import type { SessionClaims } from './principal.js';
import { generateAccessKeyId, generateSecretAccessKey, pooledRandomBytes } from './ids.js';
import { NONCE_BYTES, TAG_BYTES, TOKEN_PREFIX, decodeClaims, encodeClaims, seal, unseal } from './session-token.js';
import { openAccessKeySecret, sealAccessKeySecret, splitSealedSecret } from './access-key-secret.js';

export type MintClaims = Omit<SessionClaims, 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt' | 'v'>;

export interface MintedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  claims: SessionClaims;
}

export interface CredentialVault {
  mint(claims: MintClaims, durationSeconds: number): Promise<MintedCredentials>;
  open(accessKeyId: string, sessionToken: string): Promise<SessionClaims>;
  /** Starts sealing with a new key; tokens sealed with older keys keep opening. Returns the new kid. */
  rotateSealingKey(): Promise<string>;
  /**
   * Seals the secret of a long-term access key for storage (access-key-secret.ts), so a copy of
   * the database does not reveal it; it opens only together with its access key id.
   */
  sealSecret(accessKeyId: string, secretAccessKey: string): Promise<string>;
  /** The secret sealed by sealSecret, or undefined when it does not open for this key id. */
  openSecret(accessKeyId: string, sealed: string): Promise<string | undefined>;
}

export interface CredentialVaultOptions {
  storage: Storage;
  clock: () => Date;
  random?: (size: number) => Buffer;
  /** Inject a ring (tests, or a shared instance); otherwise one is built on `storage`. */
  keyRing?: SealingKeyRing;
}

/** Generous bound on a sealed token (session policy ≤ 2 048 chars, ≤ 10 policy ARNs, ≤ 50 tags). */
export const MAX_SESSION_TOKEN_LENGTH = 64 * 1024;

function invalid(check: string, message: string, actual?: unknown): Refusal {
  return new Refusal('InvalidClientTokenId', message, {
    check,
    ...(actual !== undefined ? { actual } : {}),
  });
}

export function createCredentialVault(options: CredentialVaultOptions): CredentialVault {
  const random = options.random ?? pooledRandomBytes;
  const ring = options.keyRing ?? createSealingKeyRing({ storage: options.storage, clock: options.clock, random });

  return {
    async mint(claims, durationSeconds) {
      if (!Number.isSafeInteger(durationSeconds) || durationSeconds < 1) {
        throw new RangeError(`durationSeconds must be a positive integer, got ${durationSeconds}`);
      }
      const issuedAt = Math.floor(options.clock().getTime() / 1000);
      const accessKeyId = generateAccessKeyId('ASIA', random);
      const full: SessionClaims = {
        ...claims,
        v: 1,
        accessKeyId,
        secretAccessKey: generateSecretAccessKey(random),
        issuedAt,
        expiresAt: issuedAt + durationSeconds,
      };
      const key = await ring.newest();
      const sessionToken = seal(key.key, key.kid, accessKeyId, encodeClaims(full), random(NONCE_BYTES));
      return {
        accessKeyId,
        secretAccessKey: full.secretAccessKey,
        sessionToken,
        expiration: new Date(full.expiresAt * 1000),
        claims: full,
      };
    },

    async open(accessKeyId, sessionToken) {
      if (typeof accessKeyId !== 'string' || typeof sessionToken !== 'string') throw invalid('session-token.format', 'The security token included in the request is invalid.');
      if (sessionToken.length > MAX_SESSION_TOKEN_LENGTH || !sessionToken.startsWith(TOKEN_PREFIX)) {
        throw invalid('session-token.format', 'The security token included in the request is invalid.', 'not a Tessera session token');
      }
      const parts = sessionToken.slice(TOKEN_PREFIX.length).split('.');
      const [kid, encoded] = parts;
      const body = parts.length === 2 && encoded !== undefined ? decodeBase64Url(encoded) : undefined;
      if (kid === undefined || !isSealingKid(kid) || !body || body.length <= NONCE_BYTES + TAG_BYTES) {
        throw invalid('session-token.format', 'The security token included in the request is invalid.', 'malformed token');
      }
      const key = await ring.find(kid);
      if (!key) throw invalid('session-token.key', 'The security token included in the request is invalid.', `unknown sealing key ${kid}`);
      const plaintext = unseal(key.key, kid, accessKeyId, body);
      if (!plaintext) throw invalid('session-token.seal', 'The security token included in the request is invalid.', 'seal does not verify for this access key id');
      const claims = decodeClaims(plaintext, accessKeyId);
      if (!claims) throw invalid('session-token.claims', 'The security token included in the request is invalid.', 'sealed claims malformed');
      // R10: refused from the second expiresAt on, with no skew for our own credentials.
      const nowMs = options.clock().getTime();
      if (nowMs >= claims.expiresAt * 1000) {
        throw new Refusal('ExpiredToken', 'The security token included in the request is expired', {
          check: 'session-token.expired',
          expected: `now < ${new Date(claims.expiresAt * 1000).toISOString()}`,
          actual: new Date(nowMs).toISOString(),
        });
      }
      return claims;
    },

    async rotateSealingKey() {
      return (await ring.rotate()).kid;
    },

    async sealSecret(accessKeyId, secretAccessKey) {
      const key = await ring.newest();
      return sealAccessKeySecret(key.key, key.kid, accessKeyId, secretAccessKey, random(NONCE_BYTES));
    },

    async openSecret(accessKeyId, sealed) {
      const parts = splitSealedSecret(sealed);
      if (!parts) return undefined;
      const key = await ring.find(parts.kid);
      return key && openAccessKeySecret(key.key, parts.kid, accessKeyId, parts.body);
    },
  };
}
