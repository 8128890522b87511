import type { Finding } from '../detect/types';
import { Store } from '../store';
import { acknowledgeIncident, markAlerted, resolveIncident } from './lifecycle';
import { reconcile } from './reconcile';
import { finding } from './testing';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');
let store: Store;
let run = 0;

beforeEach(() => {
  store = Store.open(':memory:');
  run = 0;
});
afterEach(() => store.close());

/** One detection run at time `now` with these findings, through the real reconcile + apply path. */
function runAt(now: number, findings: Finding[], autoResolveRuns = 2) {
  run++;
  return store.incidents.applyChanges(reconcile(store.incidents.listOpen(), findings, { autoResolveRuns }, now), run);
}

describe('incident lifecycle', () => {
  it('same key twice in one run opens exactly one incident', () => {
    const r = runAt(T0, [finding({ value: 100 }), finding({ severity: 'critical', value: 90 })]);
    expect(r.opened).toHaveLength(1);
    const [inc] = store.incidents.list();
    expect(inc).toMatchObject({
      severity: 'critical',
      status: 'detected',
      detectedMs: T0,
      onsetMs: finding().onsetMs,
      firstRun: 1,
    });
  });

  it('keeps one incident across runs and walks the lifecycle with timestamps', () => {
    const [id] = runAt(T0, [finding()]).opened;
    runAt(T0 + H, [finding()]);
    expect(store.incidents.list()).toHaveLength(1);
    expect(store.incidents.get(id)).toMatchObject({ lastSeenRun: 2, clearRuns: 0 });

    expect(markAlerted(store, id, T0 + 2 * H, { alertname: 'CursorSpendSpike' }, {})).toBe(true);
    expect(markAlerted(store, id, T0 + 3 * H, {}, {})).toBe(false); // repeated notification keeps the first stamp
    expect(acknowledgeIncident(store, id, T0 + 4 * H)).toMatchObject({
      ok: true,
      incident: { status: 'acknowledged', acknowledgedMs: T0 + 4 * H, acknowledgedBy: 'api' },
    });
    expect(resolveIncident(store, id, T0 + 5 * H)).toMatchObject({
      ok: true,
      incident: { status: 'resolved', resolvedMs: T0 + 5 * H, resolvedBy: 'api' },
    });
    expect(resolveIncident(store, id, T0 + 6 * H)).toEqual({ ok: false, reason: 'already_resolved' });
    expect(acknowledgeIncident(store, 999, T0)).toEqual({ ok: false, reason: 'not_found' });

    const inc = store.incidents.get(id);
    expect(inc).toMatchObject({ alertedMs: T0 + 2 * H, alertLabels: { alertname: 'CursorSpendSpike' } });
    expect(store.incidents.events(id).map((e) => [e.kind, e.toStatus])).toEqual([
      ['opened', 'detected'],
      ['alerted', 'alerted'],
      ['acknowledged', 'acknowledged'],
      ['resolved', 'resolved'],
    ]);
  });

  it('a late alert on an acknowledged incident stamps the time but keeps the status', () => {
    const [id] = runAt(T0, [finding()]).opened;
    acknowledgeIncident(store, id, T0 + H);
    markAlerted(store, id, T0 + 2 * H, {}, {});
    expect(store.incidents.get(id)).toMatchObject({ status: 'acknowledged', alertedMs: T0 + 2 * H });
  });

  it('auto-resolves after N clear runs, then the same key re-fires as a new incident', () => {
    const [first] = runAt(T0, [finding()]).opened;
    runAt(T0 + H, []);
    expect(store.incidents.get(first)).toMatchObject({ status: 'detected', clearRuns: 1 });
    runAt(T0 + 2 * H, [finding()]); // seen again: the clear streak restarts
    expect(store.incidents.get(first)).toMatchObject({ clearRuns: 0 });
    runAt(T0 + 3 * H, []);
    const r = runAt(T0 + 4 * H, []);
    expect(r.resolved).toEqual([first]);
    expect(store.incidents.get(first)).toMatchObject({
      status: 'resolved',
      resolvedMs: T0 + 4 * H,
      resolvedBy: 'auto',
      clearRuns: 2,
    });

    const [second] = runAt(T0 + 5 * H, [finding()]).opened;
    expect(second).not.toBe(first);
    expect(store.incidents.list({ status: 'open' }).map((i) => i.id)).toEqual([second]);
  });

  it('escalation updates severity and evidence and is logged', () => {
    const [id] = runAt(T0, [finding({ value: 214 })]).opened;
    const r = runAt(T0 + H, [
      finding({ severity: 'critical', value: 900, message: 'Alice: daily spend spiked to $900', day: '2026-03-11' }),
    ]);
    expect(r.escalated).toEqual([id]);
    expect(store.incidents.get(id)).toMatchObject({
      severity: 'critical',
      value: 900,
      message: 'Alice: daily spend spiked to $900',
      day: '2026-03-11',
    });
    expect(store.incidents.events(id).at(-1)).toMatchObject({
      kind: 'escalated',
      detail: { from: 'warning', to: 'critical' },
    });
  });

  it('the store refuses a second open incident for one key even outside reconcile', () => {
    runAt(T0, [finding()]);
    expect(() =>
      store.incidents.applyChanges({ nowMs: T0, open: [finding()], update: [], clear: [], resolve: [] }, 9),
    ).toThrow(/UNIQUE/);
    expect(store.incidents.list()).toHaveLength(1);
  });

  it('clamps an onset reported in the future to the detection time', () => {
    const [id] = runAt(T0, [finding({ onsetMs: T0 + H })]).opened;
    expect(store.incidents.get(id)?.onsetMs).toBe(T0);
  });
});
