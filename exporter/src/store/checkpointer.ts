/**
 * WAL checkpoints on a thread of their own. Left to SQLite, the commit that grows the WAL past
 * 1,000 pages copies them into the database file and waits for two fsyncs, on the thread that
 * writes: in a backfill that thread is the ingest's bottleneck, and in `serve` it is the event loop
 * (every scrape and API request waits out the disk). SQLite's documentation names the remedy: turn
 * the automatic checkpoint off and run checkpoints from another thread. checkpoint-worker.ts opens a
 * connection of its own and runs a PASSIVE checkpoint every CHECKPOINT_INTERVAL_MS: it takes no
 * lock a writer or reader waits on and copies only committed frames, so a crash at any moment
 * leaves the database as consistent as before. Should the worker die, the connection goes back to
 * automatic checkpoints: the WAL never grows without bound.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerSource } from '../domain/worker-source';
import type { Db } from './db';

export interface CheckpointJob {
  file: string;
  intervalMs: number;
}

export interface Checkpointer {
  /** Back to SQLite's automatic checkpoints; resolves once the worker has closed its connection. */
  stop(): Promise<void>;
}

/** Often enough that the WAL stays at a few MB during a backfill; an idle check costs microseconds. */
const CHECKPOINT_INTERVAL_MS = 200;
/** SQLite's default wal_autocheckpoint (pages). */
const AUTOCHECKPOINT_PAGES = 1000;

export function checkpointInBackground(db: Db, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  if (db.memory) return { stop: async () => {} }; // no WAL: nothing to checkpoint
  const job: CheckpointJob = { file: path.resolve(db.name), intervalMs };
  const worker = new Worker(workerSource(__filename, 'checkpoint-worker'), {
    eval: true,
    workerData: job,
    // It holds a connection and a timer, nothing more.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref(); // never what keeps a process alive
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  db.pragma('wal_autocheckpoint = 0');
  const automatic = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', automatic);
  worker.on('exit', automatic);
  return {
    async stop() {
      automatic();
      worker.postMessage('stop');
      await exited;
    },
  };
}
