import { migrate, openDb, type Db } from './db';
import { migrations } from './migrations';
import { addUsageDaily, type UsageDailyRow } from './usage-daily';

const USER_ROLLUP = `SELECT day, email, SUM(events) AS events, SUM(requests) AS requests, SUM(charged_micro) AS charged_micro,
  SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens, SUM(cache_read_tokens) AS cache_read_tokens
  FROM usage_daily GROUP BY day, email ORDER BY day, email`;
const TEAM_ROLLUP = `SELECT day, model, SUM(events) AS events, SUM(requests) AS requests, SUM(charged_micro) AS charged_micro,
  SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens, SUM(cache_read_tokens) AS cache_read_tokens
  FROM usage_daily GROUP BY day, model ORDER BY day, model`;

function rollups(db: Db) {
  return {
    user: db.prepare('SELECT * FROM usage_user_daily ORDER BY day, email').all(),
    team: db.prepare('SELECT * FROM usage_team_daily ORDER BY day, model').all(),
  };
}

function expected(db: Db) {
  return { user: db.prepare(USER_ROLLUP).all(), team: db.prepare(TEAM_ROLLUP).all() };
}

const ROWS: UsageDailyRow[] = [
  { day: '2026-03-02', email: 'b@x.io', model: 'gpt-5', events: 3, requests: 2.5, charged_micro: 7e9, input_tokens: 10, cache_read_tokens: 900 },
  { day: '2026-03-02', email: 'a@x.io', model: 'gpt-5', events: 1, requests: 1, charged_micro: 5, output_tokens: 4, cache_write_tokens: 2 },
  { day: '2026-03-02', email: 'a@x.io', model: 'opus', events: 2, requests: 4, charged_micro: 9e12, usage_based_events: 2 },
  { day: '2026-03-01', email: 'a@x.io', model: 'opus', events: 5, charged_micro: 1 },
  { day: '2026-03-02', email: 'b@x.io', model: 'gpt-5', events: 1, requests: 0.25, charged_micro: 3 }, // same key: adds up
];

describe('addUsageDaily', () => {
  let db: Db;
  beforeEach(() => (db = openDb(':memory:')));
  afterEach(() => db.close());

  it('adds rows to usage_daily and keeps both rollups equal to it', () => {
    addUsageDaily(db, ROWS);
    addUsageDaily(db, [{ day: '2026-03-01', email: 'a@x.io', model: 'opus', events: 1 }]);
    expect(db.prepare("SELECT events, requests, charged_micro FROM usage_daily WHERE email = 'b@x.io'").get()).toEqual({ events: 4, requests: 2.75, charged_micro: 7e9 + 3 });
    expect(db.prepare("SELECT events FROM usage_daily WHERE day = '2026-03-01'").pluck().get()).toBe(6);
    expect(rollups(db)).toEqual(expected(db));
    expect(rollups(db).user).toHaveLength(3);
    expect(rollups(db).team).toHaveLength(3);
  });

  it('negative deltas take away from usage_daily and the rollups alike', () => {
    addUsageDaily(db, ROWS);
    addUsageDaily(db, [{ day: '2026-03-02', email: 'a@x.io', model: 'opus', events: -2, requests: -4, charged_micro: -9e12, usage_based_events: -2 }]);
    expect(rollups(db)).toEqual(expected(db));
    expect(db.prepare("SELECT charged_micro FROM usage_user_daily WHERE day = '2026-03-02' AND email = 'a@x.io'").pluck().get()).toBe(5);
  });

  it('rejects a non-finite sum and writes nothing', () => {
    expect(() => addUsageDaily(db, [ROWS[0], { ...ROWS[1], charged_micro: NaN }])).toThrow(/charged_micro is not a finite number/);
    expect(db.prepare('SELECT COUNT(*) FROM usage_daily').pluck().get()).toBe(0);
    expect(rollups(db)).toEqual({ user: [], team: [] });
  });
});

describe('migration 8 (rollups kept by the writer)', () => {
  it('drops the rollup triggers and rebuilds the rollups from usage_daily', () => {
    const db = openDb(':memory:', migrations.filter((m) => m.version <= 7));
    try {
      const ins = db.prepare('INSERT INTO usage_daily (day, email, model, events, requests, charged_micro, input_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)');
      ins.run('2026-03-01', 'a@x.io', 'gpt-5', 2, 2, 100, 7);
      ins.run('2026-03-01', 'b@x.io', 'gpt-5', 1, 1, 50, 3);
      // A rollup gone wrong under the old scheme: the rebuild must not carry it over.
      db.prepare("UPDATE usage_team_daily SET charged_micro = 999").run();
      expect(migrate(db, migrations.filter((m) => m.version <= 8))).toBe(8);
      expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").pluck().get()).toBe(0);
      expect(rollups(db)).toEqual(expected(db));
      expect(rollups(db).team).toEqual([{ day: '2026-03-01', model: 'gpt-5', events: 3, requests: 3, charged_micro: 150, tokens: 10, cache_read_tokens: 0 }]);
    } finally {
      db.close();
    }
  });
});
