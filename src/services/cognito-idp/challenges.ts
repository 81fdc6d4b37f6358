/**
 * Challenge sessions: the `Session` string InitiateAuth returns with a challenge and
 * RespondToAuthChallenge brings back. Only sha256(Session) is stored; a session is single-use
 * (the request that deletes it proceeds) and lives AuthSessionValidity minutes (3..15,
 * aws-surface.md §7.3).
 *
 * An MFA code challenge (SOFTWARE_TOKEN_MFA) may be answered again after a wrong code, as on
 * Cognito, up to MAX_CODE_ATTEMPTS wrong codes: `open` reads the session without burning it,
 * `finish` burns it once the code is right, `fail` counts a wrong one.
 */
import { createHash } from 'node:crypto';
import { NotFoundError, UpdateContentionError } from '../../storage/contract.js';
import { notAuthorized } from './errors.js';
import { newOpaque, type Random } from './ids.js';
import type { ChallengeRecord } from './records.js';
import type { Stores } from './store.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** Wrong MFA codes one challenge session takes before it is burnt. */
export const MAX_CODE_ATTEMPTS = 5;

export function createChallenges(ctx: { stores: Stores; clock: () => Date; random: Random }) {
  const now = () => Math.floor(ctx.clock().getTime() / 1000);
  /** A new session for a challenge record (its deadline included). */
  async function create(record: ChallengeRecord): Promise<string> {
    const session = newOpaque(64, ctx.random);
    await ctx.stores.challenges.create(hash(session), record);
    return session;
  }
  return {
    async start(record: Omit<ChallengeRecord, 'expiresAt'>, validityMinutes: number): Promise<string> {
      return create({ ...record, expiresAt: now() + validityMinutes * 60 });
    },
    /** A new session for a challenge that goes on (MFA_SETUP's steps), keeping its deadline. */
    continue: create,
    /** Takes (and burns) the session; refuses a missing, expired, reused or foreign one. */
    async take(session: string | undefined, challenge: ChallengeRecord['challenge'], clientId: string): Promise<ChallengeRecord> {
      if (!session) throw notAuthorized('Invalid session for the user.', 'idp.session.missing');
      const id = hash(session);
      const record = await ctx.stores.challenges.get(id);
      if (!record || !(await ctx.stores.challenges.delete(id))) throw notAuthorized('Invalid session for the user.', 'idp.session.unknown');
      if (record.expiresAt <= now()) throw notAuthorized('Invalid session for the user, session is expired.', 'idp.session.expired');
      if (record.clientId !== clientId || record.challenge !== challenge) throw notAuthorized('Invalid session for the user.', 'idp.session.mismatch');
      return record;
    },
    /**
     * Reads a live session without burning it; `clientId` undefined accepts any client (the
     * session-authorised AssociateSoftwareToken / VerifySoftwareToken name none).
     */
    async open(session: string | undefined, challenge: ChallengeRecord['challenge'], clientId: string | undefined): Promise<ChallengeRecord> {
      if (!session) throw notAuthorized('Invalid session for the user.', 'idp.session.missing');
      const record = await ctx.stores.challenges.get(hash(session));
      if (!record) throw notAuthorized('Invalid session for the user.', 'idp.session.unknown');
      if (record.expiresAt <= now()) throw notAuthorized('Invalid session for the user, session is expired.', 'idp.session.expired');
      if ((clientId !== undefined && record.clientId !== clientId) || record.challenge !== challenge) throw notAuthorized('Invalid session for the user.', 'idp.session.mismatch');
      return record;
    },
    /** Burns an opened session; refuses when another request burnt it first. */
    async finish(session: string): Promise<void> {
      if (!(await ctx.stores.challenges.delete(hash(session)))) throw notAuthorized('Invalid session for the user.', 'idp.session.unknown');
    },
    /** Counts a wrong code on an opened session; the last allowed one burns it. */
    async fail(session: string): Promise<void> {
      const id = hash(session);
      try {
        const record = await ctx.stores.challenges.update(id, (r) => ({ ...r, attempts: (r.attempts ?? 0) + 1 }));
        if ((record.attempts ?? 0) >= MAX_CODE_ATTEMPTS) await ctx.stores.challenges.delete(id);
      } catch (err) {
        // Burnt meanwhile, or contended: nothing left to count on (the lockout still counted it).
        if (!(err instanceof NotFoundError) && !(err instanceof UpdateContentionError)) throw err;
      }
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
