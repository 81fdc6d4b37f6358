import { after, describe } from 'node:test';
import { storageConformance } from '../../src/storage/conformance/index.js';
import { openStorage } from '../../src/storage/index.js';
import { openPostgres } from '../../src/storage/postgres/index.js';
import { databaseUrl, dropSchema, randomSchema, skipUnlessPostgres } from './pg-target.js';

const skip = await skipUnlessPostgres();
const postgresSchema = randomSchema('conf');
const unnamedSchema = randomSchema('confu');

describe('postgres', { skip }, () => {
  after(() => dropSchema(postgresSchema));
  // What the server runs: named prepared statements (src/storage/postgres/named-statements.ts).
  storageConformance('postgres', () => openStorage({ databaseUrl, dataDir: '/nonexistent', postgresSchema }));
});

describe('postgres without named statements', { skip }, () => {
  after(() => dropSchema(unnamedSchema));
  // The preparedStatements: false path (transaction-pooling proxies) must keep the contract too.
  storageConformance('postgres (unnamed statements)', () =>
    openPostgres({ databaseUrl, schema: unnamedSchema, preparedStatements: false }),
  );
});
