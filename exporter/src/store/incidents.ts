import type { Finding } from '../detect/types';
import type { Db } from './db';

/**
 * Lifecycle: detected → alerted → acknowledged → resolved. Status only moves forward; acknowledge and
 * resolve may skip steps (a silence can acknowledge before Alertmanager ever notified).
 */
export type IncidentStatus = 'detected' | 'alerted' | 'acknowledged' | 'resolved';

/** An incident carries the evidence of the latest finding that opened or escalated it. */
export interface Incident extends Pick<
  Finding,
  | 'key'
  | 'detector'
  | 'severity'
  | 'subject'
  | 'email'
  | 'groupId'
  | 'groupName'
  | 'models'
  | 'day'
  | 'message'
  | 'value'
  | 'baseline'
  | 'threshold'
  | 'unit'
  | 'onsetMs'
> {
  id: number;
  status: IncidentStatus;
  detectedMs: number;
  alertedMs: number | null;
  acknowledgedMs: number | null;
  acknowledgedBy: string | null;
  resolvedMs: number | null;
  resolvedBy: string | null;
  /** Labels of the Alertmanager alert that first notified (used to match silences exactly). */
  alertLabels: Record<string, string> | null;
  clearRuns: number;
  firstRun: number;
  lastSeenRun: number;
  updatedMs: number;
}

export interface IncidentEvent {
  id: number;
  incidentId: number;
  atMs: number;
  kind: 'opened' | 'escalated' | 'alerted' | 'acknowledged' | 'resolved' | 'am_resolved';
  fromStatus: IncidentStatus | null;
  toStatus: IncidentStatus | null;
  actor: string;
  detail: unknown;
}

/** A finding seen again on an open incident. `worse` findings replace the incident's evidence. */
export interface IncidentUpdate {
  id: number;
  finding: Finding;
  worse: boolean;
  escalated: boolean; // severity went up
}

/** One run's reconcile() output (incidents/reconcile.ts): what applyChanges writes. */
export interface IncidentChanges {
  nowMs: number;
  /** New incidents, one per key: the most severe notifiable finding of that key. */
  open: Finding[];
  update: IncidentUpdate[];
  /** Open incidents not seen this run, not yet clear long enough: their new clear-run count. */
  clear: { id: number; clearRuns: number }[];
  /** Open incidents clear for `autoResolveRuns` consecutive runs. */
  resolve: { id: number; clearRuns: number }[];
}

interface IncidentRow {
  id: number;
  key: string;
  detector: string;
  severity: string;
  subject: string;
  email: string | null;
  group_id: string | null;
  group_name: string | null;
  models: string;
  day: string;
  message: string;
  value: number;
  baseline: number | null;
  threshold: number;
  unit: string;
  status: string;
  onset_ms: number;
  detected_ms: number;
  alerted_ms: number | null;
  acknowledged_ms: number | null;
  acknowledged_by: string | null;
  resolved_ms: number | null;
  resolved_by: string | null;
  alert_labels: string | null;
  clear_runs: number;
  first_run: number;
  last_seen_run: number;
  updated_ms: number;
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    key: r.key,
    detector: r.detector as Incident['detector'],
    severity: r.severity as Incident['severity'],
    subject: r.subject as Incident['subject'],
    email: r.email,
    groupId: r.group_id,
    groupName: r.group_name,
    models: JSON.parse(r.models) as string[],
    day: r.day,
    message: r.message,
    value: r.value,
    baseline: r.baseline,
    threshold: r.threshold,
    unit: r.unit as Incident['unit'],
    status: r.status as IncidentStatus,
    onsetMs: r.onset_ms,
    detectedMs: r.detected_ms,
    alertedMs: r.alerted_ms,
    acknowledgedMs: r.acknowledged_ms,
    acknowledgedBy: r.acknowledged_by,
    resolvedMs: r.resolved_ms,
    resolvedBy: r.resolved_by,
    alertLabels: r.alert_labels === null ? null : (JSON.parse(r.alert_labels) as Record<string, string>),
    clearRuns: r.clear_runs,
    firstRun: r.first_run,
    lastSeenRun: r.last_seen_run,
    updatedMs: r.updated_ms,
  };
}

export interface IncidentQuery {
  status?: IncidentStatus | 'open'; // 'open' = every status but resolved
  detector?: string;
  email?: string;
  /** Incidents detected in [fromMs, toMs]. */
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

export interface AppliedChanges {
  /** key → incident id for every key that has an open incident after the run (new and kept ones). */
  incidentByKey: Map<string, number>;
  opened: number[];
  escalated: number[];
  resolved: number[];
}

export type NewIncidentEvent = Omit<IncidentEvent, 'id' | 'detail'> & { detail?: unknown };

/** The lifecycle stamps MTTx is computed from. */
export type IncidentTimes = Pick<Incident, 'detector' | 'onsetMs' | 'alertedMs' | 'acknowledgedMs' | 'resolvedMs'>;

/** An open incident's latest evidence, its group name falling back to the person's current group. */
export interface OpenEvidence {
  detector: string;
  severity: string;
  subject: string;
  email: string | null;
  groupName: string | null;
  models: string; // JSON array
  value: number;
  baseline: number | null;
  threshold: number;
  unit: string;
}

/** Incidents and their event log. The lifecycle rules (status only moves forward) are incidents/lifecycle.ts's. */
export class IncidentsRepo {
  constructor(private readonly db: Db) {}

  listOpen(): Incident[] {
    return (
      this.db.prepare(`SELECT * FROM incidents WHERE status <> 'resolved' ORDER BY id`).all() as IncidentRow[]
    ).map(toIncident);
  }

  countOpen(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM incidents WHERE status <> 'resolved'`).get() as { n: number }).n;
  }

  get(id: number): Incident | null {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return row ? toIncident(row) : null;
  }

  list(q: IncidentQuery = {}): Incident[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status === 'open') where.push(`status <> 'resolved'`);
    else if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.detector) {
      where.push('detector = ?');
      args.push(q.detector);
    }
    if (q.email) {
      where.push('email = ?');
      args.push(q.email.toLowerCase());
    }
    if (q.fromMs !== undefined) {
      where.push('detected_ms >= ?');
      args.push(q.fromMs);
    }
    if (q.toMs !== undefined) {
      where.push('detected_ms <= ?');
      args.push(q.toMs);
    }
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY detected_ms DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 500) as IncidentRow[]).map(toIncident);
  }

  /** The lifecycle stamps of incidents detected in [fromMs, toMs]. */
  times(fromMs: number, toMs: number): IncidentTimes[] {
    return this.db
      .prepare(
        `SELECT detector, onset_ms AS onsetMs, alerted_ms AS alertedMs, acknowledged_ms AS acknowledgedMs, resolved_ms AS resolvedMs
         FROM incidents WHERE detected_ms BETWEEN ? AND ?`,
      )
      .all(fromMs, toMs) as IncidentTimes[];
  }

  events(incidentId: number): IncidentEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM incident_events WHERE incident_id = ? ORDER BY at_ms, id')
      .all(incidentId) as {
      id: number;
      incident_id: number;
      at_ms: number;
      kind: IncidentEvent['kind'];
      from_status: IncidentStatus | null;
      to_status: IncidentStatus | null;
      actor: string;
      detail: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      atMs: r.at_ms,
      kind: r.kind,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      actor: r.actor,
      detail: r.detail === null ? null : JSON.parse(r.detail),
    }));
  }

  logEvent(e: NewIncidentEvent): void {
    this.db
      .prepare(
        'INSERT INTO incident_events (incident_id, at_ms, kind, from_status, to_status, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        e.incidentId,
        e.atMs,
        e.kind,
        e.fromStatus,
        e.toStatus,
        e.actor,
        e.detail === undefined ? null : JSON.stringify(e.detail),
      );
  }

  /** Applies one run's reconcile() output in a single transaction. */
  applyChanges(changes: IncidentChanges, runId: number): AppliedChanges {
    const db = this.db;
    const now = changes.nowMs;
    const insert = db.prepare(`
      INSERT INTO incidents (key, detector, severity, subject, email, group_id, group_name, models, day, message, value,
        baseline, threshold, unit, status, onset_ms, detected_ms, first_run, last_seen_run, updated_ms)
      VALUES (@key, @detector, @severity, @subject, @email, @groupId, @groupName, @models, @day, @message, @value,
        @baseline, @threshold, @unit, 'detected', @onsetMs, @now, @runId, @runId, @now)`);
    const evidence = db.prepare(`
      UPDATE incidents SET severity = @severity, models = @models, message = @message, value = @value, baseline = @baseline,
        threshold = @threshold, unit = @unit, group_name = @groupName
      WHERE id = @id`);
    const seen = db.prepare(
      'UPDATE incidents SET day = ?, clear_runs = 0, last_seen_run = ?, updated_ms = ? WHERE id = ?',
    );
    const clear = db.prepare('UPDATE incidents SET clear_runs = ?, updated_ms = ? WHERE id = ?');
    const resolve = db.prepare(
      `UPDATE incidents SET status = 'resolved', resolved_ms = ?, resolved_by = 'auto', clear_runs = ?, updated_ms = ? WHERE id = ?`,
    );
    const keyOf = db.prepare('SELECT key, severity, status FROM incidents WHERE id = ?');

    const out: AppliedChanges = { incidentByKey: new Map(), opened: [], escalated: [], resolved: [] };
    db.transaction(() => {
      for (const f of changes.open) {
        const id = Number(
          insert.run({ ...f, models: JSON.stringify(f.models), onsetMs: Math.min(f.onsetMs, now), now, runId })
            .lastInsertRowid,
        );
        out.opened.push(id);
        out.incidentByKey.set(f.key, id);
        this.logEvent({
          incidentId: id,
          atMs: now,
          kind: 'opened',
          fromStatus: null,
          toStatus: 'detected',
          actor: 'detection',
          detail: { runId, severity: f.severity, value: f.value },
        });
      }
      for (const u of changes.update) {
        const before = keyOf.get(u.id) as { key: string; severity: string; status: IncidentStatus };
        if (u.worse) evidence.run({ ...u.finding, id: u.id, models: JSON.stringify(u.finding.models) });
        seen.run(u.finding.day, runId, now, u.id);
        out.incidentByKey.set(before.key, u.id);
        if (u.escalated) {
          out.escalated.push(u.id);
          this.logEvent({
            incidentId: u.id,
            atMs: now,
            kind: 'escalated',
            fromStatus: before.status,
            toStatus: before.status,
            actor: 'detection',
            detail: { runId, from: before.severity, to: u.finding.severity, value: u.finding.value },
          });
        }
      }
      for (const c of changes.clear) clear.run(c.clearRuns, now, c.id);
      for (const r of changes.resolve) {
        const before = keyOf.get(r.id) as { status: IncidentStatus };
        resolve.run(now, r.clearRuns, now, r.id);
        out.resolved.push(r.id);
        this.logEvent({
          incidentId: r.id,
          atMs: now,
          kind: 'resolved',
          fromStatus: before.status,
          toStatus: 'resolved',
          actor: 'detection',
          detail: { runId, clearRuns: r.clearRuns },
        });
      }
    })();
    return out;
  }

  setAcknowledged(id: number, atMs: number, actor: string): void {
    this.db
      .prepare(
        `UPDATE incidents SET status = 'acknowledged', acknowledged_ms = ?, acknowledged_by = ?, updated_ms = ? WHERE id = ?`,
      )
      .run(atMs, actor, atMs, id);
  }

  setResolved(id: number, atMs: number, actor: string): void {
    this.db
      .prepare(
        `UPDATE incidents SET status = 'resolved', resolved_ms = ?, resolved_by = ?, updated_ms = ? WHERE id = ?`,
      )
      .run(atMs, actor, atMs, id);
  }

  setAlerted(id: number, status: IncidentStatus, atMs: number, labels: Record<string, string>): void {
    this.db
      .prepare('UPDATE incidents SET status = ?, alerted_ms = ?, alert_labels = ?, updated_ms = ? WHERE id = ?')
      .run(status, atMs, JSON.stringify(labels), atMs, id);
  }

  /** Every open incident's evidence, by ascending value. */
  openEvidence(): OpenEvidence[] {
    return this.db
      .prepare(
        `SELECT i.detector, i.severity, i.subject, i.email, COALESCE(i.group_name, g.name) AS groupName,
                i.models, i.value, i.baseline, i.threshold, i.unit
           FROM incidents i
           LEFT JOIN group_members gm ON i.group_id IS NULL AND gm.email = i.email
           LEFT JOIN billing_groups g ON g.id = gm.group_id
          WHERE i.status <> 'resolved'
          ORDER BY i.value`,
      )
      .all() as OpenEvidence[];
  }

  /** Incidents ever opened, per detector. */
  countByDetector(): { detector: string; n: number }[] {
    return this.db.prepare('SELECT detector, COUNT(*) AS n FROM incidents GROUP BY detector').all() as {
      detector: string;
      n: number;
    }[];
  }
}
