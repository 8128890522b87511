import type { Db } from './db';

export type RunKind = 'collect' | 'backfill';
export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'interrupted';

/** {endpoint: {status: count}}; status 0 = network error or timeout. */
export type ApiCallCounts = Record<string, Record<string, number>>;
export interface RunError {
  step: string;
  message: string;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running' | 'interrupted'>;
  apiCalls: ApiCallCounts;
  rowsWritten: Record<string, number>;
  errors: RunError[];
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

export interface RunRecord extends Omit<RunOutcome, 'status'> {
  id: number;
  kind: RunKind;
  status: RunStatus;
  startedMs: number;
  endedMs: number | null;
}

interface RawRun {
  id: number;
  kind: RunKind;
  status: RunStatus;
  started_ms: number;
  ended_ms: number | null;
  api_calls: string;
  rows_written: string;
  errors: string;
  rate_limit_waits: number;
  rate_limit_wait_ms: number;
}

function toRecord(r: RawRun): RunRecord {
  return {
    id: r.id, kind: r.kind, status: r.status, startedMs: r.started_ms, endedMs: r.ended_ms,
    apiCalls: JSON.parse(r.api_calls) as ApiCallCounts, rowsWritten: JSON.parse(r.rows_written) as Record<string, number>,
    errors: JSON.parse(r.errors) as RunError[], rateLimitWaits: r.rate_limit_waits, rateLimitWaitMs: r.rate_limit_wait_ms,
  };
}

/** Collection runs and their outcomes (collection_runs). */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  start(kind: RunKind, nowMs: number): number {
    return Number(this.db.prepare("INSERT INTO collection_runs (kind, started_ms, status) VALUES (?, ?, 'running')").run(kind, nowMs).lastInsertRowid);
  }

  finish(id: number, outcome: RunOutcome, nowMs: number): void {
    this.db.prepare(
      `UPDATE collection_runs SET ended_ms = ?, status = ?, api_calls = ?, rows_written = ?, errors = ?,
         rate_limit_waits = ?, rate_limit_wait_ms = ? WHERE id = ?`,
    ).run(
      nowMs, outcome.status, JSON.stringify(outcome.apiCalls), JSON.stringify(outcome.rowsWritten),
      JSON.stringify(outcome.errors), outcome.rateLimitWaits, outcome.rateLimitWaitMs, id,
    );
  }

  /**
   * Runs still 'running' when nobody holds the collector lease were cut short (kill -9, power loss).
   * The runner calls this right after taking the lease, so a live run is never relabelled.
   */
  markInterrupted(nowMs: number): number {
    return this.db.prepare("UPDATE collection_runs SET status = 'interrupted', ended_ms = ? WHERE status = 'running'").run(nowMs).changes;
  }

  /** Newest first. */
  list(limit = 50): RunRecord[] {
    return (this.db.prepare('SELECT * FROM collection_runs ORDER BY id DESC LIMIT ?').all(limit) as RawRun[]).map(toRecord);
  }
}
