/**
 * IAM `Marker`/`MaxItems`/`IsTruncated` pagination (M-IAM paginators-1.json) over storage pages.
 *
 * Storage pages are keyed by id and filters (PathPrefix, OnlyAttached) run here, so a page of
 * IAM results may end in the middle of a storage page. The Marker therefore records where the
 * storage page began (its page token) and how many of its items were already consumed. The
 * Marker is opaque to clients, as IAM's is; a tampered one is refused with InvalidInput.
 */
import { fail } from '../../errors/index.js';
import { InvalidPageTokenError, type Collection } from '../../storage/contract.js';

/** IAM's default when MaxItems is omitted. */
export const DEFAULT_MAX_ITEMS = 100;
const STORAGE_PAGE = 100;

interface MarkerState {
  /** Storage page token of the page to resume in (absent = first page). */
  t?: string;
  /** Items of that page already consumed. */
  s: number;
}

export interface IamPage<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

function encodeMarker(state: MarkerState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function invalidMarker(marker: string): never {
  return fail('InvalidInput', 'Invalid Marker.', { reason: { check: 'iam.marker', actual: marker } });
}

function decodeMarker(marker: string): MarkerState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    return invalidMarker(marker);
  }
  const s = state as Partial<MarkerState> | null;
  if (
    typeof s !== 'object' || s === null ||
    !Number.isInteger(s.s) || (s.s as number) < 0 ||
    (s.t !== undefined && typeof s.t !== 'string')
  ) {
    return invalidMarker(marker);
  }
  return { t: s.t, s: s.s as number };
}

export interface PaginateOptions<D> {
  prefix?: string;
  marker?: string;
  maxItems?: number;
  /** Keeps only matching documents. */
  filter?: (doc: D) => boolean;
}

/** One IAM page of documents from `collection`, in id order. */
export async function paginate<D>(collection: Collection<D>, opts: PaginateOptions<D>): Promise<IamPage<D>> {
  const max = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  const start = opts.marker === undefined ? { s: 0 } as MarkerState : decodeMarker(opts.marker);
  let token = start.t;
  let skip = start.s;
  const items: D[] = [];
  for (;;) {
    let page;
    try {
      page = await collection.list({ limit: STORAGE_PAGE, ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}), ...(token !== undefined ? { pageToken: token } : {}) });
    } catch (e) {
      if (e instanceof InvalidPageTokenError) return invalidMarker(opts.marker ?? '');
      throw e;
    }
    for (let i = skip; i < page.items.length; i++) {
      const doc = page.items[i].doc;
      if (opts.filter && !opts.filter(doc)) continue;
      if (items.length === max) {
        const resume: MarkerState = { s: i };
        if (token !== undefined) resume.t = token;
        return { items, isTruncated: true, marker: encodeMarker(resume) };
      }
      items.push(doc);
    }
    if (!page.next) return { items, isTruncated: false };
    token = page.next;
    skip = 0;
  }
}

/** Pagination over a small in-memory list (tags): the Marker is the offset. */
export function paginateArray<T>(all: readonly T[], marker: string | undefined, maxItems: number | undefined): IamPage<T> {
  const max = maxItems ?? DEFAULT_MAX_ITEMS;
  let offset = 0;
  if (marker !== undefined) {
    const state = decodeMarker(marker);
    if (state.t !== undefined) invalidMarker(marker);
    offset = state.s;
  }
  const items = all.slice(offset, offset + max);
  if (offset + max < all.length) return { items, isTruncated: true, marker: encodeMarker({ s: offset + max }) };
  return { items, isTruncated: false };
}

/** The IAM list output members for a page. */
export function pageOutput<T>(page: IamPage<T>): { IsTruncated: boolean; Marker?: string } {
  return page.marker === undefined ? { IsTruncated: page.isTruncated } : { IsTruncated: page.isTruncated, Marker: page.marker };
}
