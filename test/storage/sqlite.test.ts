import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storageConformance } from '../../src/storage/conformance/index.js';
import { openStorage } from '../../src/storage/index.js';
import { openSqlite } from '../../src/storage/sqlite/index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));

// The default: statement cache and group commit on.
const dataDir = join(root, 'data');
storageConformance('sqlite', () => openStorage({ dataDir }));

// One transaction per write and no statement cache (the pre-issue-#5 path, kept for measuring).
const plainDir = join(root, 'plain');
storageConformance('sqlite without group commit or statement cache', () =>
  openSqlite({ dataDir: plainDir, groupCommit: false, statementCacheSize: 0 }),
);
