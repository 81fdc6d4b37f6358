/**
 * Single use of SAML assertion ids (security.md S16), decided by the database so it holds on
 * every node sharing it: the first claim of (issuer, assertion id) creates the record, a second
 * finds it (Collection.createIfAbsent is a primary-key insert, never read-then-write). A claim
 * names its owner: AssumeRoleWithSAML claims with no owner (any second use is a replay); identity
 * pools claim for the identity the assertion proved, and a later claim for that same identity is
 * accepted (GetId then GetCredentialsForIdentity, as Cognito does) while any other is not.
 *
 * Ids are `<expiry, 13-digit epoch ms>.<sha256(issuer NUL assertion id)>`: the expiry is signed
 * into the assertion, so one assertion always maps to one id, and ids sort by expiry so the
 * sweep after each claim deletes expired records from the start of the collection.
 */
import { createHash } from 'node:crypto';
import type { Collection, Storage } from '../../storage/contract.js';

interface StoredClaim {
  expiresAt: number;
  owner?: string;
}

export interface SamlAssertionLedger {
  /** Claims the assertion for `owner` (undefined: exclusive). True when this claim may use it. */
  claim(issuer: string, assertionId: string, expiresAt: Date, owner?: string): Promise<boolean>;
  /** Whether the assertion was claimed already (the token doctor asks; it never claims). */
  used?(issuer: string, assertionId: string, expiresAt: Date): Promise<boolean>;
}

/** Records kept this long after their assertion expired (covers the verifier's clock skew). */
const KEEP_AFTER_EXPIRY_MS = 10 * 60 * 1000;

export function createSamlAssertionLedger(options: { storage: Storage; collection: string; clock: () => Date; onSweepError?: (err: unknown) => void }): SamlAssertionLedger {
  const col: Collection<StoredClaim> = options.storage.collection<StoredClaim>(options.collection);

  async function sweep(limit: number): Promise<void> {
    const cutoff = options.clock().getTime() - KEEP_AFTER_EXPIRY_MS;
    const page = await col.list({ limit });
    for (const { id, doc } of page.items) {
      if (doc.expiresAt >= cutoff) break;
      await col.delete(id);
    }
  }

  const idOf = (issuer: string, assertionId: string, expiresAt: Date) =>
    `${String(expiresAt.getTime()).padStart(13, '0')}.${createHash('sha256').update(`${issuer}\u0000${assertionId}`).digest('hex')}`;

  return {
    async used(issuer, assertionId, expiresAt) {
      return (await col.get(idOf(issuer, assertionId, expiresAt))) !== undefined;
    },
    async claim(issuer, assertionId, expiresAt, owner) {
      const id = idOf(issuer, assertionId, expiresAt);
      const doc: StoredClaim = owner === undefined ? { expiresAt: expiresAt.getTime() } : { expiresAt: expiresAt.getTime(), owner };
      const result = await col.createIfAbsent(id, doc);
      void sweep(25).catch((err) => options.onSweepError?.(err));
      if (result.created) return true;
      return owner !== undefined && result.doc.owner === owner;
    },
  };
}
