/**
 * Worker-thread entry of detect-in-worker.ts: one detection pass (facts loaded, detectors run) over
 * its own read-only connection to the store file, posted back as a DetectionResult. WAL lets it read
 * while the main thread serves and collects; its facts are freed when it exits.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { detectFrom } from './detect/run';
import { DetectionFactsRepo } from './store/detection-facts';
import type { DetectionJob, DetectionReply } from './detect-in-worker';

const port = parentPort;
if (port === null) throw new Error('detection-worker.ts runs only as a worker thread (see detect-in-worker.ts)');

const job = workerData as DetectionJob;
let reply: DetectionReply;
try {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction: every query of the pass sees the same snapshot while collections write.
    const result = db.transaction(() => detectFrom(new DetectionFactsRepo(db), job.settings, job.nowMs))();
    reply = { ok: true, result };
  } finally {
    db.close();
  }
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
}
port.postMessage(reply);
