import { DETECTOR_IDS } from '../detect/types';
import { openDb, type Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { variables } from './variables';

// Grafana template variables over a seeded store: text shown, value sent, substring search.
function seeded(): Db {
  const db = openDb(':memory:');
  const member = db.prepare(
    `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', ?, 0, 0)`,
  );
  member.run('zoe@x.io', 'zoe', 0);
  member.run('ann@x.io', 'Ann 100%', 0);
  member.run('bob@x.io', 'Bob', 0);
  member.run('old@x.io', 'Anne Old', 1); // removed: not offered
  const group = db.prepare(`INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, 0)`);
  group.run('g_b', 'Platform');
  group.run('g_a', 'Data > ML');
  addUsageDaily(db, [
    { day: '2026-05-10', email: 'ann@x.io', model: 'sonnet', events: 1 },
    { day: '2026-05-11', email: 'bob@x.io', model: 'gpt-5', events: 1 },
    { day: '2026-05-11', email: 'ann@x.io', model: 'sonnet', events: 1 },
  ]);
  return db;
}

describe('variables', () => {
  it('users: current members by name, searchable by name or email', () => {
    const db = seeded();
    expect(variables(db, 'users', undefined, 10).rows).toEqual([
      { text: 'Ann 100% <ann@x.io>', value: 'ann@x.io' },
      { text: 'Bob <bob@x.io>', value: 'bob@x.io' },
      { text: 'zoe <zoe@x.io>', value: 'zoe@x.io' },
    ]);
    expect(variables(db, 'users', 'BO', 10).rows.map((r) => r.value)).toEqual(['bob@x.io']);
    expect(variables(db, 'users', 'zoe@', 10).rows.map((r) => r.value)).toEqual(['zoe@x.io']);
    expect(variables(db, 'users', undefined, 2).rows).toHaveLength(2);
  });

  it("takes the user's % and _ literally", () => {
    const db = seeded();
    expect(variables(db, 'users', '0%', 10).rows.map((r) => r.value)).toEqual(['ann@x.io']);
    expect(variables(db, 'users', '%', 10).rows.map((r) => r.value)).toEqual(['ann@x.io']);
    expect(variables(db, 'users', '_', 10).rows).toEqual([]);
  });

  it('groups by name (value = id), models once each', () => {
    const db = seeded();
    expect(variables(db, 'groups', undefined, 10).rows).toEqual([
      { text: 'Data > ML', value: 'g_a' },
      { text: 'Platform', value: 'g_b' },
    ]);
    expect(variables(db, 'groups', 'g_b', 10).rows.map((r) => r.value)).toEqual(['g_b']);
    expect(variables(db, 'models', undefined, 10).rows).toEqual([
      { text: 'gpt-5', value: 'gpt-5' },
      { text: 'sonnet', value: 'sonnet' },
    ]);
  });

  it('detectors: the list in code, whether they have fired or not', () => {
    const rows = variables(seeded(), 'detectors', undefined, 100).rows;
    expect(rows.map((r) => r.value)).toEqual([...DETECTOR_IDS]);
    expect(variables(seeded(), 'detectors', DETECTOR_IDS[0], 100).rows.map((r) => r.value)).toContain(DETECTOR_IDS[0]);
  });
});
