/**
 * The managed login form's POSTs: `POST /login` (username + password),
 * `POST /login/new-password` (a FORCE_CHANGE_PASSWORD user choosing a password, Cognito's
 * NEW_PASSWORD_REQUIRED challenge in page form; aws-surface.md §7.3) and `POST /login/mfa` (the
 * code of a user with TOTP MFA, Cognito's SOFTWARE_TOKEN_MFA challenge in page form; a wrong
 * code counts toward the lockout as a wrong password does). A user the pool requires MFA of who
 * has none set up is refused with a page saying so: setting up an authenticator is done through
 * the API (AssociateSoftwareToken), not on this page.
 *
 * CSRF (OWASP synchronizer token): the form carries a random token stored server-side with its
 * login transaction, and the transaction is found through an HttpOnly cookie; a POST whose
 * token does not match the cookie's transaction is refused. A successful sign-in consumes the
 * transaction (single use).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isServiceError } from '../../../errors/index.js';
import type { Hosted, LoginTransaction } from '../context.js';
import { COOKIE, clearCookie, parseCookies } from '../cookies.js';
import { OAuthError } from '../errors.js';
import { formParams, type Params } from '../form.js';
import { finishSignIn, sendRedirectError, showLogin } from '../flows.js';
import { resolveDomain, sendErrorPage, sendPage } from '../http.js';
import { safeEqual } from '../ids.js';
import { mfaCodePage, newPasswordPage } from '../pages.js';
import { RedirectError } from '../authorize-request.js';
import { NewPasswordRequiredError } from '../../cognito-idp/user-pools.js';
import type { UserRecord } from '../../cognito-idp/records.js';

export function loginRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.post('/auth/:domain/login', (request, reply) => withTransaction(hosted, request, reply, password));
    app.post('/auth/:domain/login/new-password', (request, reply) => withTransaction(hosted, request, reply, newPassword));
    app.post('/auth/:domain/login/mfa', (request, reply) => withTransaction(hosted, request, reply, mfaCode));
  };
}

type Step = (hosted: Hosted, reply: FastifyReply, tx: LoginTransaction, handle: string, form: Params) => Promise<FastifyReply>;

const EXPIRED = 'Your sign-in page expired. Go back to the application and start again.';

async function withTransaction(hosted: Hosted, request: FastifyRequest, reply: FastifyReply, step: Step): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return sendErrorPage(reply, 404, 'This sign-in domain does not exist.');
  let form: Params;
  try {
    form = formParams(request.headers['content-type'], request.body);
  } catch (err) {
    if (err instanceof OAuthError) return sendErrorPage(reply, 400, err.description ?? 'Bad request.');
    throw err;
  }
  const handle = parseCookies(request.headers.cookie).get(COOKIE.login);
  const tx = handle ? await hosted.logins.get(handle) : undefined;
  if (!handle || !tx || tx.request.userPoolId !== domain.userPoolId || tx.request.domain !== domain.domain) {
    return sendErrorPage(reply, 400, EXPIRED);
  }
  const csrf = form.get('_csrf');
  if (csrf === undefined || !safeEqual(csrf, tx.csrf)) {
    hosted.log.warn({ check: 'oauth2.csrf' }, 'login form post with a wrong CSRF token');
    return sendErrorPage(reply, 403, 'The sign-in form could not be verified. Go back to the application and start again.');
  }
  try {
    return await step(hosted, reply, tx, handle, form);
  } catch (err) {
    if (err instanceof RedirectError) return sendRedirectError(reply, err);
    throw err;
  }
}

/** Wire errors of authenticatePassword → what the page says (never whether the user exists). */
function loginFailure(err: unknown): string | undefined {
  if (!isServiceError(err) || err.fault !== 'client') return undefined;
  switch (err.code as string) {
    case 'UserNotConfirmedException':
      return 'User is not confirmed.';
    case 'PasswordResetRequiredException':
      return 'Password reset required for the user.';
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
      return 'Too many attempts. Try again later.';
    case 'NotAuthorizedException':
      // The lockout after repeated wrong passwords (cognito-idp/lockout.ts) says so, as Cognito's page does.
      return err.reason?.check === 'idp.user.locked-out' ? 'Password attempts exceeded' : 'Incorrect username or password.';
    default:
      return 'Incorrect username or password.';
  }
}

async function restart(hosted: Hosted, reply: FastifyReply, tx: LoginTransaction, handle: string, error: string, username?: string): Promise<FastifyReply> {
  await hosted.logins.delete(handle);
  const client = await hosted.userPools.getClient(tx.request.clientId);
  if (!client) return sendErrorPage(reply, 400, EXPIRED);
  return showLogin(hosted, reply, tx.request, client, { error, status: 400, ...(username ? { username } : {}) });
}

async function signIn(hosted: Hosted, reply: FastifyReply, tx: LoginTransaction, handle: string, username: string): Promise<FastifyReply> {
  // Single use: of two racing submissions of one form only one completes.
  const consumed = await hosted.logins.consume(handle);
  if (!consumed.ok) return sendErrorPage(reply, 400, EXPIRED);
  return finishSignIn(hosted, reply, tx.request, username, [clearCookie(COOKIE.login, hosted.cookieScope(tx.request.domain))]);
}

const password: Step = async (hosted, reply, tx, handle, form) => {
  const username = form.get('username') ?? '';
  const pw = form.get('password') ?? '';
  if (!username || !pw) return restart(hosted, reply, tx, handle, 'Enter your username and password.', username);
  const client = await hosted.userPools.getClient(tx.request.clientId);
  if (!client || !client.supportedIdentityProviders.includes('COGNITO')) return sendErrorPage(reply, 400, EXPIRED);
  let user;
  try {
    // The managed page never tells whether a user exists (PreventUserExistenceErrors).
    user = await hosted.userPools.authenticatePassword(tx.request.userPoolId, username, pw, { preventUserExistenceErrors: true });
  } catch (err) {
    if (err instanceof NewPasswordRequiredError) {
      const pending = err.user.username;
      const ok = await hosted.logins.replace(handle, (cur) => ({ ...cur, pendingUsername: pending }));
      if (!ok) return sendErrorPage(reply, 400, EXPIRED);
      return sendPage(reply, 200, newPasswordPage({ action: `${hosted.domainBase(tx.request.domain)}/login/new-password`, csrf: tx.csrf }));
    }
    const message = loginFailure(err);
    if (message === undefined) throw err;
    hosted.log.info({ check: 'oauth2.login', code: (err as { code?: string }).code }, 'managed login refused');
    return restart(hosted, reply, tx, handle, message, username);
  }
  return afterPassword(hosted, reply, tx, handle, user);
};

/** A proven password: the code of a user with TOTP MFA is asked next, else the sign-in completes. */
async function afterPassword(hosted: Hosted, reply: FastifyReply, tx: LoginTransaction, handle: string, user: UserRecord): Promise<FastifyReply> {
  const step = await hosted.userPools.mfaStepAfterPassword(tx.request.userPoolId, user);
  if (step === undefined) return signIn(hosted, reply, tx, handle, user.username);
  if (step === 'MFA_SETUP') {
    await hosted.logins.delete(handle);
    return sendErrorPage(reply, 400, 'This account must set up an authenticator app before signing in. Sign in through the application to set one up.');
  }
  const username = user.username;
  const ok = await hosted.logins.replace(handle, (cur) => ({ ...cur, mfaUsername: username }));
  if (!ok) return sendErrorPage(reply, 400, EXPIRED);
  return sendPage(reply, 200, mfaCodePage({ action: `${hosted.domainBase(tx.request.domain)}/login/mfa`, csrf: tx.csrf }));
}

const mfaCode: Step = async (hosted, reply, tx, handle, form) => {
  const username = tx.mfaUsername;
  if (!username) return sendErrorPage(reply, 400, EXPIRED);
  const action = `${hosted.domainBase(tx.request.domain)}/login/mfa`;
  const code = (form.get('code') ?? '').trim();
  try {
    await hosted.userPools.verifySignInCode(tx.request.userPoolId, username, code);
  } catch (err) {
    if (!isServiceError(err) || err.fault !== 'client') throw err;
    hosted.log.info({ check: 'oauth2.login.mfa', code: err.code }, 'managed login code refused');
    // During a lockout the sign-in starts over (the page says so); a wrong or used code may be retried.
    if (err.reason?.check === 'idp.user.locked-out') return restart(hosted, reply, tx, handle, 'Password attempts exceeded');
    return sendPage(reply, 400, mfaCodePage({ action, csrf: tx.csrf, error: 'Invalid code. Enter the current code from your authenticator app.' }));
  }
  return signIn(hosted, reply, tx, handle, username);
};

const newPassword: Step = async (hosted, reply, tx, handle, form) => {
  const username = tx.pendingUsername;
  if (!username) return sendErrorPage(reply, 400, EXPIRED);
  const action = `${hosted.domainBase(tx.request.domain)}/login/new-password`;
  const pw = form.get('new_password') ?? '';
  if (!pw || pw !== form.get('confirm_password')) {
    return sendPage(reply, 400, newPasswordPage({ action, csrf: tx.csrf, error: 'The passwords do not match.' }));
  }
  let user;
  try {
    user = await hosted.userPools.completeNewPassword(tx.request.userPoolId, username, pw);
  } catch (err) {
    if (!isServiceError(err) || err.fault !== 'client') throw err;
    // InvalidPasswordException carries the policy rule that failed; it is safe to show.
    return sendPage(reply, 400, newPasswordPage({ action, csrf: tx.csrf, error: err.message }));
  }
  return afterPassword(hosted, reply, tx, handle, user);
};
