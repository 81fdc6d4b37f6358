/**
 * Seeding N identities into a stopped Tessera's store, fast.
 *
 * The storage contract (src/storage/contract.ts) has no batch or transaction, so seeding 10^6
 * identities through Collection.create — three documents each (on SQLite, concurrent creates share
 * group commits; on PostgreSQL each is its own transaction) — is measured on a small sample only
 * (`contractRate`) and extrapolated. The bulk path writes the very rows SqlCollection.create writes (src/storage/sql/
 * collection.ts: collection, id, JSON body, version 1, created_at = updated_at) into the
 * `documents` table of migration 0001, in large transactions (SQLite, one prepared statement) or
 * large multi-row statements (PostgreSQL, INSERT … SELECT FROM unnest of arrays). The schema is
 * created by openStorage first, and the result is read back through the contract (count + get).
 *
 * Documents follow src/services/cognito-identity/store.ts: for each identity
 *   ci.logins          <poolId>/<enc(providerKey)>/<subject> → LoginRecord
 *   ci.pool-identities <poolId>/<identityId>                 → {}
 *   ci.identities      <identityId>                          → IdentityRecord
 * with publicProvider true (an OIDC provider, as src/tokens/logins/oidc-login.ts reports it).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

const ROWS_PER_TX = 60_000;

/** Subject of seeded identity i (stable, so a later run could address them again). */
export const seededSubject = (i) => `seed-${i}`;

function identityRows({ poolId, providerKey, region, i, at }) {
  const identityId = `${region}:${randomUUID()}`;
  const subject = seededSubject(i);
  const login = { poolId, providerKey, subject, identityId, publicProvider: true, linkedAt: at };
  const record = { identityId, poolId, logins: [{ providerKey, subject, publicProvider: true }], authenticated: true, createdAt: at, lastModifiedAt: at };
  return {
    identityId,
    subject,
    rows: [
      ['ci.logins', `${poolId}/${encodeURIComponent(providerKey)}/${subject}`, JSON.stringify(login)],
      ['ci.pool-identities', `${poolId}/${identityId}`, '{}'],
      ['ci.identities', identityId, JSON.stringify(record)],
    ],
  };
}

/** Keeps about `size` (subject, identityId) pairs spread evenly over [from, to). */
function sampler(from, to, size) {
  const stride = Math.max(1, Math.floor((to - from) / size));
  const sample = [];
  return { sample, offer: (i, subject, identityId) => (i - from) % stride === 0 && sample.length < size && sample.push({ subject, identityId }) };
}

/**
 * Inserts identities [from, to) for `poolId`. Returns { seconds, identities, sample }.
 * @param {{ kind: 'sqlite'|'postgres', dataDir: string, databaseUrl?: string, poolId: string, providerKey: string,
 *           region: string, from: number, to: number, sampleSize?: number }} o
 */
export async function bulkSeed(o) {
  const started = process.hrtime.bigint();
  const at = new Date().toISOString();
  const { sample, offer } = sampler(o.from, o.to, o.sampleSize ?? 50_000);
  if (o.kind === 'sqlite') {
    const db = new Database(join(o.dataDir, 'tessera.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      const insert = db.prepare('insert into documents (collection, id, body, version, created_at, updated_at) values (?, ?, ?, 1, ?, ?)');
      const batch = db.transaction((lo, hi) => {
        for (let i = lo; i < hi; i++) {
          const r = identityRows({ ...o, i, at });
          for (const [c, id, body] of r.rows) insert.run(c, id, body, at, at);
          offer(i, r.subject, r.identityId);
        }
      });
      for (let lo = o.from; lo < o.to; lo += ROWS_PER_TX / 3) batch(lo, Math.min(o.to, lo + ROWS_PER_TX / 3));
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: o.databaseUrl });
    await client.connect();
    try {
      const perStatement = 10_000;
      for (let lo = o.from; lo < o.to; lo += perStatement) {
        const cols = [[], [], []];
        for (let i = lo; i < Math.min(o.to, lo + perStatement); i++) {
          const r = identityRows({ ...o, i, at });
          for (const row of r.rows) for (let k = 0; k < 3; k++) cols[k].push(row[k]);
          offer(i, r.subject, r.identityId);
        }
        await client.query(
          'insert into documents (collection, id, body, version, created_at, updated_at) ' +
            'select c, i, b, 1, $4::timestamptz, $4::timestamptz from unnest($1::text[], $2::text[], $3::text[]) as t(c, i, b)',
          [...cols, at],
        );
      }
      // VACUUM ANALYZE now, not autovacuum later: a freshly bulk-loaded table otherwise gets
      // vacuumed (and its hint bits set by the first readers) during the measured phases.
      await client.query('vacuum (analyze) documents');
      // Flush the load now (a spread checkpoint would otherwise run during the measured phases)
      // and read the table and its primary key once so the phases start from a warm cache, as a
      // long-running server would be. Whether 10^6 identities then fit in shared_buffers is the
      // server's configuration (about 1.5 GB of heap + index per 10^6 identities).
      await client.query('checkpoint');
      await client.query('select count(*) from documents');
      await client.query("select count(*) from (select collection, id from documents order by collection, id) k");
    } finally {
      await client.end();
    }
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, identities: o.to - o.from, sample };
}

/**
 * Seeds `n` identities through the storage contract itself (Collection.create, the three
 * documents in the engine's write order), `concurrency` at a time; returns the rate.
 */
export async function contractSeed({ storage, poolId, providerKey, region, from, n, concurrency = 8 }) {
  const collections = {
    'ci.logins': storage.collection('ci.logins'),
    'ci.pool-identities': storage.collection('ci.pool-identities'),
    'ci.identities': storage.collection('ci.identities'),
  };
  const at = new Date().toISOString();
  const started = process.hrtime.bigint();
  let next = from;
  const sample = [];
  const worker = async () => {
    while (next < from + n) {
      const i = next++;
      const r = identityRows({ poolId, providerKey, region, i, at });
      for (const [c, id, body] of r.rows) await collections[c].create(id, JSON.parse(body));
      sample.push({ subject: r.subject, identityId: r.identityId });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, identities: n, rate: n / seconds, sample };
}

/** Reads the seeded store back through the contract: counts per collection and one sampled login. */
export async function verifySeed({ storage, poolId, providerKey, probe }) {
  const logins = await storage.collection('ci.logins').count(`${poolId}/`);
  const listed = await storage.collection('ci.pool-identities').count(`${poolId}/`);
  const login = await storage.collection('ci.logins').get(`${poolId}/${encodeURIComponent(providerKey)}/${probe.subject}`);
  const identity = login && (await storage.collection('ci.identities').get(login.identityId));
  if (!login || login.identityId !== probe.identityId || !identity || identity.identityId !== probe.identityId) {
    throw new Error(`seeded identity ${probe.subject} does not read back through the storage contract`);
  }
  return { logins, listed };
}

/**
 * `count` more users of the bench user pool, each a copy of the fixture's confirmed user (same
 * stored password hash and SRP verifier, so the same password signs each of them in) under its own
 * username and sub, written through the storage contract as src/services/cognito-idp/users.ts
 * writes them: cognito-idp.users <poolId>/<username> and cognito-idp.user-subs <poolId>/<sub>.
 * For InitiateAuth with a different user on every request: Tessera's password memo is keyed by the
 * user, so none of these has an entry until it signs in. Returns their usernames.
 */
export async function cloneUsers({ storage, userPoolId, template, count, concurrency = 8 }) {
  const users = storage.collection('cognito-idp.users');
  const subs = storage.collection('cognito-idp.user-subs');
  const source = await users.get(`${userPoolId}/${template}`);
  if (!source?.password) throw new Error(`bench user ${template} of ${userPoolId} not found (or has no password) in storage`);
  const names = Array.from({ length: count }, (_, i) => `${template}-${i}`);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const username = names[next++];
      const sub = randomUUID();
      await users.create(`${userPoolId}/${username}`, { ...source, username, sub, attributes: { ...source.attributes, sub } });
      await subs.create(`${userPoolId}/${sub}`, { username });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return names;
}
