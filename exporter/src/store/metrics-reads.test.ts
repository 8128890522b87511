import type { Db } from './db';
import { Store } from './index';
import { insertRawEvent } from './testing';
import type { RunOutcome } from './runs';

/**
 * The reads the /metrics families make, one repository at a time, on SQLite seeded through the
 * write side where it has a writer and with plain INSERTs where detection writes.
 */
const MAR = Date.parse('2026-03-01T00:00:00Z');
const FEB = Date.parse('2026-02-01T00:00:00Z');
const USD = 100_000_000; // micro-cents

const outcome = (
  status: RunOutcome['status'],
  apiCalls: RunOutcome['apiCalls'],
  rowsWritten: Record<string, number>,
  waits = 0,
): RunOutcome => ({
  status,
  apiCalls,
  rowsWritten,
  errors: [],
  rateLimitWaits: waits,
  rateLimitWaitMs: waits * 1500,
});

const spendRow = (
  email: string,
  total: number,
  included: number,
  limits: { monthly?: number | null; effective?: number | null } = {},
) => ({
  email,
  userId: null,
  name: email,
  role: 'member',
  totalMicro: total * USD,
  onDemandMicro: (total - included) * USD,
  includedMicro: included * USD,
  fastPremiumRequests: 0,
  monthlyLimitDollars: limits.monthly ?? null,
  hardLimitOverrideDollars: 0,
  effectiveLimitDollars: limits.effective ?? null,
});

const group = (id: string, name: string, spendUsd: number, members: string[]) => ({
  id,
  name,
  type: 'BILLING',
  directoryGroupId: null,
  memberCount: members.length,
  spendMicro: spendUsd * USD,
  currentMembers: members.map((email) => ({
    userId: null,
    email,
    name: email,
    joinedAtMs: 0,
    leftAtMs: null,
    spendMicro: 0,
  })),
  formerMembers: [],
  dailySpend: [],
});

describe('the reads behind /metrics', () => {
  let store: Store;
  let db: Db;
  beforeEach(() => {
    store = Store.open(':memory:');
    db = store.db;
  });
  afterEach(() => store.close());

  it('RunsRepo: the last finished run, the last ok one and what every run added up to', () => {
    const { runs } = store;
    expect([runs.lastFinished(), runs.lastOkEndedMs()]).toEqual([undefined, null]);
    expect(runs.totals()).toEqual({
      runs: 0,
      failed: 0,
      apiCalls: [],
      rowsWritten: [],
      rateLimitWaits: 0,
      rateLimitWaitMs: 0,
    });
    runs.finish(
      runs.start('backfill', 1000),
      outcome('ok', { members: { 200: 1 }, usage: { 200: 3, 429: 1 } }, { members: 5, usage_events: 40 }, 1),
      2000,
    );
    runs.finish(
      runs.start('collect', 3000),
      outcome('partial', { members: { 200: 1, 0: 2 } }, { members: 1 }, 2),
      3500,
    );
    runs.start('collect', 4000);
    runs.markInterrupted(4100); // cut short: it ended, but its outcome says nothing about Cursor
    expect(runs.lastFinished()).toEqual({ status: 'partial', startedMs: 3000, endedMs: 3500 });
    expect(runs.lastOkEndedMs()).toBe(2000);
    const t = runs.totals();
    expect({ ...t, apiCalls: sortBy(t.apiCalls), rowsWritten: sortBy(t.rowsWritten) }).toEqual({
      runs: 3, // the interrupted run has an end: counted, and as not ok
      failed: 2,
      apiCalls: sortBy([
        { endpoint: 'members', status: '0', n: 2 },
        { endpoint: 'members', status: '200', n: 2 },
        { endpoint: 'usage', status: '200', n: 3 },
        { endpoint: 'usage', status: '429', n: 1 },
      ]),
      rowsWritten: sortBy([
        { table: 'members', n: 6 },
        { table: 'usage_events', n: 40 },
      ]),
      rateLimitWaits: 3,
      rateLimitWaitMs: 4500,
    });
  });

  it('UsageEventsRepo: the newest stored event', () => {
    expect(store.usageEvents.newestMs()).toBeNull();
    insertRawEvent(db, { tsMs: MAR + 5000, email: 'a@x.io' });
    expect(store.usageEvents.newestMs()).toBe(MAR + 5000);
  });

  it('UsageTotalsRepo: all-time sums per person and model, a block of days at a time, and spend per model from a day on', () => {
    expect(store.usageTotals.byUserModelInBlocks().next()).toEqual({ done: true, value: [] });
    const daily = db.prepare(
      `INSERT INTO usage_daily (day, email, model, events, requests, charged_micro, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    daily.run('2026-02-27', 'a@x.io', 'gpt-5', 2, 2.5, 3 * USD, 10, 1, 2, 30);
    daily.run('2026-03-02', 'a@x.io', 'gpt-5', 1, 1, 2 * USD, 5, 1, 0, 10);
    daily.run('2026-03-02', 'a@x.io', 'o3', 4, 4, USD, 1, 1, 1, 1);
    daily.run('2026-03-03', 'b@x.io', 'gpt-5', 1, 0.5, 7 * USD, 0, 0, 0, 0);
    // Whatever the block size, the same sums; one pause per block of days (Feb 27 … Mar 3: 5 days).
    const expectedTotals = [
      {
        email: 'a@x.io',
        model: 'gpt-5',
        costMicro: 5 * USD,
        requests: 3.5,
        events: 3,
        input: 15,
        output: 2,
        cacheWrite: 2,
        cacheRead: 40,
      },
      {
        email: 'a@x.io',
        model: 'o3',
        costMicro: USD,
        requests: 4,
        events: 4,
        input: 1,
        output: 1,
        cacheWrite: 1,
        cacheRead: 1,
      },
      {
        email: 'b@x.io',
        model: 'gpt-5',
        costMicro: 7 * USD,
        requests: 0.5,
        events: 1,
        input: 0,
        output: 0,
        cacheWrite: 0,
        cacheRead: 0,
      },
    ];
    for (const blockDays of [1, 2, 7, 400]) {
      const blocks = store.usageTotals.byUserModelInBlocks(blockDays);
      let pauses = 0;
      let step = blocks.next();
      for (; !step.done; step = blocks.next()) pauses += 1;
      expect(pauses).toBe(Math.ceil(5 / blockDays));
      expect(sortBy(step.value, 'email', 'model')).toEqual(expectedTotals);
    }
    expect(sortBy(store.usageTotals.spendByModelSince('2026-03-01'), 'model')).toEqual([
      { model: 'gpt-5', micro: 9 * USD },
      { model: 'o3', micro: USD },
    ]);
    expect(store.usageTotals.spendByModelSince('2026-04-01')).toEqual([]);
  });

  it('MembersRepo: current members per role and by seat activity', () => {
    store.members.upsert(
      [
        { email: 'a@x.io', userId: null, name: 'A', role: 'owner', isRemoved: false },
        { email: 'b@x.io', userId: null, name: 'B', role: 'member', isRemoved: false },
        { email: 'c@x.io', userId: null, name: 'C', role: 'member', isRemoved: false },
        { email: 'gone@x.io', userId: null, name: 'Gone', role: 'member', isRemoved: true },
      ],
      0,
    );
    const active = db.prepare('INSERT INTO daily_usage (day, email, is_active) VALUES (?, ?, ?)');
    active.run('2026-03-02', 'a@x.io', 1); // active this cycle
    active.run('2026-02-10', 'b@x.io', 1); // only before
    active.run('2026-03-02', 'c@x.io', 0); // a row, but not active: never
    active.run('2026-03-02', 'gone@x.io', 1); // removed: not counted
    expect(sortBy(store.members.countByRole(), 'role')).toEqual([
      { role: 'member', n: 2 },
      { role: 'owner', n: 1 },
    ]);
    expect(store.members.seats('2026-03-01')).toEqual({ active: 1, inactive: 1, never: 1 });
    expect(store.members.seats('2026-02-01')).toEqual({ active: 2, inactive: 0, never: 1 });
  });

  it('SpendRepo and GroupsRepo: the latest snapshot per person with group names, its totals, the groups with spend and size', () => {
    expect(store.spend.latestTotals()).toEqual({ totalMicro: 0, includedMicro: 0, onDemandMicro: 0 });
    store.groups.save(
      { groups: [group('g1', 'Eng', 120, ['a@x.io', 'b@x.io']), group('g2', 'Ops', 0, [])], cycle: null },
      0,
    );
    store.spend.save({ cycleStartMs: FEB, limitedUsersCount: null, rows: [spendRow('a@x.io', 999, 1)] }, 0);
    store.spend.save(
      {
        cycleStartMs: MAR,
        limitedUsersCount: null,
        rows: [spendRow('a@x.io', 50, 20, { effective: 100 }), spendRow('z@x.io', 5, 5, { monthly: 30 })],
      },
      0,
    );
    expect(sortBy(store.spend.latestByUser(), 'email')).toEqual([
      {
        email: 'a@x.io',
        totalMicro: 50 * USD,
        includedMicro: 20 * USD,
        onDemandMicro: 30 * USD,
        limitDollars: 100,
        groupName: 'Eng',
      },
      {
        email: 'z@x.io',
        totalMicro: 5 * USD,
        includedMicro: 5 * USD,
        onDemandMicro: 0,
        limitDollars: null,
        groupName: null,
      }, // the effective limit only
    ]);
    expect(store.spend.latestTotals()).toEqual({
      totalMicro: 55 * USD,
      includedMicro: 25 * USD,
      onDemandMicro: 30 * USD,
    });
    expect(store.groups.names()).toEqual(
      new Map([
        ['g1', 'Eng'],
        ['g2', 'Ops'],
      ]),
    );
    expect(store.groups.memberGroupNames()).toEqual(
      new Map([
        ['a@x.io', 'Eng'],
        ['b@x.io', 'Eng'],
      ]),
    );
    expect(sortBy(store.groups.listWithSpend(), 'name')).toEqual([
      { name: 'Eng', spendMicro: 120 * USD, members: 2 },
      { name: 'Ops', spendMicro: 0, members: 0 },
    ]);
  });

  it('FindingsRepo and IncidentsRepo: the last finished detection run, signals and open evidence with group names, incidents per detector', () => {
    store.groups.save({ groups: [group('g1', 'Eng', 0, ['a@x.io']), group('g2', 'Ops', 0, [])], cycle: null }, 0);
    expect(store.findings.lastFinishedRun()).toBeUndefined();
    const run = db.prepare('INSERT INTO detection_runs (as_of_ms, started_ms, ended_ms, status) VALUES (0, ?, ?, ?)');
    run.run(100, 400, 'failed');
    run.run(500, null, 'running');
    expect(store.findings.lastFinishedRun()).toEqual({ status: 'failed', startedMs: 100, endedMs: 400 });

    const signal = db.prepare(
      'INSERT INTO signals (detector, subject_key, email, group_id, value, threshold, run_id) VALUES (?, ?, ?, ?, ?, ?, 1)',
    );
    signal.run('zscore', 'a@x.io', 'a@x.io', null, 2.5, 3); // the person's group
    signal.run('zscore', 'nobody@x.io', 'nobody@x.io', null, 2, 3); // in no group
    signal.run('team_budget', 'g2', null, 'g2', 0.8, 1); // the signal's own group
    signal.run('sustained_team', 'team', null, null, 9, 10);
    expect(sortBy(store.findings.signals(), 'detector', 'email')).toEqual(
      sortBy(
        [
          { detector: 'zscore', email: 'a@x.io', groupId: null, groupName: 'Eng', value: 2.5, threshold: 3 },
          { detector: 'zscore', email: 'nobody@x.io', groupId: null, groupName: null, value: 2, threshold: 3 },
          { detector: 'team_budget', email: null, groupId: 'g2', groupName: 'Ops', value: 0.8, threshold: 1 },
          { detector: 'sustained_team', email: null, groupId: null, groupName: null, value: 9, threshold: 10 },
        ],
        'detector',
        'email',
      ),
    );

    const incident = db.prepare(
      `INSERT INTO incidents (key, detector, severity, subject, email, group_id, group_name, models, day, message, value, baseline, threshold, unit,
         status, onset_ms, detected_ms, first_run, last_seen_run, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-03-02', 'm', ?, ?, ?, 'usd', ?, 0, 0, 1, 1, 0)`,
    );
    incident.run('k1', 'spend_spike', 'critical', 'user', 'a@x.io', null, null, '["gpt-5"]', 300, 20, 80, 'alerted');
    incident.run('k2', 'spend_spike', 'warning', 'user', 'a@x.io', 'g2', 'Ops (then)', '[]', 100, null, 80, 'detected');
    incident.run('k3', 'zscore', 'warning', 'user', 'nobody@x.io', null, null, '[]', 4, 1, 3, 'resolved');
    expect(store.incidents.openEvidence()).toEqual([
      {
        detector: 'spend_spike',
        severity: 'warning',
        subject: 'user',
        email: 'a@x.io',
        groupName: 'Ops (then)',
        models: '[]',
        value: 100,
        baseline: null,
        threshold: 80,
        unit: 'usd',
      },
      {
        detector: 'spend_spike',
        severity: 'critical',
        subject: 'user',
        email: 'a@x.io',
        groupName: 'Eng',
        models: '["gpt-5"]',
        value: 300,
        baseline: 20,
        threshold: 80,
        unit: 'usd',
      },
    ]);
    expect(sortBy(store.incidents.countByDetector(), 'detector')).toEqual([
      { detector: 'spend_spike', n: 2 },
      { detector: 'zscore', n: 1 },
    ]);
  });
});

/** Rows in a stable order for comparison (the reads promise no order). */
function sortBy<T extends object>(rows: T[], ...keys: (keyof T & string)[]): T[] {
  const by = keys.length > 0 ? keys : (Object.keys(rows[0] ?? {}) as (keyof T & string)[]);
  return [...rows].sort((a, b) => {
    for (const k of by) {
      const x = String(a[k]);
      const y = String(b[k]);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}
