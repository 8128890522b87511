import { NotFound } from '../domain/errors';
import { openDb, type Db } from '../store/db';
import { and, groupIds, hasPeopleFilter, peopleCond, TRUE } from './scope';

// The people filter as SQL: which members a user, group or parent filter selects in a seeded store.
function seeded(): Db {
  const db = openDb(':memory:');
  for (const e of ['ann@x.io', 'bob@x.io', 'cid@x.io', 'dee@x.io']) {
    db.prepare(
      `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', 0, 0, 0)`,
    ).run(e, e);
  }
  const group = db.prepare(`INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, 0)`);
  group.run('g1', 'Eng > Web');
  group.run('g2', 'Eng > Data');
  group.run('g3', 'Engineering'); // shares the prefix "Eng" but is not under "Eng >"
  group.run('g4', 'Eng');
  db.prepare(
    `INSERT INTO group_members (email, group_id) VALUES ('ann@x.io', 'g1'), ('bob@x.io', 'g2'), ('cid@x.io', 'g3')`,
  ).run();
  return db;
}

const selected = (db: Db, f: Parameters<typeof peopleCond>[1]) => {
  const c = peopleCond(db, f);
  return db
    .prepare(`SELECT email FROM members WHERE ${c.sql} ORDER BY email`)
    .pluck()
    .all(...c.params);
};

describe('scope', () => {
  it('selects one member (any case), a group, or a parent and everything under it', () => {
    const db = seeded();
    expect(selected(db, {})).toEqual(['ann@x.io', 'bob@x.io', 'cid@x.io', 'dee@x.io']);
    expect(selected(db, { user: 'BOB@x.io' })).toEqual(['bob@x.io']);
    expect(selected(db, { group: 'g1' })).toEqual(['ann@x.io']);
    expect(groupIds(db, 'parent:Eng')).toEqual(['g1', 'g2', 'g4']);
    expect(selected(db, { group: 'parent:Eng' })).toEqual(['ann@x.io', 'bob@x.io']);
    expect(selected(db, { user: 'ann@x.io', group: 'g2' })).toEqual([]);
  });

  it('unknown users and groups are NotFound', () => {
    const db = seeded();
    expect(() => peopleCond(db, { user: 'zed@x.io' })).toThrow(NotFound);
    expect(() => peopleCond(db, { group: 'nope' })).toThrow(NotFound);
    expect(() => peopleCond(db, { group: 'parent:Sales' })).toThrow(NotFound);
  });

  it('and() drops always-true parts and keeps parameters in order', () => {
    expect(and(TRUE, TRUE)).toBe(TRUE);
    expect(and({ sql: 'a = ?', params: [1] }, TRUE, { sql: 'b = ?', params: [2] })).toEqual({
      sql: '(a = ?) AND (b = ?)',
      params: [1, 2],
    });
    expect([hasPeopleFilter({}), hasPeopleFilter({ group: 'g1' }), hasPeopleFilter({ user: 'a' })]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
