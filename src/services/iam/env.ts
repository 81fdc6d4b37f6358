/**
 * What every IAM operation closes over: the typed store, the account id, the source of
 * randomness for new unique ids and access keys, and the sealer of access key secrets. Built once
 * per `iamOperations` call; there are no globals.
 */
import type { Storage } from '../../storage/contract.js';
import type { RandomBytes } from './ids.js';
import { iamStore, type IamStore } from './store.js';

export interface IamDeps {
  storage: Storage;
  accountId: string;
  /** Defaults to node:crypto randomBytes; tests may pin it. */
  random?: RandomBytes;
  /**
   * Seals an access key's secret for storage with the server's sealing keys (the credential
   * vault's sealSecret). Without it CreateAccessKey is not served (unit harnesses of roles).
   */
  secrets?: AccessKeySealer;
}

export interface AccessKeySealer {
  sealSecret(accessKeyId: string, secretAccessKey: string): Promise<string>;
}

export interface IamEnv {
  store: IamStore;
  accountId: string;
  random?: RandomBytes;
  secrets?: AccessKeySealer;
}

export function iamEnv(deps: IamDeps): IamEnv {
  const env: IamEnv = { store: iamStore(deps.storage), accountId: deps.accountId };
  if (deps.secrets) env.secrets = deps.secrets;
  if (deps.random) env.random = deps.random;
  return env;
}
