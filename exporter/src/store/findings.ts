import type { DetectionResult, Finding, Signal } from '../detect/types';
import type { Db } from './db';

/**
 * Detection output: the runs, every finding of every run (notify=false ones too: detection is kept
 * apart from notification), and the latest run's signals, forecasts, burn rates and savings.
 */

export interface RunCounts {
  findings: number;
  notifiable: number;
  opened: number;
  escalated: number;
  resolved: number;
  openAfter: number;
}

export interface DetectionRun extends RunCounts {
  id: number;
  asOfMs: number;
  startedMs: number;
  endedMs: number | null;
  status: 'running' | 'ok' | 'failed';
  error: string | null;
}

export type OutputKind = 'forecasts' | 'burn' | 'savings';

/** A stored signal with the name of its group: the signal's own group, else the person's group. */
export interface SignalWithGroup {
  detector: string;
  email: string | null;
  groupId: string | null;
  groupName: string | null;
  value: number;
  threshold: number;
}

export interface StoredFinding extends Finding {
  runId: number;
  incidentId: number | null;
}

export interface FindingQuery {
  /** A run id; default the latest successful run. */
  runId?: number;
  detector?: string;
  email?: string;
  notify?: boolean;
  limit?: number;
}

export class FindingsRepo {
  constructor(private readonly db: Db) {}

  startRun(asOfMs: number, startedMs: number): number {
    return Number(
      this.db.prepare('INSERT INTO detection_runs (as_of_ms, started_ms) VALUES (?, ?)').run(asOfMs, startedMs)
        .lastInsertRowid,
    );
  }

  finishRun(id: number, endedMs: number, c: RunCounts): void {
    this.db
      .prepare(
        `UPDATE detection_runs SET ended_ms = ?, status = 'ok', findings = ?, notifiable = ?, opened = ?, escalated = ?, resolved = ?,
         open_after = ? WHERE id = ?`,
      )
      .run(endedMs, c.findings, c.notifiable, c.opened, c.escalated, c.resolved, c.openAfter, id);
  }

  /** Errors are stored as their message only; callers must not pass messages that carry secrets. */
  failRun(id: number, endedMs: number, error: string): void {
    this.db
      .prepare(`UPDATE detection_runs SET ended_ms = ?, status = 'failed', error = ? WHERE id = ?`)
      .run(endedMs, error.slice(0, 1000), id);
  }

  listRuns(limit = 50): DetectionRun[] {
    return this.db
      .prepare(
        `SELECT id, as_of_ms AS asOfMs, started_ms AS startedMs, ended_ms AS endedMs, status, findings, notifiable, opened,
                escalated, resolved, open_after AS openAfter, error
         FROM detection_runs ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as DetectionRun[];
  }

  save(runId: number, findings: readonly Finding[], incidentByKey: ReadonlyMap<string, number>): void {
    const ins = this.db.prepare(`
      INSERT INTO findings (run_id, seq, key, detector, severity, subject, email, group_id, group_name, models, day, value, baseline,
        threshold, unit, notify, onset_ms, message, incident_id)
      VALUES (@runId, @seq, @key, @detector, @severity, @subject, @email, @groupId, @groupName, @models, @day, @value, @baseline,
        @threshold, @unit, @notify, @onsetMs, @message, @incidentId)`);
    findings.forEach((f, seq) =>
      ins.run({
        ...f,
        runId,
        seq,
        models: JSON.stringify(f.models),
        notify: f.notify ? 1 : 0,
        incidentId: incidentByKey.get(f.key) ?? null,
      }),
    );
  }

  /** Deletes the findings of runs that started before `beforeMs`; returns how many rows went. */
  prune(beforeMs: number): number {
    return this.db
      .prepare('DELETE FROM findings WHERE run_id IN (SELECT id FROM detection_runs WHERE started_ms < ?)')
      .run(beforeMs).changes;
  }

  /** Replaces the latest signals with this run's. */
  replaceSignals(runId: number, signals: readonly Signal[]): void {
    this.db.prepare('DELETE FROM signals').run();
    const ins = this.db.prepare(
      `INSERT OR REPLACE INTO signals (detector, subject_key, email, group_id, value, threshold, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of signals)
      ins.run(s.detector, s.email ?? s.groupId ?? 'team', s.email, s.groupId, s.value, s.threshold, runId);
  }

  /** Keeps the latest forecasts, burn rates and savings so the API and metrics need not recompute them. */
  saveOutputs(runId: number, result: Pick<DetectionResult, OutputKind>, nowMs: number): void {
    const up = this.db.prepare(
      `INSERT INTO detection_outputs (kind, run_id, value, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET run_id = excluded.run_id, value = excluded.value, updated_ms = excluded.updated_ms`,
    );
    for (const kind of ['forecasts', 'burn', 'savings'] as const)
      up.run(kind, runId, JSON.stringify(result[kind]), nowMs);
  }

  latestOutput<K extends OutputKind>(kind: K): { runId: number; updatedMs: number; value: DetectionResult[K] } | null {
    const row = this.db.prepare('SELECT run_id, value, updated_ms FROM detection_outputs WHERE kind = ?').get(kind) as
      { run_id: number; value: string; updated_ms: number } | undefined;
    return row
      ? { runId: row.run_id, updatedMs: row.updated_ms, value: JSON.parse(row.value) as DetectionResult[K] }
      : null;
  }

  list(q: FindingQuery = {}): StoredFinding[] {
    const runId =
      q.runId ??
      (this.db.prepare(`SELECT MAX(id) AS id FROM detection_runs WHERE status = 'ok'`).get() as { id: number | null })
        .id;
    if (runId === null) return [];
    const where = ['run_id = ?'];
    const args: (string | number)[] = [runId];
    if (q.detector) {
      where.push('detector = ?');
      args.push(q.detector);
    }
    if (q.email) {
      where.push('email = ?');
      args.push(q.email.toLowerCase());
    }
    if (q.notify !== undefined) {
      where.push('notify = ?');
      args.push(q.notify ? 1 : 0);
    }
    const rows = this.db
      .prepare(`SELECT * FROM findings WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args, q.limit ?? 1000) as Record<string, unknown>[];
    return rows.map((r) => ({
      runId: r.run_id as number,
      incidentId: r.incident_id as number | null,
      key: r.key as string,
      detector: r.detector as Finding['detector'],
      severity: r.severity as Finding['severity'],
      subject: r.subject as Finding['subject'],
      email: r.email as string | null,
      groupId: r.group_id as string | null,
      groupName: r.group_name as string | null,
      models: JSON.parse(r.models as string) as string[],
      day: r.day as string,
      value: r.value as number,
      baseline: r.baseline as number | null,
      threshold: r.threshold as number,
      unit: r.unit as Finding['unit'],
      notify: r.notify === 1,
      onsetMs: r.onset_ms as number,
      message: r.message as string,
    }));
  }

  /** The last detection run that finished (ok or failed). */
  lastFinishedRun(): { status: DetectionRun['status']; startedMs: number; endedMs: number } | undefined {
    return this.db
      .prepare(
        `SELECT status, started_ms AS startedMs, ended_ms AS endedMs FROM detection_runs
          WHERE ended_ms IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get() as { status: DetectionRun['status']; startedMs: number; endedMs: number } | undefined;
  }

  /** The latest run's signals (replaced every run). */
  signals(): SignalWithGroup[] {
    return this.db
      .prepare(
        `SELECT s.detector, s.email, s.group_id AS groupId, COALESCE(g.name, ug.name) AS groupName, s.value, s.threshold
           FROM signals s
           LEFT JOIN billing_groups g ON g.id = s.group_id
           LEFT JOIN group_members gm ON s.group_id IS NULL AND gm.email = s.email
           LEFT JOIN billing_groups ug ON ug.id = gm.group_id`,
      )
      .all() as SignalWithGroup[];
  }
}
