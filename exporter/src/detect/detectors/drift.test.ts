import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { drift } from './drift';

// Four 7-day blocks (days 0–27) whose weekly totals are given; run on day 28 (block 4 ends yesterday).
const weekly = (weeks: number[]) => weeks.flatMap((w) => Array.from({ length: 7 }, () => w / 7));
const run = (weeks: number[], group = false) =>
  drift(
    makeContext(
      team({ days: 29, groups: [{ id: 'group_a', name: 'Platform' }], users: [{ email: 'd@x.io', name: 'Dee', group: group ? 'group_a' : undefined, spend: weekly(weeks) }] }),
      DEFAULT_SETTINGS,
      at(28),
    ),
  ).findings;
const g = (pct: number) => [100, 100 * (1 + pct), 100 * (1 + pct) ** 2, 100 * (1 + pct) ** 3];

describe('drift', () => {
  it.each([
    ['14.9%/week', g(0.149), 0],
    ['15.1%/week', g(0.151), 1],
    ['fast but one week down', [100, 180, 170, 300], 0],
    ['from under $10/week', g(0.5).map((x) => x / 20), 0],
  ])('%s', (_l, weeks, n) => {
    expect(run(weeks).filter((f) => f.subject === 'user')).toHaveLength(n);
  });

  it('no single day spikes, yet it is found, for the user and the group', () => {
    const f = run(g(0.2), true);
    expect(f.map((x) => [x.subject, x.key])).toEqual([
      ['user', 'drift:d@x.io'],
      ['group', 'drift:group:group_a'],
    ]);
    expect(f[0].message).toBe('Dee: weekly spend grew 3 weeks in a row, $100 → $173 (+20%/week)');
    expect(f[0].onsetMs).toBe(Date.parse('2026-03-08T00:00:00Z'));
  });
});
