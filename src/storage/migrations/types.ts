import type { Kysely } from 'kysely';
import type { Dialect } from '../sql/schema.js';

export interface MigrationContext {
  dialect: Dialect;
}

/**
 * One schema step. `up` runs inside the migration lock and transaction on a single connection;
 * it sees the database as it was at that version, so it takes Kysely<any> rather than today's
 * table types.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>, ctx: MigrationContext): Promise<void>;
}
