import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storageConformance } from '../../src/storage/conformance/index.js';
import { openStorage } from '../../src/storage/index.js';

const dataDir = join(mkdtempSync(join(tmpdir(), 'tessera-sqlite-')), 'data');
after(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

storageConformance('sqlite', () => openStorage({ dataDir }));
