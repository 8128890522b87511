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
    id: r.id,
    kind: r.kind,
    status: r.status,
    startedMs: r.started_ms,
    endedMs: r.ended_ms,
    apiCalls: JSON.parse(r.api_calls) as ApiCallCounts,
    rowsWritten: JSON.parse(r.rows_written) as Record<string, number>,
    errors: JSON.parse(r.errors) as RunError[],
    rateLimitWaits: r.rate_limit_waits,
    rateLimitWaitMs: r.rate_limit_wait_ms,
  };
}

/** A finished run's outcome and timing. */
export interface FinishedRun {
  status: RunStatus;
  startedMs: number;
  endedMs: number;
}

/** What every finished run added up to (the exporter's health counters survive restarts this way). */
export interface RunTotals {
  runs: number;
  failed: number; // failed or partial
  apiCalls: { endpoint: string; status: string; n: number }[];
  rowsWritten: { table: string; n: number }[];
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

/** Collection runs and their outcomes (collection_runs). */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  start(kind: RunKind, nowMs: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO collection_runs (kind, started_ms, status) VALUES (?, ?, 'running')")
        .run(kind, nowMs).lastInsertRowid,
    );
  }

  finish(id: number, outcome: RunOutcome, nowMs: number): void {
    this.db
      .prepare(
        `UPDATE collection_runs SET ended_ms = ?, status = ?, api_calls = ?, rows_written = ?, errors = ?,
         rate_limit_waits = ?, rate_limit_wait_ms = ? WHERE id = ?`,
      )
      .run(
        nowMs,
        outcome.status,
        JSON.stringify(outcome.apiCalls),
        JSON.stringify(outcome.rowsWritten),
        JSON.stringify(outcome.errors),
        outcome.rateLimitWaits,
        outcome.rateLimitWaitMs,
        id,
      );
  }

  /**
   * Runs still 'running' when nobody holds the collector lease were cut short (kill -9, power loss).
   * The runner calls this right after taking the lease, so a live run is never relabelled.
   */
  markInterrupted(nowMs: number): number {
    return this.db
      .prepare("UPDATE collection_runs SET status = 'interrupted', ended_ms = ? WHERE status = 'running'")
      .run(nowMs).changes;
  }

  /** Newest first. */
  list(limit = 50): RunRecord[] {
    return (this.db.prepare('SELECT * FROM collection_runs ORDER BY id DESC LIMIT ?').all(limit) as RawRun[]).map(
      toRecord,
    );
  }

  /** The last run that finished ok, partial or failed (an interrupted one tells nothing about Cursor). */
  lastFinished(): FinishedRun | undefined {
    return this.db
      .prepare(
        `SELECT status, started_ms AS startedMs, ended_ms AS endedMs FROM collection_runs
          WHERE status IN ('ok', 'partial', 'failed') ORDER BY id DESC LIMIT 1`,
      )
      .get() as FinishedRun | undefined;
  }

  /** When the last fully successful run finished; null if none did. */
  lastOkEndedMs(): number | null {
    return (
      this.db.prepare(`SELECT MAX(ended_ms) AS ms FROM collection_runs WHERE status = 'ok'`).get() as {
        ms: number | null;
      }
    ).ms;
  }

  totals(): RunTotals {
    const { db } = this;
    const counts = db
      .prepare(
        `SELECT COUNT(*) AS runs, COALESCE(SUM(status <> 'ok'), 0) AS failed FROM collection_runs WHERE ended_ms IS NOT NULL`,
      )
      .get() as { runs: number; failed: number };
    const apiCalls = db
      .prepare(
        `SELECT e.key AS endpoint, s.key AS status, SUM(s.value) AS n
           FROM collection_runs r, json_each(r.api_calls) e, json_each(e.value) s GROUP BY 1, 2`,
      )
      .all() as RunTotals['apiCalls'];
    const rowsWritten = db
      .prepare(
        'SELECT j.key AS "table", SUM(j.value) AS n FROM collection_runs r, json_each(r.rows_written) j GROUP BY 1',
      )
      .all() as RunTotals['rowsWritten'];
    const waits = db
      .prepare(
        'SELECT COALESCE(SUM(rate_limit_waits), 0) AS n, COALESCE(SUM(rate_limit_wait_ms), 0) AS ms FROM collection_runs',
      )
      .get() as { n: number; ms: number };
    return { ...counts, apiCalls, rowsWritten, rateLimitWaits: waits.n, rateLimitWaitMs: waits.ms };
  }
}
