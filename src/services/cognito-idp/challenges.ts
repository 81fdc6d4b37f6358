/**
 * Challenge sessions: the `Session` string InitiateAuth returns with a challenge and
 * RespondToAuthChallenge brings back. Only sha256(Session) is stored; a session is single-use
 * (the request that deletes it proceeds) and lives AuthSessionValidity minutes (3..15,
 * aws-surface.md §7.3).
 */
import { createHash } from 'node:crypto';
import { notAuthorized } from './errors.js';
import { newOpaque, type Random } from './ids.js';
import type { ChallengeRecord } from './records.js';
import type { Stores } from './store.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export function createChallenges(ctx: { stores: Stores; clock: () => Date; random: Random }) {
  const now = () => Math.floor(ctx.clock().getTime() / 1000);
  return {
    async start(record: Omit<ChallengeRecord, 'expiresAt'>, validityMinutes: number): Promise<string> {
      const session = newOpaque(64, ctx.random);
      await ctx.stores.challenges.create(hash(session), { ...record, expiresAt: now() + validityMinutes * 60 });
      return session;
    },
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
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
