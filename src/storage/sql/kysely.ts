/**
 * kysely's values, loaded from its CommonJS build. kysely ships both builds; its ESM build is
 * about 260 modules, and Node's ESM loader keeps more per module than the CommonJS loader: on
 * Node 20, in a bare process, importing the ESM build added 19 MiB of RSS and requiring the
 * CommonJS build 12 MiB; Tessera with SQLite open went from 502 to 247 loaded modules and from
 * about 96 to 91 MiB (together with loading pg only for PostgreSQL;
 * bench/results/2026-12-03-eve-analysis.md, "Memory"). Every worker pays it, so the storage layer
 * takes kysely's values from here; type-only imports still name 'kysely' (erased). Nothing else
 * in Tessera loads kysely, so no object crosses between the two builds.
 */
import { createRequire } from 'node:module';
import type * as K from 'kysely';

const kysely = createRequire(import.meta.url)('kysely') as typeof K;

export const { Kysely, SqliteDialect, PostgresDialect, CompiledQuery, sql } = kysely;
export type Kysely<DB> = K.Kysely<DB>;
export type CompiledQuery<O = unknown> = K.CompiledQuery<O>;
