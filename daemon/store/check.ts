import { open as openFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An LMDB environment that cannot be opened safely. LMDB maps the file and trusts its
 * header: a truncated file faults with SIGBUS, a zeroed header with SIGSEGV, and an
 * empty file is taken for a new store (every record silently gone). So the file is
 * read before it is mapped, and a damaged one is refused with what happened and what
 * to do.
 */
export class StoreDamaged extends Error {
  constructor(
    readonly dir: string,
    readonly problem: string,
    backup: { path: string; time: Date } | null,
    /** What starting fresh forgets. */
    loses = 'every session record, checkpoint and queued message is forgotten; running tmux sessions are reported as unmanaged',
  ) {
    const recover =
      backup === null
        ? 'There is no backup of it.'
        : `The last good copy, from ${backup.time.toISOString()}, is at ${backup.path}: to use it, move ${dir} away and copy that directory in its place (mv ${dir} ${dir}.damaged && cp -a ${backup.path} ${dir}).`;
    super(
      `the store at ${dir} is damaged: ${problem}. sessd will not start on it. ${recover} To start fresh instead (${loses}), move ${dir} away.`,
    );
    this.name = 'StoreDamaged';
  }
}

/**
 * The meta page layout of the LMDB that lmdb-js 3 builds (64-bit): a 24-byte page
 * header (pgno, txnid, pad, flags, lower, upper), then MDB_meta: magic, version,
 * address, mapsize, two MDB_db records of 48 bytes (the first one's `md_pad` holds the
 * page size), last page number, txnid.
 */
const META = {
  flags: 18,
  magic: 24,
  pageSize: 48,
  lastPage: 144,
  txnid: 152,
  end: 160,
} as const;
const P_META = 0x08;
const MAGIC = 0xbeefc0de;

interface Meta {
  lastPage: bigint;
  txnid: bigint;
  pageSize: number;
}

function readMeta(page: Buffer): Meta | null {
  if (page.length < META.end) return null;
  if ((page.readUInt16LE(META.flags) & P_META) === 0 || page.readUInt32LE(META.magic) !== MAGIC) return null;
  return { lastPage: page.readBigUInt64LE(META.lastPage), txnid: page.readBigUInt64LE(META.txnid), pageSize: page.readUInt32LE(META.pageSize) };
}

/**
 * Why the environment in `dir` must not be opened, or null when it looks whole (or
 * does not exist yet: a new store). Reads the two meta pages; the newer valid one says
 * how long the file must be.
 */
export async function storeProblem(dir: string): Promise<string | null> {
  const file = join(dir, 'data.mdb');
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (size === 0) return 'data.mdb is empty (0 bytes): it was truncated';
  const handle = await openFile(file, 'r');
  try {
    const first = Buffer.alloc(META.end);
    await handle.read(first, 0, META.end, 0);
    const meta0 = readMeta(first);
    const pageSize = meta0?.pageSize ?? 4096;
    const second = Buffer.alloc(META.end);
    const { bytesRead } = await handle.read(second, 0, META.end, pageSize);
    const meta1 = bytesRead === META.end ? readMeta(second) : null;
    const metas = [meta0, meta1].filter((m): m is Meta => m !== null);
    if (metas.length === 0) return 'data.mdb has no readable header (neither LMDB meta page is valid)';
    const newest = metas.reduce((a, b) => (b.txnid > a.txnid ? b : a));
    const needed = (newest.lastPage + 1n) * BigInt(newest.pageSize);
    if (BigInt(size) < needed) return `data.mdb is shorter than its header says (${size} of at least ${needed} bytes): it was truncated`;
    return null;
  } finally {
    await handle.close();
  }
}
