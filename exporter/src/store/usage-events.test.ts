import type { UsageEvent } from '../domain/records';
import { DAY_MS, HOUR_MS } from '../domain/time';
import { migrate, openDb, type Db } from './db';
import { migrations } from './migrations';
import { UsageEventsRepo } from './usage-events';

/** Small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2026-03-01T00:00:00Z');
const KINDS = ['Usage-based', 'Included in Business', 'Errored, Not Charged', 'Free'];

/** Three days of events over few people and milliseconds, so identical events in one ms occur. */
function team(seed: number, count: number): UsageEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const events: UsageEvent[] = [];
  for (let i = 0; i < count; i++) {
    const e: UsageEvent = {
      timestampMs: START + Math.floor((r() * 3 * DAY_MS) / 60_000) * 60_000, // whole minutes: many share a ms
      email: pick(['a@x.io', 'b@x.io', 'c@x.io', '']),
      model: pick(['gpt-5', 'claude-4-opus', 'auto']),
      kind: pick(KINDS),
      maxMode: r() < 0.2,
      requestsCosts: pick([0, 0.5, 1, 2.25]),
      isTokenBasedCall: r() < 0.8,
      inputTokens: Math.floor(r() * 5000),
      outputTokens: Math.floor(r() * 900),
      cacheWriteTokens: Math.floor(r() * 100),
      cacheReadTokens: Math.floor(r() * 90_000),
      tokenMicro: Math.floor(r() * 4e9), // beyond 32 bits
      chargedMicro: Math.floor(r() * 5e9),
      cursorFeeMicro: Math.floor(r() * 1e6),
      isChargeable: r() < 0.5,
      isHeadless: r() < 0.1,
      conversationId: r() < 0.1 ? null : pick(['c1', 'c2', 'c3']),
    };
    events.push(e);
    if (r() < 0.05) events.push({ ...e }); // a parallel call: a byte-identical event, a distinct one
  }
  return events.sort((a, b) => b.timestampMs - a.timestampMs); // Cursor pages newest-first
}

/** The events of [from, to) as one fetch window, newest-first or shuffled. */
function window(all: UsageEvent[], from: number, to: number, shuffleSeed?: number): UsageEvent[] {
  const w = all.filter((e) => e.timestampMs >= from && e.timestampMs < to).map((e) => ({ ...e }));
  if (shuffleSeed !== undefined) {
    const r = rng(shuffleSeed);
    for (let i = w.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [w[i], w[j]] = [w[j], w[i]];
    }
  }
  return w;
}

function ingest(db: Db, events: UsageEvent[]): number {
  return db.transaction(() => new UsageEventsRepo(db).insert(events))();
}

function tables(db: Db) {
  return {
    events: db.prepare('SELECT * FROM usage_events ORDER BY ts_ms, event_hash').all(),
    daily: db.prepare('SELECT * FROM usage_daily ORDER BY day, email, model').all(),
    team: db.prepare('SELECT * FROM usage_team_daily ORDER BY day, model').all(),
    user: db.prepare('SELECT * FROM usage_user_daily ORDER BY day, email').all(),
  };
}

/** usage_daily computed from scratch out of the stored events: what the incremental sums must equal. */
const RECOMPUTED_DAILY = `SELECT day, email, model, COUNT(*) AS events, SUM(requests_costs) AS requests,
  SUM(charged_micro) AS charged_micro, SUM(CASE WHEN is_chargeable THEN charged_micro ELSE 0 END) AS chargeable_micro,
  SUM(token_micro) AS token_micro, SUM(kind LIKE 'Included%') AS included_events, SUM(kind = 'Usage-based') AS usage_based_events,
  SUM(kind LIKE 'Errored%') AS errored_events, SUM(is_headless) AS headless_events, SUM(max_mode) AS max_mode_events,
  SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
  SUM(cache_read_tokens) AS cache_read_tokens
  FROM usage_events GROUP BY day, email, model ORDER BY day, email, model`;

describe('UsageEventsRepo.insert', () => {
  let db: Db;
  beforeEach(() => (db = openDb(':memory:')));
  afterEach(() => db.close());

  const all = team(7, 3000);

  it('overlapping windows in any order and any row order store every event once, with exact sums', () => {
    // Six-hour windows, then a re-fetch of overlapping twelve-hour windows, out of order, shuffled.
    let inserted = 0;
    for (let from = START; from < START + 3 * DAY_MS; from += 6 * HOUR_MS)
      inserted += ingest(db, window(all, from, from + 6 * HOUR_MS));
    expect(inserted).toBe(all.length);
    const before = tables(db);
    for (const from of [START + 30 * HOUR_MS, START, START + 54 * HOUR_MS, START + 18 * HOUR_MS]) {
      expect(ingest(db, window(all, from, from + 12 * HOUR_MS, from))).toBe(0);
    }
    expect(tables(db)).toEqual(before);

    expect(before.events).toHaveLength(all.length);
    expect(before.daily).toEqual(db.prepare(RECOMPUTED_DAILY).all());
    const eventsOfDay = (day: string) =>
      all.filter((e) => new Date(e.timestampMs).toISOString().startsWith(day)).length;
    expect(
      before.daily
        .filter((d) => (d as { day: string }).day === '2026-03-02')
        .reduce((n: number, d) => n + (d as { events: number }).events, 0),
    ).toBe(eventsOfDay('2026-03-02'));
  });

  it('a window spanning days, sent in any row order, stores what newest-first pages store', () => {
    ingest(db, window(all, START, START + 3 * DAY_MS));
    const newestFirst = tables(db);
    const other = openDb(':memory:');
    try {
      expect(ingest(other, window(all, START, START + 3 * DAY_MS, 99))).toBe(all.length);
      expect(tables(other)).toEqual(newestFirst);
    } finally {
      other.close();
    }
    expect(newestFirst.daily.map((d) => (d as { day: string }).day).filter((d, i, xs) => xs.indexOf(d) === i)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
    ]);
  });

  it('a window that only partly overlaps stored events adds just the new ones to usage_daily', () => {
    ingest(db, window(all, START, START + 20 * HOUR_MS));
    const added = ingest(db, window(all, START + 10 * HOUR_MS, START + 40 * HOUR_MS, 3));
    expect(added).toBe(
      all.filter((e) => e.timestampMs >= START + 20 * HOUR_MS && e.timestampMs < START + 40 * HOUR_MS).length,
    );
    expect(db.prepare('SELECT * FROM usage_daily ORDER BY day, email, model').all()).toEqual(
      db.prepare(RECOMPUTED_DAILY).all(),
    );
  });

  it('keeps the API rollups equal to usage_daily', () => {
    ingest(db, window(all, START, START + 36 * HOUR_MS, 5));
    ingest(db, window(all, START + 24 * HOUR_MS, START + 3 * DAY_MS));
    const { team: teamRows, user } = tables(db);
    expect(teamRows).toEqual(
      db
        .prepare(
          `SELECT day, model, SUM(events) AS events, SUM(requests) AS requests, SUM(charged_micro) AS charged_micro,
      SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens, SUM(cache_read_tokens) AS cache_read_tokens
      FROM usage_daily GROUP BY day, model ORDER BY day, model`,
        )
        .all(),
    );
    expect(user).toEqual(
      db
        .prepare(
          `SELECT day, email, SUM(events) AS events, SUM(requests) AS requests, SUM(charged_micro) AS charged_micro,
      SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens, SUM(cache_read_tokens) AS cache_read_tokens
      FROM usage_daily GROUP BY day, email ORDER BY day, email`,
        )
        .all(),
    );
  });

  it('a repeat of a stored event in its millisecond is a new event; the stored one is kept once', () => {
    const e = all[0];
    expect(ingest(db, [{ ...e }])).toBe(1);
    // The same millisecond fetched again, now holding a byte-identical parallel call and another event.
    const other = { ...e, inputTokens: e.inputTokens + 1 };
    expect(ingest(db, [{ ...e }, other, { ...e }])).toBe(2);
    expect(ingest(db, [other, { ...e }, { ...e }])).toBe(0);
    expect(tables(db).events).toHaveLength(3);
    expect(tables(db).daily).toEqual(db.prepare(RECOMPUTED_DAILY).all());
  });

  it('an empty window writes nothing', () => {
    expect(ingest(db, [])).toBe(0);
    expect(tables(db)).toEqual({ events: [], daily: [], team: [], user: [] });
  });

  it("names are numbered in the window's transaction: a window rolled back leaves none behind", () => {
    const names = () => db.prepare('SELECT name FROM usage_names ORDER BY name').pluck().all();
    const repo = new UsageEventsRepo(db);
    expect(() =>
      db.transaction(() => {
        repo.insert(window(all, START, START + DAY_MS));
        throw new Error('the watermark write failed');
      })(),
    ).toThrow('the watermark write failed');
    expect(names()).toEqual([]);
    expect(db.transaction(() => repo.insert(window(all, START, START + 3 * DAY_MS)))()).toBe(all.length);
    expect(tables(db).events).toHaveLength(all.length); // the view joins every row to its names
    const used = new Set(all.flatMap((e) => [e.email, e.model, e.kind]));
    expect(names()).toEqual([...used].sort());
    expect(db.prepare(RECOMPUTED_DAILY).all()).toEqual(tables(db).daily);
  });
});

describe('schema 22: usage events by name number', () => {
  it('a fresh store is created without an upgrade notice', () => {
    const told = jest.fn();
    openDb(':memory:', migrations, { onUpgrade: told }).close();
    expect(told).not.toHaveBeenCalled();
  });

  const WIDE = `ts_ms, event_hash, day, email, model, kind, max_mode, requests_costs, is_token_based, input_tokens,
    output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro, cursor_fee_micro, is_chargeable,
    is_headless, conversation_id`;

  it('events stored as text before it read the same after it, and later events share their names', () => {
    const db = openDb(
      ':memory:',
      migrations.filter((m) => m.version < 22),
    );
    try {
      const events = team(11, 400).slice(0, 300);
      const put = db.prepare(
        `INSERT INTO usage_events (${WIDE}) VALUES (${WIDE.split(',')
          .map(() => '?')
          .join(', ')})`,
      );
      events.forEach((e, i) =>
        put.run(
          e.timestampMs,
          i,
          new Date(e.timestampMs).toISOString().slice(0, 10),
          e.email,
          e.model,
          e.kind,
          Number(e.maxMode),
          e.requestsCosts,
          Number(e.isTokenBasedCall),
          e.inputTokens,
          e.outputTokens,
          e.cacheWriteTokens,
          e.cacheReadTokens,
          e.tokenMicro,
          e.chargedMicro,
          e.cursorFeeMicro,
          Number(e.isChargeable),
          Number(e.isHeadless),
          e.conversationId,
        ),
      );
      const read = () => db.prepare(`SELECT ${WIDE} FROM usage_events ORDER BY ts_ms, event_hash`).raw().all();
      const before = read();
      const upgrades: number[][] = [];
      const latest = Math.max(...migrations.map((m) => m.version));
      expect(migrate(db, migrations, (from, to) => upgrades.push([from, to]))).toBe(latest);
      expect(upgrades).toEqual([[21, latest]]); // told once, before the copy (a fresh store is not told)
      expect(read()).toEqual(before);
      const names = db.prepare('SELECT COUNT(*) FROM usage_names').pluck();
      const known = names.get();
      expect(known).toBe(new Set(events.flatMap((e) => [e.email, e.model, e.kind])).size);
      // The same people, models and kinds later: no new names, and the view shows them.
      const later = { ...events[0], timestampMs: START + 10 * DAY_MS };
      expect(ingest(db, [later])).toBe(1);
      expect(names.get()).toBe(known);
      expect(
        db.prepare('SELECT email, model, kind, day FROM usage_events WHERE ts_ms = ?').get(later.timestampMs),
      ).toEqual({
        email: later.email,
        model: later.model,
        kind: later.kind,
        day: '2026-03-11',
      });
    } finally {
      db.close();
    }
  });
});
