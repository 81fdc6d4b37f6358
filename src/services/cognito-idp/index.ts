/**
 * cognito-idp/ owns Cognito user pools (awsJson1_1, 2016-04-18; aws-surface.md §7, §9.3–9.5):
 * the user-pool domain service (user-pools.ts — the one place that knows how pools, app clients,
 * domains, identity providers, users, groups, codes and tokens are stored), the SRP-6a server of
 * USER_SRP_AUTH (srp.ts), password storage and policy (passwords.ts), token issuance and
 * verification (tokens.ts), and the cognito-idp API operations (operations/). The hosted
 * OAuth2/OIDC endpoints (src/services/oauth2/) are built on `UserPools`.
 */
import type { Logger } from 'pino';
import type { Storage } from '../../storage/contract.js';
import type { Operation } from '../../wire/operation.js';
import { allOperations } from './operations/index.js';
import type { UserPools } from './user-pools.js';
import { explainUserPoolClientToken, type UserPoolClientDoctorInput } from './doctor.js';

export { createUserPools, asUserPoolTokenVerifier, NewPasswordRequiredError, type UserPools, type UserPoolsDeps, type ClientRecord } from './user-pools.js';
export type * from './records.js';
export { secretHash } from './secrets.js';
export { ringName } from './tokens.js';
export { createPasswordHasher, DEFAULT_WAITING_PER_SLOT, type PasswordHasher, type PasswordHasherOptions } from './passwords.js';

export interface CognitoIdpDeps {
  userPools: UserPools;
  storage: Storage;
  accountId: string;
  region: string;
  clock: () => Date;
  log: Logger;
}

export function cognitoIdpOperations(deps: CognitoIdpDeps): Operation[] {
  return allOperations({ userPools: deps.userPools, accountId: deps.accountId, region: deps.region });
}

export type { UserPoolClientDoctorInput, UserPoolClientDoctorReport } from './doctor.js';

/** The token doctor for user-pool app clients (doctor.ts), over the user pools the operations use. */
export function createUserPoolClientDoctor(userPools: UserPools) {
  return { explain: (input: UserPoolClientDoctorInput) => explainUserPoolClientToken(userPools, input) };
}
export type UserPoolClientDoctor = ReturnType<typeof createUserPoolClientDoctor>;
