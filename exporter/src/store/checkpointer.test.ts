import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointInBackground } from './checkpointer';
import { openDb, type Db } from './db';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpointer-'));
  db = openDb(path.join(dir, 'store.db'), []);
  db.exec('CREATE TABLE blobs (b BLOB)');
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** ~8 MB in one commit: 2,000 pages, twice what makes SQLite checkpoint inside a commit. */
function writeMuch(): void {
  const insert = db.prepare('INSERT INTO blobs VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(Buffer.alloc(4000, i));
  })();
}

const fileBytes = () => fs.statSync(db.name).size;

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('checkpointInBackground', () => {
  it('moves committed pages into the database file from its own thread, not in the commit', async () => {
    const checkpointer = checkpointInBackground(db, 20);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeMuch();
    await until(() => fileBytes() > 8_000_000, 'the worker to checkpoint');
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('hands checkpoints back to SQLite when stopped: the WAL no longer waits for the worker', async () => {
    await checkpointInBackground(db, 60_000).stop();
    writeMuch();
    expect(fileBytes()).toBeGreaterThan(8_000_000); // checkpointed inside the commit again
  });

  it('hands checkpoints back to SQLite when the worker dies', async () => {
    fs.renameSync(db.name, `${db.name}.moved`); // the worker cannot open the file; this connection keeps it
    const checkpointer = checkpointInBackground(db, 20);
    await until(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000, 'the automatic checkpoint');
    await checkpointer.stop();
  });

  it('leaves a store that was closed mid-checkpoint whole and complete', async () => {
    const checkpointer = checkpointInBackground(db, 1);
    for (let k = 0; k < 3; k++) writeMuch();
    db.close();
    await checkpointer.stop();
    const again = openDb(db.name, []);
    try {
      expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(again.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(6000);
    } finally {
      again.close();
    }
  });

  it('does nothing for an in-memory store', async () => {
    const mem = openDb(':memory:', []);
    const checkpointer = checkpointInBackground(mem);
    expect(mem.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
    mem.close();
  });
});
