import fc from 'fast-check';
import { Store as Repos } from '../store';
import { openDb, migrate, type Db } from '../store/db';
import { CycleUsageRepo } from '../store/cycle-usage';
import { migrations } from '../store/migrations';
import { addUsageDaily, type UsageDailyRow } from '../store/usage-daily';
import { DAY_MS, utcDay } from '../domain/time';
import { teamStats, type TeamStats } from './members';
import { modelCosts, userModelCosts } from './model-costs';
import { series } from './series';
import { dayWindow } from './window';

/** Everyone's figures, by spend rank. */
const ranked = (s: TeamStats) => Array.from(s.order, (i) => s.member(i));

// Window figures (the weeks' and days' packs, or the days' rows when not packed; the days lists the
// writers and the migrations keep) against the raw tables: random stores written in random order (days added before,
// after and between existing slices; daily usage inserted, changed and made inactive), random windows;
// every answer must equal what the raw person-day rows say. Request units are
// quarters, so sums of them are exact and "equal" means equal.

const START = Date.parse('2026-01-01T00:00:00Z');
const day = (i: number) => utcDay(START + i * DAY_MS);
const EMAILS = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'];
const MODELS = ['gpt-5', 'sonnet', 'opus-max'];

const usage = fc.record({
  d: fc.integer({ min: 0, max: 19 }),
  e: fc.integer({ min: 0, max: EMAILS.length - 1 }),
  m: fc.integer({ min: 0, max: MODELS.length - 1 }),
  events: fc.integer({ min: 0, max: 9 }),
  quarters: fc.integer({ min: 0, max: 40 }),
  micro: fc.integer({ min: 0, max: 5_000_000 }),
  cacheRead: fc.integer({ min: 0, max: 900_000 }),
});
const activity = fc.record({
  d: fc.integer({ min: 0, max: 19 }),
  e: fc.integer({ min: 0, max: EMAILS.length - 1 }),
  active: fc.boolean(),
  agent: fc.integer({ min: 0, max: 50 }),
  lines: fc.integer({ min: 0, max: 300 }),
  model: fc.option(fc.integer({ min: 0, max: MODELS.length - 1 }), { nil: null }),
});
const store = fc.record({
  batches: fc.array(fc.array(usage, { maxLength: 8 }), { maxLength: 6 }),
  activity: fc.array(activity, { maxLength: 40 }),
  windows: fc.array(fc.tuple(fc.integer({ min: -2, max: 21 }), fc.integer({ min: 0, max: 10 })), {
    minLength: 1,
    maxLength: 4,
  }),
});
type Store = typeof store extends fc.Arbitrary<infer T> ? T : never;

function write(db: Db, s: Store, members = true): void {
  if (members)
    for (const e of EMAILS)
      db.prepare(
        `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', 0, 0, 0)`,
      ).run(e, e);
  for (const batch of s.batches) {
    addUsageDaily(
      db,
      batch.map((u): UsageDailyRow => ({
        day: day(u.d),
        email: EMAILS[u.e],
        model: MODELS[u.m],
        events: u.events,
        requests: u.quarters / 4,
        charged_micro: u.micro,
        cache_read_tokens: u.cacheRead,
      })),
    );
  }
  // Later answers for a day replace earlier ones, as collection upserts them.
  const upsert =
    db.prepare(`INSERT INTO daily_usage (day, email, is_active, agent_requests, lines_added, accepts, applies, most_used_model)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, email) DO UPDATE SET is_active = excluded.is_active, agent_requests = excluded.agent_requests,
    lines_added = excluded.lines_added, accepts = excluded.accepts, applies = excluded.applies, most_used_model = excluded.most_used_model`);
  for (const a of s.activity)
    upsert.run(
      day(a.d),
      EMAILS[a.e],
      a.active ? 1 : 0,
      a.agent,
      a.lines,
      a.agent >> 1,
      a.agent,
      a.model === null ? null : MODELS[a.model],
    );
}

/** Migration 021's triggers (on the member and group tables), dropped to run it again. */
const DIRECTORY_TRIGGERS = ['members', 'group_members', 'billing_groups']
  .flatMap((t) => ['ins', 'upd', 'del'].map((k) => `DROP TRIGGER ${t}_directory_${k};`))
  .join(' ');

/** usage_events as a table, before migration 022 made it a view. */
const TEXT_EVENTS = (() => {
  const old = openDb(
    ':memory:',
    migrations.filter((m) => m.version < 22),
  );
  try {
    return old.prepare("SELECT sql FROM sqlite_master WHERE name = 'usage_events'").pluck().get() as string;
  } finally {
    old.close();
  }
})();

/** The same store as an older database upgraded by migrations 013–022 (the days lists built from the raw rows). */
function rebuilt(db: Db): void {
  db.exec(`DROP VIEW usage_events; DROP TABLE usage_event_rows; DROP TABLE usage_names; ${TEXT_EVENTS};
    DROP TABLE usage_asof_days; DROP TABLE daily_usage_asof_days;
    DROP TABLE usage_people; DROP TABLE usage_day_packs; DROP TABLE activity_day_packs;
    DROP TABLE usage_week_packs; DROP TABLE activity_week_packs; DROP TABLE counters; ${DIRECTORY_TRIGGERS}
    DROP TRIGGER daily_usage_day_ins; DROP TRIGGER daily_usage_day_upd; DROP TRIGGER daily_usage_day_del;
    PRAGMA user_version = 12`);
  migrate(db, migrations);
}

/** Every day packed, then every week that is over, as the exporter leaves them (detection-cycle.ts packDays). */
function packed(db: Db): void {
  const repos = new Repos(db);
  for (const packs of [repos.usageDayPacks, repos.activityDayPacks]) {
    const pack = packs.packer();
    for (const d of packs.unpacked('0000-01-01', '9999-12-31')) pack(d);
    for (const w of packs.unpackedWeeks()) packs.packWeek(w);
  }
}

interface Expected {
  usage: Map<string, [number, number, number, number]>; // spend, requests, events, cache read
  activity: Map<string, { days: number; agent: number; lines: number; last: string; model: string | null }>;
  pairs: { email: string; model: string; spend: number; requests: number }[];
}

/** The window's figures straight from usage_daily and daily_usage, computed here in JS. */
function expected(db: Db, from: string, to: string): Expected {
  const rows = db
    .prepare(
      'SELECT day, email, model, charged_micro, requests, events, cache_read_tokens FROM usage_daily WHERE day BETWEEN ? AND ?',
    )
    .all(from, to) as {
    email: string;
    model: string;
    charged_micro: number;
    requests: number;
    events: number;
    cache_read_tokens: number;
  }[];
  const usage = new Map<string, [number, number, number, number]>();
  const pairs = new Map<string, { email: string; model: string; spend: number; requests: number }>();
  for (const r of rows) {
    const u = usage.get(r.email) ?? [0, 0, 0, 0];
    usage.set(r.email, [u[0] + r.charged_micro, u[1] + r.requests, u[2] + r.events, u[3] + r.cache_read_tokens]);
    const key = `${r.email}\u0000${r.model}`;
    const p = pairs.get(key) ?? { email: r.email, model: r.model, spend: 0, requests: 0 };
    p.spend += r.charged_micro;
    p.requests += r.requests;
    pairs.set(key, p);
  }
  const days = db
    .prepare(
      'SELECT day, email, agent_requests, lines_added, most_used_model FROM daily_usage WHERE is_active = 1 AND day BETWEEN ? AND ?',
    )
    .all(from, to) as {
    day: string;
    email: string;
    agent_requests: number;
    lines_added: number;
    most_used_model: string | null;
  }[];
  const activity = new Map<
    string,
    { days: number; agent: number; lines: number; last: string; model: string | null; byModel: Map<string, number> }
  >();
  for (const d of days) {
    const a = activity.get(d.email) ?? { days: 0, agent: 0, lines: 0, last: '', model: null, byModel: new Map() };
    a.days++;
    a.agent += d.agent_requests;
    a.lines += d.lines_added;
    if (d.day > a.last) a.last = d.day;
    if (d.most_used_model !== null)
      a.byModel.set(d.most_used_model, (a.byModel.get(d.most_used_model) ?? 0) + d.agent_requests);
    activity.set(d.email, a);
  }
  for (const a of activity.values()) {
    a.model = [...a.byModel].sort(([m, x], [n, y]) => y - x || (m < n ? -1 : 1))[0]?.[0] ?? null;
  }
  return {
    usage,
    activity,
    pairs: [...pairs.values()].sort((p, q) => (p.email + '\u0000' + p.model < q.email + '\u0000' + q.model ? -1 : 1)),
  };
}

function check(db: Db, s: Store): void {
  for (const [start, length] of s.windows) {
    const w = dayWindow(START + start * DAY_MS, START + (start + length) * DAY_MS);
    const want = expected(db, w.fromDay, w.toDay);
    const stats = teamStats(db, w, START + 25 * DAY_MS);
    for (const m of ranked(stats)) {
      const [spend, requests, events, cacheRead] = want.usage.get(m.email) ?? [0, 0, 0, 0];
      const a = want.activity.get(m.email);
      expect([m.email, m.spendMicro, m.requests, m.events, m.cacheReadTokens]).toEqual([
        m.email,
        spend,
        requests,
        events,
        cacheRead,
      ]);
      expect([m.email, m.activeDays, m.agentRequests, m.linesAdded, m.lastActiveDay, m.mostUsedModel]).toEqual([
        m.email,
        a?.days ?? 0,
        a?.agent ?? 0,
        a?.lines ?? 0,
        a?.last ?? null,
        a?.model ?? null,
      ]);
    }
    // Model costs: one row per model over the same (person, model) pairs.
    const models = new Map<string, { users: number; requests: number; spend: number }>();
    for (const p of want.pairs) {
      const m = models.get(p.model) ?? { users: 0, requests: 0, spend: 0 };
      models.set(p.model, { users: m.users + 1, requests: m.requests + p.requests, spend: m.spend + p.spend });
    }
    const costs = modelCosts(db, w, {}).rows.map((r) => [r.model, r.users, r.requests, r.spend_usd]);
    expect(costs.sort()).toEqual([...models].map(([model, m]) => [model, m.users, m.requests, m.spend / 1e8]).sort());
    expect(
      userModelCosts(db, w, {}, 1000)
        .rows.map((r) => `${r.email}/${r.model}`)
        .sort(),
    ).toEqual(want.pairs.map((p) => `${p.email}/${p.model}`).sort());
    // The billing-cycle reads: every daily_usage row counts (active or not), and charged spend per person.
    const all = db
      .prepare(
        'SELECT email, is_active, agent_requests, accepts, applies FROM daily_usage WHERE day BETWEEN ? AND ? ORDER BY email',
      )
      .all(w.fromDay, w.toDay) as {
      email: string;
      is_active: number;
      agent_requests: number;
      accepts: number;
      applies: number;
    }[];
    const people = new Map<
      string,
      { email: string; requests: number; accepts: number; applies: number; activeDays: number }
    >();
    for (const r of all) {
      const p = people.get(r.email) ?? { email: r.email, requests: 0, accepts: 0, applies: 0, activeDays: 0 };
      people.set(r.email, {
        email: r.email,
        requests: p.requests + r.agent_requests,
        accepts: p.accepts + r.accepts,
        applies: p.applies + r.applies,
        activeDays: p.activeDays + r.is_active,
      });
    }
    const cycle = new CycleUsageRepo(db);
    expect(cycle.activity(w.fromDay, w.toDay)).toEqual([...people.values()]);
    expect(cycle.chargedSpend(w.fromDay, w.toDay)).toEqual(
      [...want.usage].sort(([e], [f]) => (e < f ? -1 : 1)).map(([e, u]) => [e, u[0]]),
    );
    // Series by user: the top 2 people by spend, the rest as "other".
    const bySpend = [...want.usage].sort(([e, x], [f, y]) => y[0] - x[0] || (e < f ? -1 : 1)).map(([e]) => e);
    const cols = series(db, { metric: 'spend', by: 'user', window: w, intervalDays: 1, limit: 2 }).columns.map(
      (c) => c.name,
    );
    expect(cols).toEqual(['time', ...bySpend.slice(0, 2), ...(bySpend.length > 2 ? ['other'] : [])]);
  }
}

describe('window figures from day and week packs (schema/016–019)', () => {
  it('answer every window as the raw rows do, kept by the writers or built by the migration', () => {
    fc.assert(
      fc.property(store, (s) => {
        const db = openDb(':memory:');
        try {
          write(db, s);
          check(db, s);
          // The same figures from the days' and weeks' packs (as the detection cycle leaves them) as from their rows.
          packed(db);
          check(db, s);
          // Written to again (new days in packed weeks, added and changed rows), then packed again.
          const later = (shift: number): Store => ({
            ...s,
            batches: s.batches.map((b) => b.map((u) => ({ ...u, d: (u.d + shift) % 20 }))),
            activity: s.activity.map((a) => ({ ...a, d: (a.d + shift) % 20 })).reverse(),
          });
          write(db, later(3), false);
          check(db, s);
          packed(db);
          check(db, s);
          // Written to and packed again between two reads, as a collection and its detection cycle do
          // between two dashboard loads: sums kept from the packs before must not be taken for the new ones.
          write(db, later(7), false);
          packed(db);
          check(db, s);
          rebuilt(db);
          check(db, s);
        } finally {
          db.close();
        }
      }),
      {
        numRuns: 150,
        // Later active days moved to another model and made inactive while an earlier one stays: the
        // latest active day must fall back to the earlier day.
        examples: [
          [
            {
              batches: [],
              activity: [
                { d: 2, e: 0, active: true, agent: 5, lines: 1, model: 0 },
                { d: 6, e: 0, active: true, agent: 9, lines: 1, model: 0 },
                { d: 6, e: 0, active: false, agent: 0, lines: 0, model: 0 },
                { d: 7, e: 0, active: true, agent: 9, lines: 1, model: 0 },
                { d: 7, e: 0, active: true, agent: 9, lines: 1, model: 1 },
                { d: 7, e: 0, active: false, agent: 0, lines: 0, model: 1 },
              ],
              windows: [[0, 10]],
            },
          ],
        ],
      },
    );
  });
});
