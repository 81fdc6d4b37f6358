/**
 * Migration 2: a generation counter per configuration collection, kept by the database.
 *
 * `collection_generations` holds one row per watched collection. Triggers on `documents` add one
 * to a collection's row in the same transaction as every insert, update or delete of one of its
 * documents, whoever writes it: this build, an older node of a rolling upgrade, a script writing
 * SQL. A process may therefore keep documents of these collections in memory and use one only
 * while the collection's generation is still the one it was read under (sql/document-cache.ts).
 *
 * Watched are collections of configuration, written by administrative calls and read on every
 * sign-in or credential request: identity pools, IAM roles, providers and managed policies, user
 * pools and what hangs off them. Per-user data (identities, logins, users, codes) is not: it is
 * written on the request path, and a shared counter would serialise those writes.
 *
 * The list is part of this migration and never changes here. A later migration that watches
 * another collection inserts its row and replaces the triggers; a collection is watched exactly
 * when it has a row, which is what processes read (they cache only collections with a row).
 */
import { sql } from '../sql/kysely.js';
import type { Migration } from './types.js';

export const WATCHED_COLLECTIONS_V2 = [
  'ci.pools',
  'iam.roles',
  'iam.oidc-providers',
  'iam.saml-providers',
  'iam.policies',
  'cognito-idp.pools',
  'cognito-idp.clients',
  'cognito-idp.idps',
  'cognito-idp.domains',
  'cognito-idp.resource-servers',
] as const;

export const collectionGenerations: Migration = {
  version: 2,
  name: 'collection-generations',
  async up(db, { dialect }) {
    const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
    await db.schema
      .createTable('collection_generations')
      .addColumn('collection', key, (c) => c.primaryKey())
      .addColumn('generation', 'bigint', (c) => c.notNull())
      .execute();
    await db
      .insertInto('collection_generations')
      .values(WATCHED_COLLECTIONS_V2.map((collection) => ({ collection, generation: 0 })))
      .execute();
    // Literals, not parameters: DDL takes none. The names are this file's constants.
    const list = sql.raw(WATCHED_COLLECTIONS_V2.map((c) => `'${c}'`).join(', '));
    if (dialect === 'sqlite') {
      // The key columns of a document never change (update sets body, version, updated_at), so
      // an update bumps new.collection, which is old.collection.
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
    // The function resolves collection_generations through the search_path in force when it was
    // created (the deployment's schema), not the caller's (PostgreSQL docs, CREATE FUNCTION,
    // "SET configuration_parameter FROM CURRENT").
    await sql`create function tessera_bump_collection_generation() returns trigger
      language plpgsql set search_path from current as $$
      begin
        if tg_op <> 'INSERT' then
          update collection_generations set generation = generation + 1 where collection = old.collection;
        end if;
        if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.collection is distinct from old.collection) then
          update collection_generations set generation = generation + 1 where collection = new.collection;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger documents_generation_insert after insert on documents for each row
      when (new.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
    await sql`create trigger documents_generation_update after update on documents for each row
      when (new.collection in (${list}) or old.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
    await sql`create trigger documents_generation_delete after delete on documents for each row
      when (old.collection in (${list})) execute function tessera_bump_collection_generation()`.execute(db);
  },
};
