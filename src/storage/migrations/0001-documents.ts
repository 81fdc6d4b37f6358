/**
 * Migration 1: the documents table every collection lives in.
 * PostgreSQL declares the key columns COLLATE "C" so the primary-key index, range predicates and
 * ORDER BY all compare bytes (PostgreSQL docs §24.2 "Collation Support": the C collation sorts by
 * byte values); SQLite's default BINARY collation already does (sqlite.org/datatype3.html §7.1).
 */
import { sql } from '../sql/kysely.js';
import type { Migration } from './types.js';

export const documents: Migration = {
  version: 1,
  name: 'documents',
  async up(db, { dialect }) {
    const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema
      .createTable('documents')
      .addColumn('collection', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('documents_pkey', ['collection', 'id'])
      .execute();
  },
};
