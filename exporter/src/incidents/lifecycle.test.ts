import type { Finding } from '../detect/types';
import { openDb, type Db } from '../store/db';
import { reconcile } from './reconcile';
import { acknowledgeIncident, applyChanges, getIncident, incidentEvents, listIncidents, loadOpenIncidents, markAlerted, resolveIncident } from './repo';
import { finding } from './testing';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');
let db: Db;
let run = 0;

beforeEach(() => {
  db = openDb(':memory:');
  run = 0;
});
afterEach(() => db.close());

/** One detection run at time `now` with these findings, through the real reconcile + apply path. */
function runAt(now: number, findings: Finding[], autoResolveRuns = 2) {
  run++;
  return applyChanges(db, reconcile(loadOpenIncidents(db), findings, { autoResolveRuns }, now), run);
}

describe('incident repository', () => {
  it('same key twice in one run opens exactly one incident', () => {
    const r = runAt(T0, [finding({ value: 100 }), finding({ severity: 'critical', value: 90 })]);
    expect(r.opened).toHaveLength(1);
    const [inc] = listIncidents(db);
    expect(inc).toMatchObject({ severity: 'critical', status: 'detected', detectedMs: T0, onsetMs: finding().onsetMs, firstRun: 1 });
  });

  it('keeps one incident across runs and walks the lifecycle with timestamps', () => {
    const [id] = runAt(T0, [finding()]).opened;
    runAt(T0 + H, [finding()]);
    expect(listIncidents(db)).toHaveLength(1);
    expect(getIncident(db, id)).toMatchObject({ lastSeenRun: 2, clearRuns: 0 });

    expect(markAlerted(db, id, T0 + 2 * H, { alertname: 'CursorSpendSpike' }, {})).toBe(true);
    expect(markAlerted(db, id, T0 + 3 * H, {}, {})).toBe(false); // repeated notification keeps the first stamp
    expect(acknowledgeIncident(db, id, T0 + 4 * H)).toMatchObject({ ok: true, incident: { status: 'acknowledged', acknowledgedMs: T0 + 4 * H, acknowledgedBy: 'api' } });
    expect(resolveIncident(db, id, T0 + 5 * H)).toMatchObject({ ok: true, incident: { status: 'resolved', resolvedMs: T0 + 5 * H, resolvedBy: 'api' } });
    expect(resolveIncident(db, id, T0 + 6 * H)).toEqual({ ok: false, reason: 'already_resolved' });
    expect(acknowledgeIncident(db, 999, T0)).toEqual({ ok: false, reason: 'not_found' });

    const inc = getIncident(db, id);
    expect(inc).toMatchObject({ alertedMs: T0 + 2 * H, alertLabels: { alertname: 'CursorSpendSpike' } });
    expect(incidentEvents(db, id).map((e) => [e.kind, e.toStatus])).toEqual([
      ['opened', 'detected'],
      ['alerted', 'alerted'],
      ['acknowledged', 'acknowledged'],
      ['resolved', 'resolved'],
    ]);
  });

  it('a late alert on an acknowledged incident stamps the time but keeps the status', () => {
    const [id] = runAt(T0, [finding()]).opened;
    acknowledgeIncident(db, id, T0 + H);
    markAlerted(db, id, T0 + 2 * H, {}, {});
    expect(getIncident(db, id)).toMatchObject({ status: 'acknowledged', alertedMs: T0 + 2 * H });
  });

  it('auto-resolves after N clear runs, then the same key re-fires as a new incident', () => {
    const [first] = runAt(T0, [finding()]).opened;
    runAt(T0 + H, []);
    expect(getIncident(db, first)).toMatchObject({ status: 'detected', clearRuns: 1 });
    runAt(T0 + 2 * H, [finding()]); // seen again: the clear streak restarts
    expect(getIncident(db, first)).toMatchObject({ clearRuns: 0 });
    runAt(T0 + 3 * H, []);
    const r = runAt(T0 + 4 * H, []);
    expect(r.resolved).toEqual([first]);
    expect(getIncident(db, first)).toMatchObject({ status: 'resolved', resolvedMs: T0 + 4 * H, resolvedBy: 'auto', clearRuns: 2 });

    const [second] = runAt(T0 + 5 * H, [finding()]).opened;
    expect(second).not.toBe(first);
    expect(listIncidents(db, { status: 'open' }).map((i) => i.id)).toEqual([second]);
  });

  it('escalation updates severity and evidence and is logged', () => {
    const [id] = runAt(T0, [finding({ value: 214 })]).opened;
    const r = runAt(T0 + H, [finding({ severity: 'critical', value: 900, message: 'Alice: daily spend spiked to $900', day: '2026-03-11' })]);
    expect(r.escalated).toEqual([id]);
    expect(getIncident(db, id)).toMatchObject({ severity: 'critical', value: 900, message: 'Alice: daily spend spiked to $900', day: '2026-03-11' });
    expect(incidentEvents(db, id).at(-1)).toMatchObject({ kind: 'escalated', detail: { from: 'warning', to: 'critical' } });
  });

  it('the store refuses a second open incident for one key even outside reconcile', () => {
    runAt(T0, [finding()]);
    expect(() => applyChanges(db, { nowMs: T0, open: [finding()], update: [], clear: [], resolve: [] }, 9)).toThrow(/UNIQUE/);
    expect(listIncidents(db)).toHaveLength(1);
  });

  it('clamps an onset reported in the future to the detection time', () => {
    const [id] = runAt(T0, [finding({ onsetMs: T0 + H })]).opened;
    expect(getIncident(db, id)?.onsetMs).toBe(T0);
  });
});
