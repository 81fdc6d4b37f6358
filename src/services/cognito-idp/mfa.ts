/**
 * Multi-factor sign-in with an authenticator app (software token MFA, TOTP; totp.ts), as Cognito
 * user pools serve it:
 *
 * - The pool: SetUserPoolMfaConfig's SoftwareTokenMfaConfiguration.Enabled and MfaConfiguration
 *   OFF / OPTIONAL / ON. SMS and email MFA are not served (nothing is sent).
 * - A user: AssociateSoftwareToken hands out a secret (kept sealed as `pendingSoftwareToken`),
 *   VerifySoftwareToken proves a code of it and registers it (`softwareToken`),
 *   SetUserMFAPreference activates it (`mfa`). The MFA_SETUP challenge does all three during a
 *   sign-in when the pool requires MFA of a user who has none.
 * - Sign-in: after the password, a user with TOTP activated (pool not OFF) gets the
 *   SOFTWARE_TOKEN_MFA challenge; a user with none in a pool with MFA ON gets MFA_SETUP.
 *
 * A code is checked against the current 30-second step and one either side, and each step is
 * accepted once per user (compare-and-swap on the user's record). A wrong sign-in code counts
 * toward the password lockout (lockout.ts) and is refused without looking while locked out.
 */
import type { SealingKeyRing } from '../../keys/index.js';
import { idpError, invalidParameter, MSG } from './errors.js';
import type { Random } from './ids.js';
import type { UserPoolRecord, UserRecord } from './records.js';
import { base32Encode, matchingStep, newTotpSecret, openSecret, sealSecret } from './totp.js';
import type { Users } from './users.js';

export interface MfaContext {
  users: Users;
  ring: SealingKeyRing;
  clock: () => Date;
  random: Random;
}

export type MfaStep = 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

const binding = (user: Pick<UserRecord, 'userPoolId' | 'sub'>) => `${user.userPoolId}/${user.sub}`;

export function createMfa(ctx: MfaContext) {
  const { users } = ctx;
  const now = () => Math.floor(ctx.clock().getTime() / 1000);

  /** Whether the user has TOTP activated and the pool lets MFA be asked. */
  function totpActive(pool: UserPoolRecord, user: UserRecord): boolean {
    return pool.mfaConfiguration !== 'OFF' && pool.softwareTokenMfa === true && user.mfa?.softwareTokenEnabled === true && user.softwareToken !== undefined;
  }

  /** What a sign-in whose password was proven must still go through, if anything. */
  function stepAfterPassword(pool: UserPoolRecord, user: UserRecord): MfaStep | undefined {
    if (totpActive(pool, user)) return 'SOFTWARE_TOKEN_MFA';
    if (pool.mfaConfiguration === 'ON' && pool.softwareTokenMfa === true) return 'MFA_SETUP';
    return undefined;
  }

  function requirePoolTotp(pool: UserPoolRecord): void {
    if (pool.softwareTokenMfa !== true) throw idpError('SoftwareTokenMFANotFoundException', MSG.softwareTokenNotEnabled, { check: 'idp.mfa.pool-totp', actual: pool.id });
  }

  /** AssociateSoftwareToken: a new secret for the user to enter in an app (base32). */
  async function associate(pool: UserPoolRecord, user: UserRecord): Promise<string> {
    requirePoolTotp(pool);
    const secret = newTotpSecret(ctx.random);
    const sealed = await sealSecret(ctx.ring, ctx.random, binding(user), secret);
    const createdAt = now();
    await users.update(pool, user.username, (u) => ({ ...u, pendingSoftwareToken: { sealed, createdAt } }));
    return base32Encode(secret);
  }

  /** VerifySoftwareToken: a right code of the secret being set up registers it. */
  async function verifyAssociation(pool: UserPoolRecord, user: UserRecord, code: string, friendlyName?: string): Promise<void> {
    requirePoolTotp(pool);
    const pending = user.pendingSoftwareToken;
    const secret = pending ? await openSecret(ctx.ring, binding(user), pending.sealed) : undefined;
    if (!pending || !secret) throw idpError('EnableSoftwareTokenMFAException', MSG.softwareTokenMismatch, { check: 'idp.mfa.no-pending-token' });
    const step = matchingStep(secret, code, ctx.clock().getTime());
    if (step === undefined) throw idpError('EnableSoftwareTokenMFAException', MSG.softwareTokenMismatch, { check: 'idp.mfa.setup-code' });
    const registeredAt = now();
    await users.update(pool, user.username, (u) => {
      if (u.pendingSoftwareToken?.sealed !== pending.sealed) throw idpError('EnableSoftwareTokenMFAException', MSG.softwareTokenMismatch, { check: 'idp.mfa.pending-replaced' });
      const { pendingSoftwareToken: _done, ...rest } = u;
      return { ...rest, softwareToken: { sealed: pending.sealed, registeredAt, lastStep: step, ...(friendlyName ? { friendlyName } : {}) } };
    });
  }

  /**
   * A sign-in's TOTP code. Refused without looking during a lockout; a wrong one counts toward
   * it (CodeMismatchException); a code whose step was already used is ExpiredCodeException.
   */
  async function checkSignInCode(pool: UserPoolRecord, user: UserRecord, code: string): Promise<void> {
    users.checkLockout(user);
    const token = user.softwareToken;
    const secret = token ? await openSecret(ctx.ring, binding(user), token.sealed) : undefined;
    const step = secret ? matchingStep(secret, code, ctx.clock().getTime()) : undefined;
    if (step === undefined) {
      await users.recordFailure(pool, user);
      throw idpError('CodeMismatchException', MSG.mfaCodeMismatch, { check: 'idp.mfa.code' });
    }
    const used = () => idpError('ExpiredCodeException', MSG.mfaCodeUsed, { check: 'idp.mfa.code-reused', actual: step });
    if ((token!.lastStep ?? -1) >= step) throw used();
    await users.update(pool, user.username, (u) => {
      if (!u.softwareToken || u.softwareToken.sealed !== token!.sealed || (u.softwareToken.lastStep ?? -1) >= step) throw used();
      return { ...u, softwareToken: { ...u.softwareToken, lastStep: step } };
    });
    await users.clearFailures(pool, user);
  }

  /**
   * SetUserMFAPreference / AdminSetUserMFAPreference. Activating TOTP needs a verified
   * authenticator; SMS and email MFA cannot be activated (Tessera sends no messages); TOTP cannot
   * be turned off while the pool's MfaConfiguration is ON.
   */
  async function setPreference(
    pool: UserPoolRecord,
    user: UserRecord,
    input: { SoftwareTokenMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean }; SMSMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean }; EmailMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean } },
  ): Promise<void> {
    if (input.SMSMfaSettings?.Enabled || input.SMSMfaSettings?.PreferredMfa) throw invalidParameter('User does not have delivery config set to turn on SMS_MFA', 'idp.mfa.sms');
    if (input.EmailMfaSettings?.Enabled || input.EmailMfaSettings?.PreferredMfa) throw invalidParameter('User does not have delivery config set to turn on EMAIL_OTP', 'idp.mfa.email');
    const totp = input.SoftwareTokenMfaSettings;
    if (!totp) return;
    const enabled = totp.Enabled ?? (totp.PreferredMfa === true ? true : user.mfa?.softwareTokenEnabled ?? false);
    if (enabled && !user.softwareToken) throw invalidParameter('User has not verified software token mfa', 'idp.mfa.not-verified');
    // "You can't turn off TOTP MFA for any of your users when MFA is required in your user pool."
    if (!enabled && totpActive(pool, user) && pool.mfaConfiguration === 'ON') {
      throw invalidParameter('Software token MFA cannot be turned off while the user pool requires MFA.', 'idp.mfa.required', pool.id);
    }
    const preferred = enabled && (totp.PreferredMfa ?? user.mfa?.preferred === 'SOFTWARE_TOKEN_MFA');
    await users.update(pool, user.username, (u) => {
      const { mfa: _old, ...rest } = u;
      return enabled ? { ...rest, mfa: { softwareTokenEnabled: true, ...(preferred ? { preferred: 'SOFTWARE_TOKEN_MFA' as const } : {}) } } : rest;
    });
  }

  /** MFA_SETUP answered: the verified authenticator becomes the user's activated, preferred MFA. */
  async function activateAfterSetup(pool: UserPoolRecord, user: UserRecord): Promise<void> {
    await users.update(pool, user.username, (u) => ({ ...u, mfa: { softwareTokenEnabled: true, preferred: 'SOFTWARE_TOKEN_MFA' } }));
  }

  /** GetUser / AdminGetUser's UserMFASettingList and PreferredMfaSetting. */
  function settingsOf(user: UserRecord): { UserMFASettingList?: string[]; PreferredMfaSetting?: string } {
    if (!user.mfa?.softwareTokenEnabled || !user.softwareToken) return {};
    return { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], ...(user.mfa.preferred ? { PreferredMfaSetting: user.mfa.preferred } : {}) };
  }

  return { totpActive, stepAfterPassword, associate, verifyAssociation, checkSignInCode, setPreference, activateAfterSetup, settingsOf };
}

export type Mfa = ReturnType<typeof createMfa>;
