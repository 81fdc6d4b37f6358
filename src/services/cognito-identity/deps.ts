/** What the Cognito Identity operations are built from (constructed by app.ts, the composition root). */
import type { Storage } from '../../storage/contract.js';
import type { IamDirectory } from '../iam/directory.js';
import type { CredentialVault } from '../../credentials/index.js';
import type { Authorizer } from '../../authz/index.js';
import type { LoginVerifier } from '../../tokens/logins/index.js';
import type { SigningKeyRing } from '../../keys/signing-keys.js';
import type { CognitoIdentityStore } from './store.js';
import type { IdentityEngine } from './identities.js';
import type { SamlAssertionLedger } from '../sts/saml-assertions.js';

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
  /** SAML logins: each assertion proves one identity only (logins.ts claimSingleUse). */
  samlAssertions?: SamlAssertionLedger;
}

/** The deps plus what the service builds once from them. */
export interface CognitoIdentityContext extends CognitoIdentityDeps {
  store: CognitoIdentityStore;
  engine: IdentityEngine;
}
