/**
 * The storage contract. Every backend (embedded SQLite, PostgreSQL) implements exactly this,
 * and the conformance suite (src/storage/conformance/) proves it. Services reach storage only
 * through it.
 *
 * Model: named collections of JSON documents keyed by a string id (design.md §6):
 * create / get / list (ordered by id, prefix filter, opaque page tokens) / update with
 * compare-and-swap (the updater may run more than once) / delete. Uniqueness of ids is enforced
 * by the database (primary key), never by read-then-write, so two nodes racing to create the
 * same id yield exactly one winner and one AlreadyExistsError.
 */

export class AlreadyExistsError extends Error {
  constructor(readonly collection: string, readonly id: string) {
    super(`${collection}/${id} already exists`);
    this.name = 'AlreadyExistsError';
  }
}

export class NotFoundError extends Error {
  constructor(readonly collection: string, readonly id: string) {
    super(`${collection}/${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** An update lost the compare-and-swap race more times than the backend's retry budget allows. */
export class UpdateContentionError extends Error {
  constructor(readonly collection: string, readonly id: string, readonly attempts: number) {
    super(`${collection}/${id}: update lost ${attempts} compare-and-swap races`);
    this.name = 'UpdateContentionError';
  }
}

/** A page token was not produced by this collection/prefix, or is corrupt. */
export class InvalidPageTokenError extends Error {
  constructor() {
    super('invalid pagination token');
    this.name = 'InvalidPageTokenError';
  }
}

export interface Page<T> {
  items: Array<{ id: string; doc: T }>;
  /** Opaque; present when more items may follow. */
  next?: string;
}

export interface ListOptions {
  /** Only ids starting with this string (compared byte-wise, case-sensitive). */
  prefix?: string;
  /** 1..1000 */
  limit: number;
  /** A `next` token from a previous page of the same list call. */
  pageToken?: string;
}

export interface Collection<T> {
  /** Inserts; throws AlreadyExistsError if the id exists. */
  create(id: string, doc: T): Promise<void>;
  /** Inserts if absent; returns the stored document (the existing one if there was one). */
  createIfAbsent(id: string, doc: T): Promise<{ doc: T; created: boolean }>;
  get(id: string): Promise<T | undefined>;
  list(options: ListOptions): Promise<Page<T>>;
  /** Counts ids with the prefix (all when omitted). */
  count(prefix?: string): Promise<number>;
  /**
   * Compare-and-swap update. `updater` receives the current document and returns the new one;
   * it may run more than once under contention, so it must be pure. Throwing from it aborts the
   * update and propagates the error. Throws NotFoundError when the id is absent, and
   * UpdateContentionError when other writers keep winning past the backend's retry budget.
   */
  update(id: string, updater: (current: T) => T): Promise<T>;
  /** Returns whether a document was deleted. */
  delete(id: string): Promise<boolean>;
}

/** Collection names in use; a backend may create them lazily or up front. */
export type CollectionName =
  | 'iam.oidc-providers'
  | 'iam.saml-providers'
  | 'iam.roles'
  | 'iam.role-policies'
  | 'iam.policies'
  | 'iam.role-attachments'
  | 'iam.users'
  | 'iam.user-policies'
  | 'iam.user-attachments'
  | 'iam.groups'
  | 'iam.group-policies'
  | 'iam.group-attachments'
  | 'iam.group-members'
  | 'iam.user-groups'
  | 'iam.access-keys'
  | 'iam.access-key-ids'
  | 'keys'
  | (string & {});

/** One document of a createIfAbsentInOrder call. */
export interface OrderedCreate {
  collection: CollectionName;
  id: string;
  doc: unknown;
}

/** Most entries in one createIfAbsentInOrder call. */
export const MAX_ORDERED_CREATES = 32;

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  collection<T>(name: CollectionName): Collection<T>;
  /**
   * createIfAbsent of each entry, in the listed order, as one write: resolves once every entry
   * is durable, with each entry's outcome at its index (the stored document and `created: false`
   * for an id that existed, or that an earlier entry of the same call created).
   *
   * Ordered: an entry is never stored while an entry before it is not, for any reader and across
   * any crash. On SQLite (group commit) the call is one write unit, and on PostgreSQL one
   * statement, so its entries become durable and visible together or not at all (with
   * `ifFirstCreated`, on PostgreSQL, the first commits alone before the rest).
   * Every id and document is checked before anything is written (a bad one throws and writes
   * nothing); if an entry fails at the database, no later entry is written and earlier ones may
   * or may not remain. 0..MAX_ORDERED_CREATES entries (RangeError beyond).
   *
   * With `ifFirstCreated`, the entries after the first are written only if the first was created:
   * when its id existed, nothing else is written and the result holds the first entry's outcome
   * alone.
   */
  createIfAbsentInOrder(
    entries: readonly OrderedCreate[],
    options?: { ifFirstCreated?: boolean },
  ): Promise<Array<{ doc: unknown; created: boolean }>>;
  /** Round-trips to the database; used by /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
