import type { Store } from '../store';
import type { Incident, IncidentStatus } from '../store/incidents';

/** Status only moves forward: detected → alerted → acknowledged → resolved. */
const STATUS_ORDER: Record<IncidentStatus, number> = { detected: 0, alerted: 1, acknowledged: 2, resolved: 3 };

/** What the lifecycle needs of the store: the incidents and a transaction around read-then-write. */
export type IncidentStore = Pick<Store, 'incidents' | 'transaction'>;

export type TransitionResult =
  { ok: true; incident: Incident } | { ok: false; reason: 'not_found' | 'already_resolved' };

/**
 * Moves an incident forward to `to` (acknowledged or resolved) on behalf of `actor`. Status never moves
 * backwards: acknowledging an already acknowledged incident keeps the first timestamp.
 */
function transitionIncident(
  store: IncidentStore,
  id: number,
  to: 'acknowledged' | 'resolved',
  atMs: number,
  actor: string,
): TransitionResult {
  return store.transaction((): TransitionResult => {
    const inc = store.incidents.get(id);
    if (!inc) return { ok: false, reason: 'not_found' };
    if (inc.status === 'resolved') return { ok: false, reason: 'already_resolved' };
    if (to === 'acknowledged') {
      if (inc.acknowledgedMs !== null) return { ok: true, incident: inc };
      store.incidents.setAcknowledged(id, atMs, actor);
    } else {
      store.incidents.setResolved(id, atMs, actor);
    }
    store.incidents.logEvent({ incidentId: id, atMs, kind: to, fromStatus: inc.status, toStatus: to, actor });
    return { ok: true, incident: store.incidents.get(id) as Incident };
  });
}

export function acknowledgeIncident(store: IncidentStore, id: number, atMs: number, actor = 'api'): TransitionResult {
  return transitionIncident(store, id, 'acknowledged', atMs, actor);
}

export function resolveIncident(store: IncidentStore, id: number, atMs: number, actor = 'api'): TransitionResult {
  return transitionIncident(store, id, 'resolved', atMs, actor);
}

/**
 * Stamps the first Alertmanager notification. Returns false when it was already stamped or the incident
 * is resolved. An acknowledged incident keeps its status (status never moves backwards).
 */
export function markAlerted(
  store: IncidentStore,
  id: number,
  atMs: number,
  labels: Record<string, string>,
  detail: unknown,
): boolean {
  return store.transaction(() => {
    const inc = store.incidents.get(id);
    if (!inc || inc.status === 'resolved' || inc.alertedMs !== null) return false;
    const status: IncidentStatus = STATUS_ORDER[inc.status] < STATUS_ORDER.alerted ? 'alerted' : inc.status;
    store.incidents.setAlerted(id, status, atMs, labels);
    store.incidents.logEvent({
      incidentId: id,
      atMs,
      kind: 'alerted',
      fromStatus: inc.status,
      toStatus: status,
      actor: 'alertmanager',
      detail,
    });
    return true;
  });
}
