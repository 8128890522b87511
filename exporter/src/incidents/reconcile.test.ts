import { reconcile } from './reconcile';
import { finding } from './testing';
import type { Incident } from '../store/incidents';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const settings = { autoResolveRuns: 3 };

function open(over: Partial<Incident> = {}): Incident {
  const f = finding();
  return {
    ...f,
    id: 1,
    status: 'detected',
    detectedMs: NOW - 3_600_000,
    alertedMs: null,
    acknowledgedMs: null,
    acknowledgedBy: null,
    resolvedMs: null,
    resolvedBy: null,
    alertLabels: null,
    clearRuns: 0,
    firstRun: 1,
    lastSeenRun: 1,
    updatedMs: NOW - 3_600_000,
    ...over,
  };
}

describe('reconcile', () => {
  it('opens one incident per key when the same key appears twice in one run, keeping the most severe', () => {
    const warn = finding({ severity: 'warning', value: 300 });
    const crit = finding({ severity: 'critical', value: 250 });
    const c = reconcile([], [warn, crit], settings, NOW);
    expect(c.open).toEqual([crit]);
  });

  it('on equal severity keeps the larger value', () => {
    const a = finding({ value: 100 });
    const b = finding({ value: 120 });
    expect(reconcile([], [a, b], settings, NOW).open).toEqual([b]);
  });

  it('does not open a second incident while one is open for the key', () => {
    const c = reconcile([open()], [finding()], settings, NOW);
    expect(c.open).toEqual([]);
    expect(c.update).toEqual([expect.objectContaining({ id: 1, worse: false, escalated: false })]);
  });

  it('escalates severity and evidence on an open incident', () => {
    const worse = finding({ severity: 'critical', value: 900 });
    const c = reconcile([open()], [worse], settings, NOW);
    expect(c.update).toEqual([{ id: 1, finding: worse, worse: true, escalated: true }]);
  });

  it('a larger value at the same severity updates evidence without escalating', () => {
    const c = reconcile([open({ value: 214 })], [finding({ value: 400 })], settings, NOW);
    expect(c.update[0]).toMatchObject({ worse: true, escalated: false });
  });

  it('a smaller reading keeps the peak evidence', () => {
    const c = reconcile([open({ severity: 'critical', value: 900 })], [finding({ value: 300 })], settings, NOW);
    expect(c.update[0]).toMatchObject({ worse: false, escalated: false });
  });

  it('notify=false findings open no incident but keep an open one alive', () => {
    const quiet = finding({ notify: false });
    expect(reconcile([], [quiet], settings, NOW).open).toEqual([]);
    const c = reconcile([open({ clearRuns: 2 })], [quiet], settings, NOW);
    expect(c.update).toHaveLength(1);
    expect(c.resolve).toEqual([]);
  });

  it('opens from the notifiable finding when a key has both kinds', () => {
    const loud = finding({ severity: 'warning', value: 100 });
    const quiet = finding({ severity: 'critical', value: 900, notify: false });
    expect(reconcile([], [quiet, loud], settings, NOW).open).toEqual([loud]);
  });

  it('counts clear runs and auto-resolves after autoResolveRuns', () => {
    expect(reconcile([open({ clearRuns: 0 })], [], settings, NOW)).toMatchObject({
      clear: [{ id: 1, clearRuns: 1 }],
      resolve: [],
    });
    expect(reconcile([open({ clearRuns: 1 })], [], settings, NOW)).toMatchObject({
      clear: [{ id: 1, clearRuns: 2 }],
      resolve: [],
    });
    expect(reconcile([open({ clearRuns: 2 })], [], settings, NOW)).toMatchObject({
      clear: [],
      resolve: [{ id: 1, clearRuns: 3 }],
    });
    expect(reconcile([open({ clearRuns: 0 })], [], { autoResolveRuns: 1 }, NOW).resolve).toEqual([
      { id: 1, clearRuns: 1 },
    ]);
  });

  it('a finding for another key does not keep an incident alive', () => {
    const c = reconcile(
      [open({ clearRuns: 2 })],
      [finding({ key: 'spend_spike:bob@example.com', email: 'bob@example.com' })],
      settings,
      NOW,
    );
    expect(c.resolve).toEqual([{ id: 1, clearRuns: 3 }]);
    expect(c.open).toHaveLength(1);
  });

  it('ignores resolved incidents, so the same key re-fires as a new incident', () => {
    const c = reconcile([open({ status: 'resolved', resolvedMs: NOW - 1 })], [finding()], settings, NOW);
    expect(c.open).toHaveLength(1);
    expect(c.update).toEqual([]);
  });

  it('rejects a nonsensical autoResolveRuns', () => {
    expect(() => reconcile([], [], { autoResolveRuns: 0 }, NOW)).toThrow(/autoResolveRuns/);
  });
});
