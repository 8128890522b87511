import { FactsBuilder, type Facts, type FactsWindow } from '../detect/facts';
import { addDays } from '../domain/time';
import { Store } from './index';
import { addUsageDaily, type UsageDailyRow } from './usage-daily';
import { activeDays, activityOf } from './activity-day-packs';
import { usageWindow } from './usage-day-packs';

const USD = 100_000_000; // micro-cents
const FIRST = '2026-03-01';
const W: FactsWindow = { fromDay: FIRST, toDay: addDays(FIRST, 9), limitsFromMs: 0 };
const MODELS = ['gpt-5', 'claude-4.5-sonnet', 'auto'];

/** Ten days of usage for six people over three models, each row different; values past 2^32 included. */
function rows(): UsageDailyRow[] {
  const out: UsageDailyRow[] = [];
  for (let d = 0; d < 10; d++)
    for (let p = 0; p < 6; p++) {
      if ((d + p) % 4 === 0) continue; // not every person every day
      for (let m = 0; m <= p % 3; m++)
        out.push({
          day: addDays(FIRST, d),
          email: `p${(p * 7) % 6}@x.io`, // not in e-mail order of first appearance
          model: MODELS[(p + m) % 3],
          events: 1 + d + p,
          charged_micro: (d * 13 + p * 7 + m + 1) * USD + 1,
          chargeable_micro: m * USD,
          usage_based_events: m,
          input_tokens: 5_000_000_000 + d, // past 2^32
          output_tokens: p,
          cache_write_tokens: m,
          cache_read_tokens: 3,
        });
    }
  return out;
}

const load = (store: Store): Facts => store.detectionFacts.load(W, new FactsBuilder(W));

describe('usage day packs', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
    store.db
      .prepare(
        "INSERT INTO members (email, user_id, name, role, first_seen_ms, last_seen_ms) VALUES ('p5@x.io', NULL, 'Pam', 'member', 0, 0)",
      )
      .run();
    addUsageDaily(store.db, rows());
  });
  afterEach(() => store.close());

  const packAll = () => {
    const pack = store.usageDayPacks.packer();
    for (const day of store.usageDayPacks.unpacked(W.fromDay, W.toDay)) pack(day);
  };

  it('lists the days with usage and no pack, and packs them', () => {
    const packs = () => store.db.prepare('SELECT COUNT(*) FROM usage_day_packs').pluck().get();
    expect(store.usageDayPacks.unpacked(W.fromDay, W.toDay)).toHaveLength(10);
    expect(packs()).toBe(0);
    packAll();
    expect(store.usageDayPacks.unpacked(W.fromDay, W.toDay)).toEqual([]);
    expect(packs()).toBe(10);
  });

  it('gives detection the same facts as the rows, whole or partly packed', () => {
    const fromRows = load(store);
    expect(fromRows.spend.some((v) => v > 0)).toBe(true);
    const pack = store.usageDayPacks.packer();
    for (const day of [addDays(FIRST, 1), addDays(FIRST, 4), addDays(FIRST, 5)]) pack(day);
    expect(load(store)).toEqual(fromRows);
    packAll();
    expect(load(store)).toEqual(fromRows);
  });

  it('drops a day’s pack when its usage grows, so detection never reads a stale pack', () => {
    packAll();
    const day = addDays(FIRST, 3);
    addUsageDaily(store.db, [{ day, email: 'new@x.io', model: 'gpt-5', events: 2, charged_micro: 40 * USD }]);
    expect(store.usageDayPacks.unpacked(W.fromDay, W.toDay)).toEqual([day]);
    const f = load(store);
    const u = f.users.findIndex((x) => x.email === 'new@x.io');
    expect(f.spend[u * f.days.length + 3]).toBe(40 * USD);
    // Packed again, the same facts.
    packAll();
    expect(load(store)).toEqual(f);
  });

  it('numbers each person once across days and keeps the numbers', () => {
    packAll();
    const people = store.usageDayPacks.people();
    expect(new Set(people.filter(Boolean)).size).toBe(6);
    // Re-packing a day keeps everyone's number: ids are never reassigned.
    store.usageDayPacks.packer()(FIRST);
    expect(store.usageDayPacks.people()).toEqual(people);
  });

  it('reads a day’s pack when the day is reached, and says so when it changed since the days were listed', () => {
    packAll();
    const { days } = store.usageDayPacks.days(W.fromDay, W.toDay);
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 10 }, (_, i) => addDays(FIRST, i)));
    const first = days[0].read();
    expect([first.rows, first.models]).toEqual([days[0].rows, days[0].models]);
    store.db.prepare('DELETE FROM usage_day_packs WHERE day = ?').run(days[1].day);
    expect(() => days[1].read()).toThrow(`the usage_day_packs pack of ${days[1].day} changed while it was read`);
  });

  describe('week packs', () => {
    const packWeeks = () => {
      for (const w of store.usageDayPacks.unpackedWeeks()) store.usageDayPacks.packWeek(w);
    };
    const weekPacks = () => store.db.prepare('SELECT week, days FROM usage_week_packs ORDER BY week').raw().all();
    const spanStarts = (from: string, to: string) => store.usageDayPacks.spans(from, to).spans.map((x) => x.from);
    const memo = <T>(_key: string, f: () => T) => f();
    /** A window's usage with its (person, model) pairs listed, to compare as data. */
    const windowOf = (from: string, to: string) => {
      const u = usageWindow(store.db, from, to, memo);
      return { ...u, pairs: u.pairs() };
    };
    /** The window from its rows alone: every pack dropped, on a copy of the answer. */
    const fromRows = (from: string, to: string) => {
      const packs = store.db.prepare('SELECT * FROM usage_day_packs').all();
      const weeks = store.db.prepare('SELECT * FROM usage_week_packs').all();
      store.db.exec('DELETE FROM usage_day_packs; DELETE FROM usage_week_packs');
      const u = windowOf(from, to);
      const restore = (table: string, rows: unknown[]) => {
        for (const r of rows as Record<string, unknown>[])
          store.db
            .prepare(`INSERT INTO ${table} (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map(() => '?')})`)
            .run(...Object.values(r));
      };
      restore('usage_day_packs', packs);
      restore('usage_week_packs', weeks); // after the days: their insert trigger drops the week's pack
      return u;
    };

    it('packs the weeks that are over with every day packed, and sums a window from them as from its rows', () => {
      expect(store.usageDayPacks.unpackedWeeks()).toEqual([]); // no day packed yet
      packAll();
      // 2026-03-01 is a Sunday: its week is over; the week of the 9th and 10th is not.
      expect(store.usageDayPacks.unpackedWeeks()).toEqual(['2026-02-23', '2026-03-02']);
      packWeeks();
      expect(store.usageDayPacks.unpackedWeeks()).toEqual([]);
      expect(weekPacks()).toEqual([
        ['2026-02-23', 1],
        ['2026-03-02', 7],
      ]);
      // A week counts in a window only when the window holds all of it.
      expect(spanStarts(W.fromDay, W.toDay)).toEqual(['2026-03-01', '2026-03-02', '2026-03-09', '2026-03-10']);
      expect(spanStarts('2026-03-03', W.toDay)).toHaveLength(8);
      expect(windowOf(W.fromDay, W.toDay)).toEqual(fromRows(W.fromDay, W.toDay));
      expect(windowOf('2026-02-20', '2026-03-08')).toEqual(fromRows('2026-02-20', '2026-03-08'));
    });

    it('is dropped when a day of it changes, and not read while a day of its week has no pack', () => {
      packAll();
      packWeeks();
      addUsageDaily(store.db, [
        { day: '2026-03-04', email: 'new@x.io', model: 'gpt-5', events: 1, charged_micro: USD },
      ]);
      expect(weekPacks()).toEqual([['2026-02-23', 1]]); // the writer dropped the day's pack, and so the week's
      expect(windowOf(W.fromDay, W.toDay)).toEqual(fromRows(W.fromDay, W.toDay));
      // A first row on a day of a packed week: the week's pack summed one day fewer than are listed now.
      addUsageDaily(store.db, [
        { day: '2026-02-25', email: 'new@x.io', model: 'gpt-5', events: 1, charged_micro: USD },
      ]);
      expect(spanStarts('2026-02-23', '2026-03-01')).toEqual(['2026-02-25', '2026-03-01']);
      expect(windowOf('2026-02-23', '2026-03-01')).toEqual(fromRows('2026-02-23', '2026-03-01'));
      const pack = store.usageDayPacks.packer();
      for (const day of store.usageDayPacks.unpacked('2026-02-01', W.toDay)) pack(day);
      expect(store.usageDayPacks.unpackedWeeks()).toEqual(['2026-02-23', '2026-03-02']);
      packWeeks();
      expect(weekPacks()).toEqual([
        ['2026-02-23', 2],
        ['2026-03-02', 7],
      ]);
      expect(spanStarts('2026-02-23', '2026-03-01')).toEqual(['2026-02-23']);
      expect(windowOf('2026-02-23', W.toDay)).toEqual(fromRows('2026-02-23', W.toDay));
    });

    it('numbers every pack anew, so a window’s sums kept from its settled packs follow a pack made again', () => {
      packAll();
      packWeeks();
      const seqs = () =>
        store.db
          .prepare('SELECT day, seq FROM usage_day_packs UNION ALL SELECT week, seq FROM usage_week_packs')
          .raw()
          .all() as [string, number][];
      const before = seqs();
      expect(new Set(before.map(([, n]) => n)).size).toBe(before.length);
      const kept = windowOf(W.fromDay, W.toDay); // sums of its settled days kept
      // The same row grown: the day's pack (and its week's) made again, of the same size.
      const row = rows().find((r) => r.day === '2026-03-04') as UsageDailyRow;
      addUsageDaily(store.db, [{ ...row, charged_micro: 5 * USD }]);
      packAll();
      packWeeks();
      const after = new Map(seqs());
      const top = Math.max(...before.map(([, n]) => n));
      expect(after.get('2026-03-04')).toBeGreaterThan(top);
      expect(after.get('2026-03-02')).toBeGreaterThan(top);
      const now = windowOf(W.fromDay, W.toDay);
      expect(now).toEqual(fromRows(W.fromDay, W.toDay));
      expect(now).not.toEqual(kept);
    });

    it('says so when a week’s pack changed since the window was listed', () => {
      packAll();
      packWeeks();
      const { spans } = store.usageDayPacks.spans(W.fromDay, W.toDay);
      store.db.prepare("DELETE FROM usage_week_packs WHERE week = '2026-03-02'").run();
      expect(() => spans[1].read()).toThrow('the usage_week_packs pack of 2026-03-02 changed while it was read');
    });
  });

  it('reads a pack whose size does not match its rows from the rows instead', () => {
    packAll();
    const fromPacks = load(store);
    const day = addDays(FIRST, 2);
    store.db.prepare('UPDATE usage_day_packs SET columns = substr(columns, 1, 10) WHERE day = ?').run(day);
    expect(load(store)).toEqual(fromPacks);
  });
});

describe('activity day packs', () => {
  let store: Store;
  const row = (day: string, email: string, active: boolean, agent: number, model: string | null) => ({
    day,
    email,
    userId: null,
    isActive: active,
    linesAdded: agent * 3,
    linesDeleted: 0,
    acceptedLinesAdded: 0,
    acceptedLinesDeleted: 0,
    applies: agent,
    accepts: agent >> 1,
    rejects: 0,
    tabsShown: 0,
    tabsAccepted: 0,
    composerRequests: 0,
    chatRequests: 0,
    agentRequests: agent,
    cmdkUsages: 0,
    subscriptionIncludedReqs: 0,
    apiKeyReqs: 0,
    usageBasedReqs: 0,
    bugbotUsages: 0,
    mostUsedModel: model,
    applyMostUsedExtension: null,
    tabMostUsedExtension: null,
    clientVersion: null,
  });
  beforeEach(() => {
    store = Store.open(':memory:');
    store.dailyUsage.upsert([
      row(FIRST, 'a@x.io', true, 5, 'gpt-5'),
      row(FIRST, 'b@x.io', false, 0, null),
      row(addDays(FIRST, 1), 'a@x.io', true, 9, 'sonnet'),
      row(addDays(FIRST, 1), 'b@x.io', true, 2, null),
      row(addDays(FIRST, 2), 'a@x.io', true, 4, 'gpt-5'),
    ]);
  });
  afterEach(() => store.close());

  /** Each active person's [days, agent requests, lines, accepts, applies, last day, model], by e-mail. */
  const active = () => {
    const a = activeDays(store.db, W.fromDay, W.toDay);
    return new Map(
      [...a.at].map(([email, p]) => [
        email,
        [a.days[p], a.agentRequests[p], a.linesAdded[p], a.accepts[p], a.applies[p], a.lastDay(p), a.mostUsed(p)],
      ]),
    );
  };
  const figures = () => [active(), activityOf(store.db, W.fromDay, W.toDay)] as const;
  const packAll = () => {
    const pack = store.activityDayPacks.packer();
    for (const day of store.activityDayPacks.unpacked(W.fromDay, W.toDay)) pack(day);
  };

  it('gives the same figures from packs as from rows, and drops a day’s pack when a row of it changes', () => {
    const fromRows = figures();
    // gpt-5 and sonnet tie at 9 agent requests: the first by name.
    expect(fromRows[0].get('a@x.io')).toEqual([3, 18, 54, 8, 18, addDays(FIRST, 2), 'gpt-5']);
    expect(fromRows[1]).toEqual([
      { email: 'a@x.io', requests: 18, accepts: 8, applies: 18, activeDays: 3 },
      { email: 'b@x.io', requests: 2, accepts: 1, applies: 2, activeDays: 1 },
    ]);
    expect(store.activityDayPacks.unpacked(W.fromDay, W.toDay)).toHaveLength(3);
    packAll();
    expect(store.activityDayPacks.unpacked(W.fromDay, W.toDay)).toEqual([]);
    expect(figures()).toEqual(fromRows);
    // The same answer again changes nothing; a changed row drops its day's pack.
    store.dailyUsage.upsert([row(FIRST, 'a@x.io', true, 5, 'gpt-5')]);
    expect(store.activityDayPacks.unpacked(W.fromDay, W.toDay)).toEqual([]);
    store.dailyUsage.upsert([row(FIRST, 'a@x.io', true, 20, 'gpt-5')]);
    expect(store.activityDayPacks.unpacked(W.fromDay, W.toDay)).toEqual([FIRST]);
    expect(figures()[0].get('a@x.io')).toEqual([3, 33, 99, 16, 33, addDays(FIRST, 2), 'gpt-5']);
  });
});
