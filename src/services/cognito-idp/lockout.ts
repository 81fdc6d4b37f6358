/**
 * Lockout after failed password sign-ins, as Cognito user pools do it (Cognito developer guide,
 * "Lockout behavior for failed sign-in attempts"):
 *
 * - Five wrong passwords are free. After the n-th consecutive wrong password (n ≥ 5) the user is
 *   locked out for 2^(n-5) seconds, at most about 15 minutes (here 900 s).
 * - A sign-in attempted while locked out is refused with NotAuthorizedException "Password attempts
 *   exceeded", whether the password is right or not, and does not count.
 * - A successful sign-in after the lockout has passed starts again from n = 0; so does a quiet
 *   spell of 15 minutes. Cognito counts the quiet spell from the last attempt of any kind; here
 *   it runs from the later of the last counted failure and the end of its lockout, because
 *   attempts refused during a lockout are not written anywhere. That is never shorter than
 *   Cognito's, so a patient guesser gets no more tries than Cognito gives.
 *
 * Counted: USER_PASSWORD_AUTH and the admin password flows, the hosted login page, and the SRP
 * password proof (RespondToAuthChallenge PASSWORD_VERIFIER). The state lives on the user's
 * record in storage, so every node sees it and concurrent failures all count (the record's
 * compare-and-swap serialises them); an attempt refused during a lockout costs one read, no
 * password derivation and no write.
 */

/** Stored on UserRecord.signInFailures; absent = no failure counted. */
export interface SignInFailures {
  /** Consecutive wrong passwords counted (refusals during a lockout excluded). */
  count: number;
  /** When the last one was counted (epoch ms). */
  lastAtMs: number;
  /** Set from the fifth failure on: sign-ins are refused until then (epoch ms). */
  lockedUntilMs?: number;
}

export const LOCKOUT = {
  /** Wrong passwords before the first lockout. */
  freeFailures: 5,
  /** Longest lockout ("approximately 15 minutes"). */
  maxLockSeconds: 900,
  /** A quiet spell this long forgets every failure. */
  quietResetSeconds: 900,
} as const;

/** The state still in force at `nowMs` (undefined once a quiet spell has reset it). */
export function effectiveFailures(state: SignInFailures | undefined, nowMs: number): SignInFailures | undefined {
  if (state === undefined) return undefined;
  const quietSince = Math.max(state.lastAtMs, state.lockedUntilMs ?? 0);
  return nowMs - quietSince >= LOCKOUT.quietResetSeconds * 1000 ? undefined : state;
}

/** When the lockout in force at `nowMs` ends (epoch ms), or undefined when there is none. */
export function lockedUntil(state: SignInFailures | undefined, nowMs: number): number | undefined {
  const until = effectiveFailures(state, nowMs)?.lockedUntilMs;
  return until !== undefined && until > nowMs ? until : undefined;
}

/** Seconds of lockout after the n-th consecutive failure (0 below the threshold). */
export function lockSeconds(count: number): number {
  if (count < LOCKOUT.freeFailures) return 0;
  const exponent = count - LOCKOUT.freeFailures;
  // 2^10 already exceeds the cap; larger exponents need no arithmetic.
  return exponent >= 10 ? LOCKOUT.maxLockSeconds : Math.min(2 ** exponent, LOCKOUT.maxLockSeconds);
}

/** The state after one more wrong password at `nowMs`. */
export function afterFailure(state: SignInFailures | undefined, nowMs: number): SignInFailures {
  const count = (effectiveFailures(state, nowMs)?.count ?? 0) + 1;
  const seconds = lockSeconds(count);
  return seconds > 0 ? { count, lastAtMs: nowMs, lockedUntilMs: nowMs + seconds * 1000 } : { count, lastAtMs: nowMs };
}
