/**
 * Per-issuer cache of OpenID discovery + JWKS, with the staleness and rate bounds of
 * security.md N01/N03–N06 and reliability promises R6/R7 (numbers are jose's
 * `createRemoteJWKSet` defaults):
 *  - discovery at `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4:
 *    a terminating "/" of the issuer is removed first); its `issuer` must equal the token issuer
 *    exactly (§4.3) and `jwks_uri` must be https (N01);
 *  - a key set is served for at most `maxAgeMs` (10 min) after it was fetched, so a key removed
 *    at the IdP stops verifying within that bound (N05);
 *  - an unknown `kid` may force a refetch at most once per `cooldownMs` (30 s) per issuer (N04),
 *    and concurrent callers share one in-flight fetch (single-flight, R7);
 *  - a failed fetch is remembered for the cooldown, so a down IdP is not hammered (N06);
 *  - at most `maxIssuers` (1000) issuers are kept, least recently used evicted;
 *  - a JWKS with more than `maxKeys` (100) keys is refused; unparseable keys are skipped.
 * Providers that publish a JWKS at a fixed URL without discovery (Google, Apple: the social
 * verifiers of tokens/logins/) pass that `jwksUri`, and the discovery step is skipped.
 * Time comes from the injected clock only.
 */
import { Refusal } from '../errors/index.js';
import { FETCH_DEFAULTS, fetchJson as defaultFetchJson, type FetchJson } from './fetch.js';
import { parseJwks, type VerificationKey } from './jwk.js';

export interface KeySnapshot {
  issuer: string;
  jwksUri: string;
  keys: readonly VerificationKey[];
  skipped: ReadonlyArray<{ index: number; reason: string }>;
  /** Epoch ms of the fetch that produced this snapshot. */
  fetchedAt: number;
}

export interface JwksCacheOptions {
  clock: () => Date;
  fetchJson?: FetchJson;
  maxAgeMs?: number;
  cooldownMs?: number;
  maxIssuers?: number;
  maxKeys?: number;
  /** Passed to fetchJson for each request. */
  timeoutMs?: number;
  maxBytes?: number;
  /** Monotonic milliseconds for the shared fetch deadline (default performance.now; tests count instead of sleeping). */
  elapsedMs?: () => number;
}

export interface JwksCache {
  /** Keys no older than the max age; fetches when there are none. */
  get(issuer: string, thumbprints: readonly string[], jwksUri?: string): Promise<KeySnapshot>;
  /**
   * For a kid the current keys do not have: refetches unless a fetch for this issuer started
   * less than the cooldown ago, in which case the current keys are returned.
   */
  refresh(issuer: string, thumbprints: readonly string[], jwksUri?: string): Promise<KeySnapshot>;
  /** Number of issuers held (for tests and metrics). */
  size(): number;
}

export const JWKS_CACHE_DEFAULTS = { maxAgeMs: 10 * 60_000, cooldownMs: 30_000, maxIssuers: 1000, maxKeys: 100 } as const;

interface Entry {
  snapshot?: KeySnapshot;
  inflight?: Promise<KeySnapshot>;
  /** Epoch ms when the last fetch started (success or failure). */
  lastAttempt: number;
  lastError?: { error: unknown; at: number };
}

function idpError(check: string, message: string, expected: unknown, actual: unknown): Refusal {
  return new Refusal('IdpCommunication', message, { check, expected, actual });
}

/** OpenID Connect Discovery 1.0 §4: remove one terminating "/" before appending the well-known path. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`;
}

function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && !u.username && !u.password;
  } catch {
    return false;
  }
}

export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const fetchJson = options.fetchJson ?? defaultFetchJson;
  const maxAgeMs = options.maxAgeMs ?? JWKS_CACHE_DEFAULTS.maxAgeMs;
  const cooldownMs = options.cooldownMs ?? JWKS_CACHE_DEFAULTS.cooldownMs;
  const maxIssuers = options.maxIssuers ?? JWKS_CACHE_DEFAULTS.maxIssuers;
  const maxKeys = options.maxKeys ?? JWKS_CACHE_DEFAULTS.maxKeys;
  const fetchLimits = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
  };
  const now = () => options.clock().getTime();
  const elapsedMs = options.elapsedMs ?? (() => performance.now());
  // Map iteration order is insertion order: re-inserting on use makes the first key the LRU.
  const entries = new Map<string, Entry>();

  const entryFor = (issuer: string, thumbprints: readonly string[], jwksUri: string | undefined): Entry => {
    // Thumbprints are part of the trust decision, so they are part of the cache key.
    const id = `${issuer}\n${jwksUri ?? ''}\n${[...thumbprints].map((t) => t.toLowerCase()).sort().join(',')}`;
    let entry = entries.get(id);
    if (entry) entries.delete(id);
    else entry = { lastAttempt: -Infinity };
    entries.set(id, entry);
    while (entries.size > maxIssuers) entries.delete(entries.keys().next().value as string);
    return entry;
  };

  const load = async (issuer: string, thumbprints: readonly string[], fixedJwksUri: string | undefined): Promise<KeySnapshot> => {
    const fetchOptions = { ...fetchLimits, thumbprints };
    if (fixedJwksUri !== undefined) return loadJwks(issuer, fixedJwksUri, fetchOptions);
    // Discovery and JWKS share one deadline, so a slow IdP costs callers at most one timeout (R8).
    // Elapsed time is measured with the monotonic clock: this is wall time spent waiting, not token time.
    const started = elapsedMs();
    const budget = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
    const discovery = await fetchJson(discoveryUrl(issuer), fetchOptions);
    if (typeof discovery !== 'object' || discovery === null || Array.isArray(discovery)) {
      throw idpError('discovery.format', 'discovery document is not a JSON object', 'object', typeof discovery);
    }
    const doc = discovery as Record<string, unknown>;
    if (doc.issuer !== issuer) {
      throw idpError('discovery.issuer', 'discovery document names another issuer', issuer, doc.issuer);
    }
    if (!isHttpsUrl(doc.jwks_uri)) {
      throw idpError('discovery.jwks_uri', 'discovery document has no https jwks_uri', 'an https:// URL', doc.jwks_uri);
    }
    const remaining = Math.max(1, Math.round(budget - (elapsedMs() - started)));
    return loadJwks(issuer, doc.jwks_uri, { ...fetchOptions, timeoutMs: remaining });
  };

  const loadJwks = async (issuer: string, jwksUri: string, fetchOptions: Parameters<FetchJson>[1]): Promise<KeySnapshot> => {
    const jwks = await fetchJson(jwksUri, fetchOptions);
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray(keys)) {
      throw idpError('jwks.format', 'JWKS is not an object with a keys array', '{"keys":[…]}', typeof jwks);
    }
    if (keys.length > maxKeys) {
      throw idpError('jwks.keys', `JWKS holds more than ${maxKeys} keys`, `≤ ${maxKeys}`, keys.length);
    }
    const parsed = parseJwks({ keys });
    return { issuer, jwksUri, keys: parsed.keys, skipped: parsed.skipped, fetchedAt: now() };
  };

  const start = (entry: Entry, issuer: string, thumbprints: readonly string[], jwksUri: string | undefined): Promise<KeySnapshot> => {
    if (entry.inflight) return entry.inflight;
    const startedAt = now();
    entry.lastAttempt = startedAt;
    const p = load(issuer, thumbprints, jwksUri).then(
      (snapshot) => {
        entry.snapshot = snapshot;
        delete entry.lastError;
        return snapshot;
      },
      (error: unknown) => {
        entry.lastError = { error, at: startedAt };
        throw error;
      },
    );
    entry.inflight = p;
    const clear = () => {
      if (entry.inflight === p) delete entry.inflight;
    };
    p.then(clear, clear);
    return p;
  };

  const get = (issuer: string, thumbprints: readonly string[], jwksUri?: string): Promise<KeySnapshot> => {
    const entry = entryFor(issuer, thumbprints, jwksUri);
    const t = now();
    if (entry.snapshot && t - entry.snapshot.fetchedAt < maxAgeMs) return Promise.resolve(entry.snapshot);
    if (entry.inflight) return entry.inflight;
    if (entry.lastError && t - entry.lastError.at < cooldownMs) return Promise.reject(entry.lastError.error);
    return start(entry, issuer, thumbprints, jwksUri);
  };

  const refresh = (issuer: string, thumbprints: readonly string[], jwksUri?: string): Promise<KeySnapshot> => {
    const entry = entryFor(issuer, thumbprints, jwksUri);
    if (entry.inflight) return entry.inflight;
    if (now() - entry.lastAttempt < cooldownMs) return get(issuer, thumbprints, jwksUri);
    return start(entry, issuer, thumbprints, jwksUri);
  };

  return { get, refresh, size: () => entries.size };
}
