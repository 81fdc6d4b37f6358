/** What the Cognito Identity operations are built from (constructed by app.ts, the composition root). */
import type { Storage } from '../../storage/contract.js';
import type { IamDirectory } from '../iam/directory.js';
import type { CredentialVault } from '../../credentials/index.js';
import type { Authorizer } from '../../authz/index.js';
import type { LoginVerifier } from '../../tokens/logins/index.js';
import type { SigningKeyRing } from '../../keys/signing-keys.js';
import type { CognitoIdentityStore } from './store.js';
import type { IdentityEngine } from './identities.js';

export interface CognitoIdentityDeps {
  storage: Storage;
  accountId: string;
  region: string;
  /** Issuer (`iss`) of the OpenID tokens GetOpenIdToken* sign. */
  publicUrl: string;
  clock: () => Date;
  iam: IamDirectory;
  vault: CredentialVault;
  authorizer: Authorizer;
  logins: LoginVerifier;
  openIdKeys: SigningKeyRing;
}

/** The deps plus what the service builds once from them. */
export interface CognitoIdentityContext extends CognitoIdentityDeps {
  store: CognitoIdentityStore;
  engine: IdentityEngine;
}
