import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, flat, team } from '../test-fixtures';
import { sustainedTeam } from './sustained-team';

// One person carries the team: $100 a day for days 0–23, then the last 3 complete days (24–26) as given; run on day 27.
const run = (last3: number[]) =>
  sustainedTeam(
    makeContext(
      team({ days: 28, users: [{ email: 'a@x.io', spend: [...flat(100, 24), ...last3] }] }),
      DEFAULT_SETTINGS,
      at(27),
    ),
  ).findings;

describe('sustained_high (team)', () => {
  it.each([
    ['one-day surge', [180, 100, 100], 0],
    ['two days', [100, 170, 170], 0],
    ['three days at 1.4×', [140, 140, 140], 0],
    ['three days above 1.4×', [140.01, 150, 170], 1],
  ])('%s', (_l, last3, n) => {
    const f = run(last3);
    expect(f).toHaveLength(n);
    if (n)
      expect(f[0]).toMatchObject({
        subject: 'team',
        key: 'sustained_high:team',
        threshold: 1.4,
        value: 1.4001,
        onsetMs: Date.parse('2026-03-25T00:00:00Z'),
      });
  });

  it('compares like days with like days: two quiet weekends before an ordinary one are no surge', () => {
    // Seven weeks of $100 days; the same three weekdays one and two weeks before the last three
    // (days 41–43) were a quiet stretch at $30. The median of those weekdays is still $100.
    const spend = Array.from({ length: 52 }, (_, i) => ((i >= 34 && i <= 36) || (i >= 41 && i <= 43) ? 30 : 100));
    const ordinary = sustainedTeam(
      makeContext(team({ days: 52, users: [{ email: 'a@x.io', spend }] }), DEFAULT_SETTINGS, at(51)),
    ).findings;
    expect(ordinary).toEqual([]);
    const surge = spend.map((v, i) => (i >= 48 ? 160 : v));
    expect(
      sustainedTeam(
        makeContext(team({ days: 52, users: [{ email: 'a@x.io', spend: surge }] }), DEFAULT_SETTINGS, at(51)),
      ).findings,
    ).toHaveLength(1);
  });
});
