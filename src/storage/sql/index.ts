/**
 * The SQL layer shared by both dialects: the Collection<T> implementation over the `documents`
 * table (kysely, bound parameters only), byte-wise id/prefix rules, opaque page tokens, and the
 * Storage wrapper that tracks in-flight work for close(). Dialect folders (sqlite/, postgres/)
 * only open the connection, supply the migration lock and translate unique violations.
 */
export { SqlCollection, UpdateContentionError, MAX_LIST_LIMIT, type DialectAdapter, type CollectionDeps } from './collection.js';
export { SqlStorage, StorageClosedError, type SqlStorageOptions } from './storage.js';
export { checkKey, compareIds, prefixSuccessor } from './ids.js';
export { encodePageToken, decodePageToken } from './page-token.js';
export type { Dialect, TesseraDatabase } from './schema.js';
