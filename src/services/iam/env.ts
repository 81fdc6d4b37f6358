/**
 * What every IAM operation closes over: the typed store, the account id and the source of
 * randomness for new unique ids. Built once per `iamOperations` call; there are no globals.
 */
import type { Storage } from '../../storage/contract.js';
import type { RandomBytes } from './ids.js';
import { iamStore, type IamStore } from './store.js';

export interface IamDeps {
  storage: Storage;
  accountId: string;
  /** Defaults to node:crypto randomBytes; tests may pin it. */
  random?: RandomBytes;
}

export interface IamEnv {
  store: IamStore;
  accountId: string;
  random?: RandomBytes;
}

export function iamEnv(deps: IamDeps): IamEnv {
  const env: IamEnv = { store: iamStore(deps.storage), accountId: deps.accountId };
  if (deps.random) env.random = deps.random;
  return env;
}
