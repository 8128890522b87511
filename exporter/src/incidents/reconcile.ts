import type { Finding, Severity } from '../detect/types';
import type { Incident, IncidentChanges } from '../store/incidents';

export interface ReconcileSettings {
  /** Consecutive runs without the condition after which an open incident resolves itself (≥ 1). */
  autoResolveRuns: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Most severe first, then the largest value: the finding that best describes the condition. */
function worseThan(a: Pick<Finding, 'severity' | 'value'>, b: Pick<Finding, 'severity' | 'value'>): boolean {
  const d = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  return d > 0 || (d === 0 && a.value > b.value);
}

function worst(list: Finding[]): Finding | undefined {
  let best: Finding | undefined;
  for (const f of list) if (!best || worseThan(f, best)) best = f;
  return best;
}

/**
 * Pure incident reconciliation for one detection run.
 *
 * - Dedup: findings are grouped by key, so one key yields at most one new incident per run (the
 *   reference inserted every same-key finding of a run), and a key with an open incident never opens
 *   another.
 * - Detection is kept apart from notification: notify=false findings are recorded by the caller but
 *   never OPEN an incident. We chose not to open a silent 'detected' incident because every open
 *   incident is exported as an alertable series, and a never-alerting incident would sit forever in
 *   the lifecycle and in MTTx. A notify=false finding whose key already has an open incident does keep
 *   that incident alive (the condition is still present, only smaller).
 * - Escalation: a worse finding (higher severity, or same severity and larger value) replaces the open
 *   incident's evidence; a higher severity is flagged so the caller logs it.
 * - Auto-resolve: an open incident whose key was not found for `autoResolveRuns` consecutive runs
 *   resolves. A detector that is switched off therefore resolves its incidents too.
 * - Re-fire: resolved incidents are not passed in, so the same key after resolution opens a new one.
 */
export function reconcile(
  openIncidents: readonly Incident[],
  findings: readonly Finding[],
  settings: ReconcileSettings,
  nowMs: number,
): IncidentChanges {
  if (!Number.isInteger(settings.autoResolveRuns) || settings.autoResolveRuns < 1) {
    throw new RangeError(`autoResolveRuns must be an integer ≥ 1, got ${settings.autoResolveRuns}`);
  }
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }

  const changes: IncidentChanges = { nowMs, open: [], update: [], clear: [], resolve: [] };
  const openKeys = new Set<string>();
  for (const inc of openIncidents) {
    if (inc.status === 'resolved') continue;
    openKeys.add(inc.key);
    const seen = worst(byKey.get(inc.key) ?? []);
    if (seen) {
      const worse = worseThan(seen, inc);
      changes.update.push({
        id: inc.id,
        finding: seen,
        worse,
        escalated: SEVERITY_RANK[seen.severity] > SEVERITY_RANK[inc.severity],
      });
    } else {
      const clearRuns = inc.clearRuns + 1;
      (clearRuns >= settings.autoResolveRuns ? changes.resolve : changes.clear).push({ id: inc.id, clearRuns });
    }
  }

  for (const [key, list] of byKey) {
    if (openKeys.has(key)) continue;
    const candidate = worst(list.filter((f) => f.notify));
    if (candidate) changes.open.push(candidate);
  }
  return changes;
}
