import { after, describe } from 'node:test';
import { storageConformance } from '../../src/storage/conformance/index.js';
import { openStorage } from '../../src/storage/index.js';
import { databaseUrl, dropSchema, randomSchema, skipUnlessPostgres } from './pg-target.js';

const skip = await skipUnlessPostgres();
const postgresSchema = randomSchema('conf');

describe('postgres', { skip }, () => {
  after(() => dropSchema(postgresSchema));
  storageConformance('postgres', () => openStorage({ databaseUrl, dataDir: '/nonexistent', postgresSchema }));
});
