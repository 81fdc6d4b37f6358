/**
 * Cognito Identity (awsJson1_1, AWSCognitoIdentityService 2014-06-30): identity pools, the
 * identities in them and the logins linked to those identities, the basic and enhanced flows that
 * turn logins into Tessera OpenID tokens and temporary credentials, and developer-authenticated
 * identities. This folder owns the pool/identity/login records (store.ts), the identity engine
 * with its crash-safe write orders (identities.ts), role resolution + trust evaluation + minting
 * for GetCredentialsForIdentity (credentials.ts), the OpenID token (openid-token.ts), and all 23
 * operations (operations/). Token verification lives in src/tokens/logins, role mapping rules in
 * src/policy/role-mapping.ts, signing keys in src/keys.
 */
import type { Operation } from '../../wire/operation.js';
import type { CognitoIdentityContext, CognitoIdentityDeps } from './deps.js';
import { createIdentityEngine } from './identities.js';
import { cognitoIdentityStore } from './store.js';
import { identityPoolOperations } from './operations/identity-pools.js';
import { tagOperations } from './operations/tags.js';
import { roleOperations } from './operations/roles.js';
import { principalTagOperations } from './operations/principal-tag-attribute-map.js';
import { identityOperations } from './operations/identities.js';
import { getId } from './operations/get-id.js';
import { getCredentialsForIdentity } from './operations/get-credentials-for-identity.js';
import { getOpenIdToken } from './operations/get-open-id-token.js';
import { unlinkIdentity } from './operations/unlink-identity.js';
import { developerIdentityOperations } from './operations/developer-identities.js';
import { explainPoolLogin } from './doctor.js';

export type { CognitoIdentityDeps } from './deps.js';
export { UNAUTHENTICATED_SCOPE_DOWN_POLICY } from './scope-down.js';
export { COGNITO_IDENTITY_PROVIDER } from './logins.js';

/** The longest token GetOpenIdTokenForDeveloperIdentity signs (TokenDuration ≤ 86400, M-CI): size the signing ring for it. */
export const MAX_OPEN_ID_TOKEN_SECONDS = 86_400;

export function cognitoIdentityOperations(deps: CognitoIdentityDeps): Operation[] {
  const store = cognitoIdentityStore(deps.storage);
  const c: CognitoIdentityContext = { ...deps, store, engine: createIdentityEngine({ store, region: deps.region, clock: deps.clock }) };
  return [
    ...identityPoolOperations(c),
    ...tagOperations(c),
    ...roleOperations(c),
    ...principalTagOperations(c),
    ...identityOperations(c),
    getId(c),
    getCredentialsForIdentity(c),
    getOpenIdToken(c),
    unlinkIdentity(c),
    ...developerIdentityOperations(c),
  ];
}

export type { DoctorCheck, DoctorReport, CheckStatus } from './doctor.js';

/** The token doctor for identity pools (doctor.ts), built over the same store and verifier as the operations. */
export function createIdentityPoolDoctor(deps: CognitoIdentityDeps) {
  const store = cognitoIdentityStore(deps.storage);
  const c: CognitoIdentityContext = { ...deps, store, engine: createIdentityEngine({ store, region: deps.region, clock: deps.clock }) };
  return {
    explain: (input: Parameters<typeof explainPoolLogin>[1]) => explainPoolLogin(c, input),
  };
}
export type IdentityPoolDoctor = ReturnType<typeof createIdentityPoolDoctor>;
