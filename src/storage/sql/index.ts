/**
 * The SQL layer shared by both dialects: the Collection<T> implementation over the `documents`
 * table (kysely, bound parameters only), the write-path seam its write units run through,
 * byte-wise id/prefix rules, opaque page tokens, and the Storage wrapper that tracks in-flight
 * work for close(). Dialect folders (sqlite/, postgres/) only open the connection, supply the
 * migration lock, translate unique violations and (SQLite) the statement cache and group commit.
 */
export { SqlCollection, UpdateContentionError, MAX_LIST_LIMIT, type DialectAdapter, type CollectionDeps } from './collection.js';
export { SqlStorage, StorageClosedError, type SqlStorageOptions } from './storage.js';
export { DocumentCache, DEFAULT_DOCUMENT_CACHE, type DocumentCacheOptions, type Generations } from './document-cache.js';
export { directWrites, type WritePath, type WriteUnit } from './writes.js';
export { checkKey, compareIds, prefixSuccessor } from './ids.js';
export { encodePageToken, decodePageToken } from './page-token.js';
export type { Dialect, TesseraDatabase } from './schema.js';
