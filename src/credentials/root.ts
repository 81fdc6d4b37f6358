/**
 * The root credentials of a Tessera installation (the account's root user: full access through
 * SigV4). Kept apart from app.ts so that a cluster primary, which sets them up before forking its
 * workers, does not load the whole application (its memory counts against every deployment).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { generateRootCredentials } from './ids.js';

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they came from: the environment, the data dir, or generated now (print once). */
  source: 'env' | 'data-dir' | 'generated';
}

/**
 * Root credentials: from the environment when set; else from `<dataDir>/root-credentials.json`;
 * else generated now, written there (mode 0600) and reported as 'generated' so the CLI prints
 * them once.
 */
export function loadRootCredentials(config: Config): RootCredentials {
  if (config.rootAccessKeyId && config.rootSecretAccessKey) {
    return { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey, source: 'env' };
  }
  const file = join(config.dataDir, 'root-credentials.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId?: unknown; secretAccessKey?: unknown };
    if (typeof parsed.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
      throw new Error(`${file} is not a valid root credentials file`);
    }
    return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey, source: 'data-dir' };
  }
  const fresh = generateRootCredentials();
  // The data dir is made where something is written to it, and only then: with PostgreSQL and
  // root credentials from the environment, nothing is, and no folder appears in the working dir.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite; if another process on this data dir won the race, use its file.
    writeFileSync(file, JSON.stringify({ accessKeyId: fresh.accessKeyId, secretAccessKey: fresh.secretAccessKey }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadRootCredentials(config);
    throw err;
  }
  chmodSync(file, 0o600);
  return { ...fresh, source: 'generated' };
}
