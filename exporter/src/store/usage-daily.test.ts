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
  {
    day: '2026-03-02',
    email: 'b@x.io',
    model: 'gpt-5',
    events: 3,
    requests: 2.5,
    charged_micro: 7e9,
    input_tokens: 10,
    cache_read_tokens: 900,
  },
  {
    day: '2026-03-02',
    email: 'a@x.io',
    model: 'gpt-5',
    events: 1,
    requests: 1,
    charged_micro: 5,
    output_tokens: 4,
    cache_write_tokens: 2,
  },
  {
    day: '2026-03-02',
    email: 'a@x.io',
    model: 'opus',
    events: 2,
    requests: 4,
    charged_micro: 9e12,
    usage_based_events: 2,
  },
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
    expect(db.prepare("SELECT events, requests, charged_micro FROM usage_daily WHERE email = 'b@x.io'").get()).toEqual({
      events: 4,
      requests: 2.75,
      charged_micro: 7e9 + 3,
    });
    expect(db.prepare("SELECT events FROM usage_daily WHERE day = '2026-03-01'").pluck().get()).toBe(6);
    expect(rollups(db)).toEqual(expected(db));
    expect(rollups(db).user).toHaveLength(3);
    expect(rollups(db).team).toHaveLength(3);
  });

  it('negative deltas take away from usage_daily and the rollups alike', () => {
    addUsageDaily(db, ROWS);
    addUsageDaily(db, [
      {
        day: '2026-03-02',
        email: 'a@x.io',
        model: 'opus',
        events: -2,
        requests: -4,
        charged_micro: -9e12,
        usage_based_events: -2,
      },
    ]);
    expect(rollups(db)).toEqual(expected(db));
    expect(
      db
        .prepare("SELECT charged_micro FROM usage_user_daily WHERE day = '2026-03-02' AND email = 'a@x.io'")
        .pluck()
        .get(),
    ).toBe(5);
  });

  it('rejects a non-finite sum and writes nothing', () => {
    expect(() => addUsageDaily(db, [ROWS[0], { ...ROWS[1], charged_micro: NaN }])).toThrow(
      /charged_micro is not a finite number/,
    );
    expect(db.prepare('SELECT COUNT(*) FROM usage_daily').pluck().get()).toBe(0);
    expect(rollups(db)).toEqual({ user: [], team: [] });
  });
});

describe('migration 8 (rollups kept by the writer)', () => {
  it('drops the rollup triggers and rebuilds the rollups from usage_daily', () => {
    const db = openDb(
      ':memory:',
      migrations.filter((m) => m.version <= 7),
    );
    try {
      const ins = db.prepare(
        'INSERT INTO usage_daily (day, email, model, events, requests, charged_micro, input_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      ins.run('2026-03-01', 'a@x.io', 'gpt-5', 2, 2, 100, 7);
      ins.run('2026-03-01', 'b@x.io', 'gpt-5', 1, 1, 50, 3);
      // A rollup gone wrong under the old scheme: the rebuild must not carry it over.
      db.prepare('UPDATE usage_team_daily SET charged_micro = 999').run();
      expect(
        migrate(
          db,
          migrations.filter((m) => m.version <= 8),
        ),
      ).toBe(8);
      expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").pluck().get()).toBe(0);
      expect(rollups(db)).toEqual(expected(db));
      expect(rollups(db).team).toEqual([
        {
          day: '2026-03-01',
          model: 'gpt-5',
          events: 3,
          requests: 3,
          charged_micro: 150,
          tokens: 10,
          cache_read_tokens: 0,
        },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('usage_group_daily (per billing group, schema/011)', () => {
  // What the rollup must equal: every person-day joined to the person's group now.
  const GROUP_ROLLUP = `SELECT u.day, COALESCE(gm.group_id, 'group_unassigned') AS group_id, COUNT(*) AS rows, SUM(u.events) AS events,
    SUM(u.requests) AS requests, SUM(u.charged_micro) AS charged_micro, SUM(u.tokens) AS tokens, SUM(u.cache_read_tokens) AS cache_read_tokens
    FROM usage_user_daily u LEFT JOIN group_members gm ON gm.email = u.email GROUP BY 1, 2 ORDER BY 1, 2`;
  const groupRollup = (db: Db) =>
    db.prepare('SELECT * FROM usage_group_daily WHERE rows > 0 ORDER BY day, group_id').all();
  const join = (db: Db, email: string, group: string) =>
    db.prepare('INSERT INTO group_members (email, group_id) VALUES (?, ?)').run(email, group);
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
    const g = db.prepare(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES (?, ?, 'cursor', 0)`);
    g.run('g1', 'One');
    g.run('g2', 'Two');
  });
  afterEach(() => db.close());

  it('adds each person-day to the group the person is in when it is written', () => {
    join(db, 'a@x.io', 'g1');
    addUsageDaily(db, ROWS);
    addUsageDaily(db, [
      { day: '2026-03-01', email: 'a@x.io', model: 'opus', events: 1 },
      { day: '2026-03-03', email: 'c@x.io', model: 'gpt-5', charged_micro: 4 },
    ]);
    expect(groupRollup(db)).toEqual(db.prepare(GROUP_ROLLUP).all());
    expect(
      db
        .prepare(
          "SELECT group_id, rows, charged_micro FROM usage_group_daily WHERE day = '2026-03-02' ORDER BY group_id",
        )
        .all(),
    ).toEqual([
      { group_id: 'g1', rows: 1, charged_micro: 9e12 + 5 },
      { group_id: 'group_unassigned', rows: 1, charged_micro: 7e9 + 3 },
    ]);
  });

  it("moves a person's history when they join, change or leave a group, and only then", () => {
    addUsageDaily(db, ROWS);
    join(db, 'a@x.io', 'g1');
    expect(groupRollup(db)).toEqual(db.prepare(GROUP_ROLLUP).all());
    db.prepare("UPDATE group_members SET group_id = 'g2' WHERE email = 'a@x.io'").run();
    expect(groupRollup(db)).toEqual(db.prepare(GROUP_ROLLUP).all());
    // Re-stating the same group (what every collection does) changes nothing.
    db.prepare("UPDATE group_members SET group_id = 'g2' WHERE email = 'a@x.io'").run();
    expect(groupRollup(db)).toEqual(db.prepare(GROUP_ROLLUP).all());
    join(db, 'b@x.io', 'g2');
    db.prepare("DELETE FROM group_members WHERE email = 'a@x.io'").run();
    expect(groupRollup(db)).toEqual(db.prepare(GROUP_ROLLUP).all());
    // g1 lost everyone: its rows are kept at zero people, so readers skip it.
    expect(db.prepare("SELECT rows, charged_micro FROM usage_group_daily WHERE group_id = 'g1'").all()).toEqual([
      { rows: 0, charged_micro: 0 },
      { rows: 0, charged_micro: 0 },
    ]);
  });

  it('is built from the existing person-days by the migration', () => {
    const old = openDb(
      ':memory:',
      migrations.filter((m) => m.version <= 10),
    );
    try {
      old.prepare(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES ('g1', 'One', 'cursor', 0)`).run();
      join(old, 'a@x.io', 'g1');
      // Written before schema/011: the person-day rollup only (today's writer needs the new table).
      const ins = old.prepare(
        'INSERT INTO usage_user_daily (day, email, events, requests, charged_micro, tokens, cache_read_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      ins.run('2026-03-01', 'a@x.io', 5, 0, 1, 0, 0);
      ins.run('2026-03-02', 'a@x.io', 3, 5, 9e12 + 5, 6, 0);
      ins.run('2026-03-02', 'b@x.io', 4, 2.75, 7e9 + 3, 910, 900);
      expect(old.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'usage_group_daily'").pluck().get()).toBe(0);
      migrate(old, migrations);
      expect(groupRollup(old)).toEqual(old.prepare(GROUP_ROLLUP).all());
      expect(groupRollup(old)).toHaveLength(3);
    } finally {
      old.close();
    }
  });
});
