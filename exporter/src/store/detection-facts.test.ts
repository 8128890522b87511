import { DAY_MS, HOUR_MS, dayStartMs } from '../domain/time';
import { FactsBuilder, type Facts, type FactsWindow } from '../detect/facts';
import { backtestFrom, detectFrom } from '../detect/run';
import { DEFAULT_SETTINGS } from '../detect/settings';
import type { Db } from './db';
import { DetectionFactsRepo } from './detection-facts';
import { Store } from './index';
import { insertRawEvent } from './testing';

const USD = 100_000_000; // micro-cents
const ms = (iso: string): number => Date.parse(iso);
const C0 = ms('2026-01-01T00:00:00Z');
const C1 = ms('2026-02-01T00:00:00Z');
const C2 = ms('2026-03-01T00:00:00Z');
const C3 = ms('2026-04-01T00:00:00Z');

/** Rows straight into the tables the loader reads (the write side has its own tests). */
function seed(db: Db): void {
  const ins = (sql: string, ...rows: unknown[][]) => {
    const stmt = db.prepare(sql);
    for (const r of rows) stmt.run(...r);
  };
  ins('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)', [C2, C3], [C1, C2]);
  ins('INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, 0)', ['g2', 'Beta'], ['g1', 'Alpha']);
  ins(
    'INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, NULL, ?, ?, ?, 0, 0)',
    ['a@x.io', 'Ann', 'member', 0],
    ['b@x.io', 'Bob', 'member', 0],
    ['r@x.io', 'Rae', 'member', 1], // removed, but used the window: kept
    ['z@x.io', 'Zed', 'member', 1], // removed, used only before the window: left out
  );
  ins('INSERT INTO group_members (email, group_id) VALUES (?, ?)', ['a@x.io', 'g1'], ['ghost@x.io', 'g2']); // ghost: no member row
  ins(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, monthly_limit_dollars,
       hard_limit_override_dollars, effective_limit_dollars, collected_ms) VALUES (?, ?, 0, 0, 0, ?, ?, ?, 0)`,
    [C2, 'a@x.io', 50, 0, 100], // effective limit first
    [C2, 'b@x.io', 50, 0, null], // then the monthly one
    [C2, 'r@x.io', 50, 75, null], // an override beats the monthly limit
    [C1, 'a@x.io', 80, 0, null], // the window's first cycle: a past limit
    [C1, 'b@x.io', 0, 0, null], // no limit
    [C0, 'a@x.io', 90, 0, null], // before the window's first cycle: not loaded
  );
  ins(
    // Request units (requests) differ from events on purpose: detection counts events, one a
    // request (units are priced by the model, so $ per unit hides a switch to a dearer one).
    `INSERT INTO usage_daily (day, email, model, events, requests, charged_micro, chargeable_micro, usage_based_events, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ['2026-02-27', 'a@x.io', 'gpt-5', 3, 7.5, 3 * USD, USD, 1, 100, 20, 3, 4],
    ['2026-03-01', 'a@x.io', 'gpt-5', 2, 12.5, 5 * USD, 0, 0, 10, 0, 0, 0],
    ['2026-03-01', 'a@x.io', 'claude-4.5-sonnet', 4, 20, 8 * USD, 2 * USD, 2, 40, 0, 0, 0],
    ['2026-02-28', 'r@x.io', 'claude-4.5-sonnet', 1, 5, 2 * USD, 0, 0, 5, 5, 0, 0],
    ['2026-03-02', 'ghost@x.io', 'gpt-5', 1, 2.5, USD, 0, 0, 1, 0, 0, 0],
    ['2026-02-20', 'z@x.io', 'gpt-5', 9, 22.5, 9 * USD, 0, 0, 9, 0, 0, 0], // outside the window
    ['2026-03-03', 'a@x.io', 'gpt-5', 9, 22.5, 9 * USD, 0, 0, 9, 0, 0, 0], // outside the window
  );
  // The days with usage, as the writer of usage_daily lists them (store/usage-daily.ts).
  db.exec('INSERT INTO usage_asof_days (day) SELECT DISTINCT day FROM usage_daily');
  ins('INSERT INTO usage_user_daily (day, email) VALUES (?, ?)', ['2026-02-28', 'r@x.io'], ['2026-02-20', 'z@x.io']);
  for (const [at, email, usd] of [
    ['2026-03-01T10:30:00Z', 'a@x.io', 5],
    ['2026-03-01T10:45:00Z', 'a@x.io', 3],
    ['2026-03-02T09:10:00Z', 'ghost@x.io', 1],
    ['2026-02-27T12:00:00Z', 'a@x.io', 3], // before the 3 hourly days of a run
    ['2026-03-02T16:00:00Z', 'a@x.io', 1], // after the run
  ] as const)
    insertRawEvent(db, { tsMs: ms(at), email, chargedMicro: usd * USD });
  ins("INSERT INTO meta (key, value, updated_ms) VALUES ('limited_users_count', '7', 123)", []);
}

describe('DetectionFactsRepo', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
    seed(store.db);
  });
  afterEach(() => store.close());

  const window = { fromDay: '2026-02-27', toDay: '2026-03-02', limitsFromMs: C1 };
  const load = (w: FactsWindow, from = store) => from.detectionFacts.load(w, new FactsBuilder(w));
  const RUN = ms('2026-03-02T15:00:00Z');

  it('loads members, groups, limits, daily usage, cycles and the limited count as facts, field by field', () => {
    const f = load({ ...window, hourlyUntilMs: RUN });
    expect(f.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(f.groups).toEqual([
      { id: 'g1', name: 'Alpha' },
      { id: 'g2', name: 'Beta' },
    ]);
    expect(f.users).toEqual([
      { email: 'a@x.io', name: 'Ann', groupIdx: 0, limitUsd: 100 },
      { email: 'b@x.io', name: 'Bob', groupIdx: -1, limitUsd: 50 },
      { email: 'r@x.io', name: 'Rae', groupIdx: -1, limitUsd: 75 },
      { email: 'ghost@x.io', name: 'ghost@x.io', groupIdx: 1, limitUsd: null },
    ]);
    expect(f.limitsCycleStartMs).toBe(C2);
    expect(f.pastLimits).toEqual(new Map([[C1, new Map([[0, 80]])]]));
    // [user * 4 + day]: a, b, r, ghost × Feb 27, Feb 28, Mar 1, Mar 2.
    expect(Array.from(f.spend)).toEqual([3 * USD, 0, 13 * USD, 0, 0, 0, 0, 0, 0, 2 * USD, 0, 0, 0, 0, 0, USD]);
    expect(Array.from(f.requests)).toEqual([3, 0, 6, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(f.tokens)).toEqual([127, 0, 50, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(f.usageBased)).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(f.onDemand)).toEqual([USD, 0, 2 * USD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(f.models).toEqual(['gpt-5', 'claude-4.5-sonnet']);
    expect(modelRows(f)).toEqual([
      ['2026-02-27 gpt-5 300000000 3', '2026-03-01 claude-4.5-sonnet 800000000 4', '2026-03-01 gpt-5 500000000 2'],
      [],
      ['2026-02-28 claude-4.5-sonnet 200000000 1'],
      ['2026-03-02 gpt-5 100000000 1'],
    ]);
    expect(f.cycles).toEqual([
      { startMs: C1, endMs: C2 },
      { startMs: C2, endMs: C3 },
    ]);
    expect(f.limitedUsers).toEqual({ count: 7, asOfMs: 123 });
  });

  it('loads the hourly spend of the 3 days before a run, team-wide and per group', () => {
    const h = load({ ...window, hourlyUntilMs: RUN }).hourly;
    expect(h).not.toBeNull();
    const { startMs, endMs, team, byGroup } = h as NonNullable<Facts['hourly']>;
    expect([startMs, endMs]).toEqual([RUN - 3 * DAY_MS, RUN]);
    const at = (iso: string) => (ms(iso) - startMs) / HOUR_MS;
    expect(team.length).toBe(72);
    expect(nonZero(team)).toEqual({ [at('2026-03-01T10:00:00Z')]: 8 * USD, [at('2026-03-02T09:00:00Z')]: USD });
    expect(nonZero(byGroup[0])).toEqual({ [at('2026-03-01T10:00:00Z')]: 8 * USD }); // Ann, Alpha
    expect(nonZero(byGroup[1])).toEqual({ [at('2026-03-02T09:00:00Z')]: USD }); // ghost, Beta
  });

  it('loads the hourly spend of the whole window for backtests, and none unless asked', () => {
    const { startMs, endMs, team } = load({ ...window, hourlyWholeWindow: true }).hourly as NonNullable<
      Facts['hourly']
    >;
    // From the earliest hour with spend (or 3 days before the end) to the end of the window.
    expect([startMs, endMs]).toEqual([ms('2026-02-27T12:00:00Z'), ms('2026-03-03T00:00:00Z')]);
    const at = (iso: string) => (ms(iso) - startMs) / HOUR_MS;
    expect(nonZero(team)).toEqual({
      [at('2026-02-27T12:00:00Z')]: 3 * USD,
      [at('2026-03-01T10:00:00Z')]: 8 * USD,
      [at('2026-03-02T09:00:00Z')]: USD,
      [at('2026-03-02T16:00:00Z')]: USD,
    });
    expect(load(window).hourly).toBeNull();
  });

  it('reads past limits from the given cycle on, the current limits always', () => {
    const f = load({ fromDay: '2026-03-01', toDay: '2026-03-02', limitsFromMs: C2 });
    expect(f.pastLimits).toBeUndefined();
    // Rae used nothing in this window: she is known only by her limit.
    expect(f.users.map((u) => [u.email, u.name, u.limitUsd])).toEqual([
      ['a@x.io', 'Ann', 100],
      ['b@x.io', 'Bob', 50],
      ['ghost@x.io', 'ghost@x.io', null],
      ['r@x.io', 'r@x.io', 75],
    ]);
  });

  it('answers when a day’s spend first went above an amount, from the raw events', () => {
    expect(
      store.detectionFacts.crossingTimes([
        { email: 'a@x.io', day: '2026-03-01', micro: 4 * USD },
        { email: 'a@x.io', day: '2026-03-01', micro: 5 * USD }, // strictly above: the second event
        { email: 'a@x.io', day: '2026-03-01', micro: 8 * USD }, // never above
        { email: 'b@x.io', day: '2026-03-01', micro: 0 },
      ]),
    ).toEqual([ms('2026-03-01T10:30:00Z'), ms('2026-03-01T10:45:00Z'), null, null]);
  });

  it('feeds detection runs and backtests, and dates an alert to the event that crossed its threshold', () => {
    const db = Store.open(':memory:');
    try {
      const day = (i: number) => new Date(C2 + i * DAY_MS).toISOString().slice(0, 10);
      db.db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(C2, C2 + 30 * DAY_MS);
      db.db
        .prepare(
          "INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES ('alice@x.io', NULL, 'Alice', 'member', 0, 0, 0)",
        )
        .run();
      const event = (tsMs: number, micro: number) =>
        insertRawEvent(db.db, { tsMs, email: 'alice@x.io', model: 'claude-4.5-sonnet', chargedMicro: micro });
      const daily = db.db.prepare(
        "INSERT INTO usage_daily (day, email, model, events, charged_micro) VALUES (?, 'alice@x.io', 'claude-4.5-sonnet', ?, ?)",
      );
      // $20 a day (two $10 events) on days 0–20; on day 21 ten $25 events, one an hour from 09:00.
      for (let d = 0; d < 21; d++) {
        for (const h of [10, 15]) event(dayStartMs(day(d)) + h * HOUR_MS, 10 * USD);
        daily.run(day(d), 2, 20 * USD);
      }
      for (let h = 0; h < 10; h++) event(dayStartMs(day(21)) + (9 + h) * HOUR_MS, 25 * USD);
      daily.run(day(21), 10, 250 * USD);
      db.db.exec('INSERT INTO usage_asof_days (day) SELECT DISTINCT day FROM usage_daily');
      const now = dayStartMs(day(22)) + 6 * HOUR_MS;
      const repo = new DetectionFactsRepo(db.db);
      const result = detectFrom(repo, DEFAULT_SETTINGS, now);
      // Threshold 4 × $20 = $80, crossed by the 4th $25 event (cumulative $100) at 12:00.
      expect(result.findings.find((f) => f.key === 'spend_spike:alice@x.io')).toMatchObject({
        day: day(21),
        notify: true,
        onsetMs: dayStartMs(day(21)) + 12 * HOUR_MS,
      });
      // The same facts replayed day by day: one alert, dated to the data day (a backtest has no raw-event onsets).
      const replay = backtestFrom(repo, DEFAULT_SETTINGS, day(19), day(22));
      expect(replay.alerts.filter((f) => f.key === 'spend_spike:alice@x.io')).toMatchObject([
        { day: day(21), onsetMs: dayStartMs(day(21)) },
      ]);
    } finally {
      db.close();
    }
  });

  it('loads empty facts from an empty store', () => {
    const empty = Store.open(':memory:');
    try {
      const f = load(
        { fromDay: '2026-03-01', toDay: '2026-03-02', limitsFromMs: C2, hourlyUntilMs: ms('2026-03-02T12:00:00Z') },
        empty,
      );
      expect([
        f.users,
        f.groups,
        f.models,
        f.cycles,
        Array.from(f.spend),
        f.limitedUsers,
        f.limitsCycleStartMs,
      ]).toEqual([[], [], [], [], [], null, null]);
      expect(Array.from(f.hourly?.team ?? [1])).toEqual(new Array(72).fill(0));
    } finally {
      empty.close();
    }
  });
});

/** modelUse as readable rows per user, in stored order. */
function modelRows(f: Facts): string[][] {
  const mu = f.modelUse;
  return f.users.map((_, u) => {
    const out: string[] = [];
    for (let k = mu.start[u]; k < mu.start[u + 1]; k++)
      out.push(`${f.days[mu.d[k]]} ${f.models[mu.m[k]]} ${mu.spendMicro[k]} ${mu.requests[k]}`);
    return out;
  });
}

function nonZero(xs: Float64Array): Record<number, number> {
  const out: Record<number, number> = {};
  xs.forEach((v, i) => {
    if (v !== 0) out[i] = v;
  });
  return out;
}
