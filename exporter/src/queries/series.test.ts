import { openDb, type Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { series, type SeriesRequest } from './series';
import { dayWindow } from './window';

const day = (d: number) => `2026-03-0${d}`;
const window = dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-04T12:00:00Z'));
const request = (r: Partial<SeriesRequest>): SeriesRequest => ({
  metric: 'spend',
  by: 'group',
  window,
  intervalDays: 1,
  limit: 10,
  ...r,
});

describe('series by group (the group rollup)', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
    const g = db.prepare(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES (?, ?, 'cursor', 0)`);
    g.run('g1', 'One');
    g.run('g2', 'Two');
    g.run('g3', 'Three');
    const inGroup = db.prepare('INSERT INTO group_members (email, group_id) VALUES (?, ?)');
    inGroup.run('a@x.io', 'g1');
    inGroup.run('b@x.io', 'g1');
    inGroup.run('c@x.io', 'g3');
    addUsageDaily(db, [
      { day: day(1), email: 'a@x.io', model: 'gpt-5', charged_micro: 3e8, requests: 1.5 },
      { day: day(2), email: 'a@x.io', model: 'opus', charged_micro: 5e8, requests: 2 },
      { day: day(2), email: 'b@x.io', model: 'gpt-5', charged_micro: 7e8, requests: 4 },
      { day: day(3), email: 'c@x.io', model: 'gpt-5', events: 1 }, // zero spend: still a group with usage
      { day: day(4), email: 'd@x.io', model: 'gpt-5', charged_micro: 1e8, requests: 1 }, // no group
    ]);
    // After the usage is written: b moves to g2, c leaves and joins g1, so g3 keeps no one.
    db.prepare("UPDATE group_members SET group_id = 'g2' WHERE email = 'b@x.io'").run();
    db.prepare("DELETE FROM group_members WHERE email = 'c@x.io'").run();
    db.prepare("INSERT INTO group_members (email, group_id) VALUES ('c@x.io', 'g1')").run();
  });
  afterEach(() => db.close());

  it('sums people by the group they are in now, and leaves out groups no one with usage is in', () => {
    const f = series(db, request({}));
    expect(f.columns.map((c) => c.name)).toEqual(['time', 'One', 'Two', 'Unassigned']);
    expect(f.rows.map((r) => [r.One, r.Two, r.Unassigned])).toEqual([
      [3, 0, 0],
      [5, 7, 0],
      [0, 0, 0],
      [0, 0, 1],
    ]);
  });

  it('equals each group read through the people filter (every person-day joined to its group)', () => {
    for (const metric of ['spend', 'requests', 'tokens', 'cost_per_request'] as const) {
      const f = series(db, request({ metric }));
      for (const [id, name] of [
        ['g1', 'One'],
        ['g2', 'Two'],
      ]) {
        const one = series(db, request({ metric, by: 'team', group: id }));
        expect(f.rows.map((r) => r[name])).toEqual(one.rows.map((r) => r.team));
      }
    }
  });
});

describe('series by user', () => {
  it('ranks the whole team from the window totals the members table reads, as a filter naming everyone does', () => {
    const db = openDb(':memory:');
    try {
      db.prepare(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES ('g1', 'One', 'cursor', 0)`).run();
      const rows = Array.from({ length: 12 }, (_, k) => ({
        day: day(1 + (k % 4)),
        email: `p${k}@x.io`,
        model: 'gpt-5',
        charged_micro: ((k * 7) % 12) * 1e8,
        requests: (k * 5) % 12,
        input_tokens: (k * 11) % 12,
      }));
      // Usage before the window only: no rank in it.
      rows.push({
        day: '2026-02-20',
        email: 'early@x.io',
        model: 'gpt-5',
        charged_micro: 50e8,
        requests: 50,
        input_tokens: 50,
      });
      addUsageDaily(db, rows);
      const inGroup = db.prepare(`INSERT INTO group_members (email, group_id) VALUES (?, 'g1')`);
      for (const r of rows) inGroup.run(r.email);
      const keys: string[] = [];
      const memo = <T>(key: string, f: () => T): T => (keys.push(key), f());
      for (const metric of ['spend', 'requests', 'tokens'] as const) {
        const team = series(db, request({ by: 'user', metric, limit: 5 }), memo);
        const everyone = series(db, request({ by: 'user', metric, limit: 5, group: 'g1' }));
        expect(team.columns.map((c) => c.name)).toEqual(everyone.columns.map((c) => c.name));
        expect(team.columns.map((c) => c.name)).not.toContain('early@x.io');
      }
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.startsWith('totals:') || k.startsWith('usage-window:'))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('folds everyone past the limit into other, with or without a model or people filter', () => {
    const db = openDb(':memory:');
    try {
      db.prepare(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES ('g1', 'One', 'cursor', 0)`).run();
      db.prepare(`INSERT INTO group_members (email, group_id) VALUES ('a@x.io', 'g1'), ('b@x.io', 'g1')`).run();
      addUsageDaily(db, [
        { day: day(1), email: 'a@x.io', model: 'gpt-5', charged_micro: 9e8, requests: 3, input_tokens: 10 },
        { day: day(1), email: 'b@x.io', model: 'gpt-5', charged_micro: 4e8, requests: 2, input_tokens: 7 },
        { day: day(2), email: 'b@x.io', model: 'opus', charged_micro: 2e8, requests: 1, output_tokens: 5 },
        { day: day(2), email: 'c@x.io', model: 'gpt-5', charged_micro: 5e8, requests: 1, cache_read_tokens: 100 },
      ]);
      const f = series(db, request({ by: 'user', metric: 'tokens', limit: 1 }));
      expect(f.columns.map((c) => c.name)).toEqual(['time', 'c@x.io', 'other']);
      expect(f.rows.map((r) => [r['c@x.io'], r.other])).toEqual([
        [0, 17],
        [100, 5],
        [0, 0],
        [0, 0],
      ]);
      const gpt = series(db, request({ by: 'user', model: 'gpt-5', limit: 1 }));
      expect(gpt.columns.map((c) => c.name)).toEqual(['time', 'a@x.io', 'other']);
      expect(gpt.rows.map((r) => [r['a@x.io'], r.other])).toEqual([
        [9, 4],
        [0, 5],
        [0, 0],
        [0, 0],
      ]);
      const group = series(db, request({ by: 'user', group: 'g1', limit: 1 }));
      expect(group.columns.map((c) => c.name)).toEqual(['time', 'a@x.io', 'other']);
      expect(group.rows.map((r) => [r['a@x.io'], r.other])).toEqual([
        [9, 4],
        [0, 2],
        [0, 0],
        [0, 0],
      ]);
    } finally {
      db.close();
    }
  });
});
