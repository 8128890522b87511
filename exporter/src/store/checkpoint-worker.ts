/**
 * Worker-thread entry of checkpointer.ts: a PASSIVE WAL checkpoint of the store file every
 * `intervalMs` over a connection of its own, until told to stop. An error (a full disk, a file
 * gone) ends the worker, and the writer's connection checkpoints by itself again.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointJob } from './checkpointer';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker.ts runs only as a worker thread (see checkpointer.ts)');

const { file, intervalMs } = workerData as CheckpointJob;
const db = new Database(file, { fileMustExist: true });
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);
port.once('message', () => {
  clearInterval(timer);
  db.close();
  port.close();
});
