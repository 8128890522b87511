/**
 * The detection pass off the main thread. At 10,000 people × 90 days loading the facts and running
 * the detectors takes ~2 s of CPU; on the main thread that held every scrape and dashboard query
 * behind it. A worker per pass (detection-worker.ts) opens the store file read-only, runs detectFrom,
 * the same code the in-process pass runs, and posts the result back; the caller persists it as before.
 * A worker that fails or dies rejects, so the cycle records a failed run and the process lives on.
 */
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { DetectionSettings } from './detect/settings';
import type { DetectionResult } from './detect/types';
import type { DetectFn } from './detection-cycle';
import { workerSource } from './domain/worker-source';

export interface DetectionJob {
  file: string;
  settings: DetectionSettings;
  nowMs: number;
}

export type DetectionReply = { ok: true; result: DetectionResult } | { ok: false; message: string };

/**
 * A DetectFn that runs each pass in a new worker over the store file `file` (not ':memory:', which
 * only its own connection sees). `resourceLimits` caps the worker's heap: past it the pass fails,
 * not the process. Once `signal` aborts (shutdown), a pass under way is ended rather than waited out
 * (it only reads, so nothing is lost) and no new pass starts: each rejects, and its cycle records the
 * run as failed before the store closes.
 */
export function detectInWorker(
  file: string,
  opts: { resourceLimits?: ResourceLimits; signal?: AbortSignal } = {},
): DetectFn {
  const absolute = path.resolve(file);
  const { signal, resourceLimits } = opts;
  return (settings, nowMs) =>
    new Promise<DetectionResult>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('detection worker: not started, the exporter is shutting down'));
        return;
      }
      const job: DetectionJob = { file: absolute, settings, nowMs };
      const worker = new Worker(workerSource(__filename, 'detection-worker'), {
        eval: true,
        workerData: job,
        resourceLimits,
      });
      let settled = false;
      const settle = (fn: () => void) => {
        signal?.removeEventListener('abort', end);
        if (settled) return;
        settled = true;
        fn();
      };
      function end() {
        void worker.terminate();
        settle(() => reject(new Error('detection worker: ended, the exporter is shutting down')));
      }
      signal?.addEventListener('abort', end, { once: true });
      worker.once('message', (reply: DetectionReply) =>
        settle(() => (reply.ok ? resolve(reply.result) : reject(new Error(`detection worker: ${reply.message}`)))),
      );
      worker.once('error', (err) => settle(() => reject(new Error(`detection worker crashed: ${err.message}`))));
      worker.once('exit', (code) =>
        settle(() => reject(new Error(`detection worker exited (code ${code}) without a result`))),
      );
    });
}
