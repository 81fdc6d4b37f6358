/**
 * Migration 3: the collections that hold IAM principals' policies are watched too (issue #26).
 *
 * The SigV4 gateway and the AWS endpoint authorise every request with the caller's policies:
 * for a role session its inline policies (`iam.role-policies`) and attachments
 * (`iam.role-attachments`), for an IAM user its own and its groups' (`iam.user-policies`,
 * `iam.user-attachments`, `iam.user-groups`, `iam.groups`, `iam.group-policies`,
 * `iam.group-attachments`). They are configuration, written by IAM calls only; watched, a process
 * may answer their gets and lists from memory while the collection's generation is unchanged
 * (sql/document-cache.ts), and a change made anywhere is seen by the next read on every node, as
 * for the collections of migration 2. Users, access keys and their id index stay unwatched.
 *
 * This adds their generation rows and replaces migration 2's triggers with the same triggers over
 * the longer list (the PostgreSQL trigger function is unchanged: it names no collection).
 * Additive: a node of the previous release reads the rows at open and caches these collections'
 * gets the same safe way.
 */
import { sql } from '../sql/kysely.js';
import { WATCHED_COLLECTIONS_V2 } from './0002-collection-generations.js';
import type { Migration } from './types.js';

export const WATCHED_BY_V3 = [
  'iam.role-policies',
  'iam.role-attachments',
  'iam.user-policies',
  'iam.user-attachments',
  'iam.user-groups',
  'iam.groups',
  'iam.group-policies',
  'iam.group-attachments',
] as const;

export const WATCHED_COLLECTIONS_V3 = [...WATCHED_COLLECTIONS_V2, ...WATCHED_BY_V3] as const;

export const watchIamPolicies: Migration = {
  version: 3,
  name: 'watch-iam-policies',
  async up(db, { dialect }) {
    await db
      .insertInto('collection_generations')
      .values(WATCHED_BY_V3.map((collection) => ({ collection, generation: 0 })))
      .execute();
    // Literals, not parameters: DDL takes none. The names are constants of migrations 2 and 3.
    const list = sql.raw(WATCHED_COLLECTIONS_V3.map((c) => `'${c}'`).join(', '));
    for (const op of ['insert', 'update', 'delete']) {
      await sql`drop trigger if exists ${sql.raw(`documents_generation_${op}`)}${sql.raw(dialect === 'postgres' ? ' on documents' : '')}`.execute(db);
    }
    if (dialect === 'sqlite') {
      await sql`create trigger documents_generation_insert after insert on documents
        when new.collection in (${list})
        begin update collection_generations set generation = generation + 1 where collection = new.collection; end`.execute(db);
      await sql`create trigger documents_generation_update after update on documents
        when new.collection in (${list}) or old.collection in (${list})
        begin update collection_generations set generation = generation + 1 where collection in (new.collection, old.collection); end`.execute(db);
      await sql`create trigger documents_generation_delete after delete on documents
        when old.collection in (${list})
        begin update collection_generations set generation = generation + 1 where collection = old.collection; end`.execute(db);
      return;
    }
    await sql`create trigger documents_generation_insert after insert on documents for each row
      when (new.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
    await sql`create trigger documents_generation_update after update on documents for each row
      when (new.collection in (${list}) or old.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
    await sql`create trigger documents_generation_delete after delete on documents for each row
      when (old.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
  },
};
