import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations, type Migration } from './migrations';

export type Db = Database.Database;

/**
 * The store cannot be opened or written: the message names DATABASE_PATH, the file and what to do,
 * so the CLI prints it without a stack trace.
 */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    readonly code?: string,
  ) {
    super(`cannot use the database DATABASE_PATH=${file} (${path.resolve(file)}): ${reason}`);
    this.name = 'StoreOpenError';
  }
}

export interface OpenDbOptions {
  /** Refuse a file that does not exist instead of creating it (`detect` only reads what collections wrote). */
  mustExist?: boolean;
  /** Told before pending migrations upgrade a store that had a schema already: copying a large table takes a while. */
  onUpgrade?: (from: number, to: number) => void;
}

/** An fs or SQLite error while opening, as a sentence a user can act on. */
function openFailure(file: string, err: unknown): StoreOpenError {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const reasons: Record<string, string> = {
    EEXIST: 'a parent of it is a file, not a directory',
    ENOTDIR: 'a parent of it is a file, not a directory',
    EACCES: 'permission denied: the process cannot write to it or its directory',
    EPERM: 'permission denied: the process cannot write to it or its directory',
    EROFS: 'it is on a read-only file system',
    ENOSPC: 'the disk is full',
    SQLITE_CANTOPEN: 'SQLite cannot open it (is its directory writable, and is it a file?)',
    SQLITE_NOTADB:
      'the file is not a SQLite database (corrupt, or another file): move it aside to start over, or restore a backup',
    SQLITE_CORRUPT: 'the database file is corrupt: move it aside to start over, or restore a backup',
    SQLITE_FULL: 'the disk is full',
  };
  const readonly = code?.startsWith('SQLITE_READONLY')
    ? 'it is read-only: the process cannot write the file, or its directory (SQLite needs the directory for the -wal file)'
    : undefined;
  const reason = (code && reasons[code]) ?? readonly ?? `${e instanceof Error ? e.message : String(err)}`;
  return new StoreOpenError(file, `${reason}${code ? ` [${code}]` : ''}`, code);
}

/** SQLite result codes that mean the file cannot be written (full, read-only, I/O, corrupt), not a bug. */
const STORAGE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CORRUPT|NOTADB|CANTOPEN)/;

/**
 * A write that failed because of the database file (disk full, read-only, corrupt) as a
 * StoreOpenError naming the path; undefined for any other error.
 */
export function storageFailure(db: Db, err: unknown): StoreOpenError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !STORAGE_CODES.test(code)) return undefined;
  return openFailure(db.name, err);
}

/**
 * Opens (creating if needed) the SQLite store in WAL mode, applies pending migrations and checks it
 * can be written. WAL + synchronous=NORMAL survives kill -9 with every committed transaction intact.
 * Throws StoreOpenError naming the path for every way this can fail.
 */
export function openDb(file: string, list: Migration[] = migrations, opts: OpenDbOptions = {}): Db {
  if (file === ':memory:') return setUp(new Database(file), list, opts);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    throw openFailure(file, err);
  }
  if (stat?.isDirectory())
    throw new StoreOpenError(
      file,
      'it is a directory: DATABASE_PATH names the database file, e.g. ./data/cursor-usage.db',
    );
  if (!stat && opts.mustExist)
    throw new StoreOpenError(file, 'no such file: check the path (collect, backfill and serve create it)', 'ENOENT');
  let db: Db | undefined;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    return setUp(db, list, opts);
  } catch (err) {
    db?.close();
    throw openFailure(file, err);
  }
}

function setUp(db: Db, list: Migration[], opts: OpenDbOptions): Db {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 16 MB of page cache instead of SQLite's 2 MB: a backfill's daily pre-aggregates and their
  // indexes stay in it instead of being read back from the WAL (bench/HISTORY.md, ingest: ~7% less time).
  db.pragma('cache_size = -16000');
  const version = migrate(db, list, opts.onUpgrade);
  // A read-only file opens and reads fine; fail now rather than at the first write of a collection.
  db.pragma(`user_version = ${version}`);
  return db;
}

export function migrate(db: Db, list: Migration[] = migrations, onUpgrade?: OpenDbOptions['onUpgrade']): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const target = Math.max(current, ...list.map((m) => m.version));
  if (current > 0 && target > current) onUpgrade?.(current, target);
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
