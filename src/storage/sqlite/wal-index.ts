/**
 * "Has anything been committed to this SQLite file since I last looked?" without a read
 * transaction, from the WAL-index header at the start of the `-shm` file.
 *
 * In WAL mode every connection to the file, in any process, shares the wal-index (the `-shm`
 * file, mapped into each). Its first 96 bytes are two copies of a 48-byte header that a writer
 * rewrites at every commit, second copy first, then the first (sqlite.org/walformat.html §2.1:
 * iVersion, iChange — a counter bumped by each transaction —, isInit, page size, mxFrame — the
 * last valid frame —, database size, the checksum of the last frame, the WAL salts, and a
 * checksum over the header). A reader takes its snapshot from this header, so a commit becomes
 * visible to readers exactly when the header changes: two equal headers read at two moments mean
 * nothing was committed between them.
 *
 * One `pread` of 96 bytes costs about 1 µs and takes no lock, where `PRAGMA data_version` or any
 * read takes a read transaction (two fcntl lock calls and shared-memory traffic, 13–23 µs per
 * point read under load on the bench; bench/results/2026-12-04-analysis.md).
 *
 * A header is accepted only when both copies are identical, its checksum (native byte order, as
 * the wal-index uses) verifies, isInit is 1 and iVersion is the one this code knows (3007000).
 * Copies that differ mean a writer is between its two copies, so a commit is under way; that,
 * and anything unexpected (no -shm file, another format), is answered with `false` and the caller
 * reads the database instead. Nothing here writes to the file.
 */
import { fstatSync, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';

export const WAL_INDEX_HEADER_BYTES = 48;
/** iVersion of the wal-index header since SQLite 3.7.0 (WALINDEX_MAX_VERSION). */
export const WAL_INDEX_VERSION = 3007000;
const CHECKSUM_OFFSET = 40;

const little = endianness() === 'LE';
const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));

/** True when the 48 bytes at `at` are an initialised header of the known version whose checksum verifies. */
export function isValidWalIndexHeader(b: Buffer, at = 0): boolean {
  if (b.length < at + WAL_INDEX_HEADER_BYTES) return false;
  if (u32(b, at) !== WAL_INDEX_VERSION || b[at + 12] !== 1) return false;
  // walChecksumBytes over the 40 bytes before aCksum, in pairs of 32-bit words, modulo 2^32.
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < CHECKSUM_OFFSET; i += 8) {
    s0 = (s0 + u32(b, at + i) + s1) >>> 0;
    s1 = (s1 + u32(b, at + i + 4) + s0) >>> 0;
  }
  return s0 === u32(b, at + CHECKSUM_OFFSET) && s1 === u32(b, at + CHECKSUM_OFFSET + 4);
}

/**
 * One read-only descriptor per -shm file per process, never closed. SQLite holds POSIX (fcntl)
 * locks on the -shm file for every connection (the DMS lock for the connection's lifetime, read
 * and write locks per transaction), and POSIX drops all of a process's locks on a file when the
 * process closes any descriptor of it: closing this one while a connection of the same process is
 * open on the file (another storage, a script's handle) would silently release that connection's
 * locks, and another process could then reinitialise the wal-index under it. Entries are keyed
 * by path and checked by device and inode, so a -shm file that was deleted (SQLite removes it
 * when the last connection closes) and created again gets a descriptor of its own; the old one
 * stays open, one per file ever opened by the process.
 */
const descriptors = new Map<string, { fd: number; dev: number; ino: number }>();

function descriptorFor(shmPath: string): number | undefined {
  let st;
  try {
    st = statSync(shmPath);
  } catch {
    return undefined;
  }
  const known = descriptors.get(shmPath);
  if (known && known.dev === st.dev && known.ino === st.ino) return known.fd;
  let fd: number;
  try {
    fd = openSync(shmPath, 'r');
  } catch {
    return undefined;
  }
  const opened = fstatSync(fd);
  descriptors.set(shmPath, { fd, dev: opened.dev, ino: opened.ino });
  return fd;
}

export class WalIndexHeader {
  #fd: number | undefined;
  readonly #buf = Buffer.alloc(2 * WAL_INDEX_HEADER_BYTES);

  /** `shmPath`: the database file's name + "-shm". Unreadable: every read() answers false. */
  constructor(shmPath: string) {
    this.#fd = descriptorFor(shmPath);
  }

  /** Copies the current header into `into` (48 bytes); false when no consistent header could be read now. */
  read(into: Buffer): boolean {
    if (this.#fd === undefined) return false;
    const b = this.#buf;
    let n: number;
    try {
      n = readSync(this.#fd, b, 0, b.length, 0);
    } catch {
      return false;
    }
    if (n !== b.length) return false;
    if (b.compare(b, WAL_INDEX_HEADER_BYTES, 2 * WAL_INDEX_HEADER_BYTES, 0, WAL_INDEX_HEADER_BYTES) !== 0) return false;
    if (!isValidWalIndexHeader(b)) return false;
    b.copy(into, 0, 0, WAL_INDEX_HEADER_BYTES);
    return true;
  }

  /** Stops reading. The descriptor itself stays open (see `descriptors`). */
  close(): void {
    this.#fd = undefined;
  }
}
