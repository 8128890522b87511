import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, flat, team } from '../test-fixtures';
import { sustainedTeam } from './sustained-team';

/** Six people with the same daily spend (the team factor needs five people with a baseline). */
const six = (spend: number[]) => Array.from({ length: 6 }, (_, i) => ({ email: `p${i}@x.io`, spend }));
const detect = (days: number, users: { email: string; spend: number[] }[], now: number) =>
  sustainedTeam(makeContext(team({ days, users }), DEFAULT_SETTINGS, now)).findings;

// Each person spends $100 a day for days 0–23, then the last 3 complete days (24–26) as given; run on day 27.
const run = (last3: number[]) => detect(28, six([...flat(100, 24), ...last3]), at(27));

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

  it("is the team's: one person whose spend carries the total for three days is no team surge", () => {
    // One of six at 10× for days 24–26: the team's total runs at 2.5×, the typical person at 1×.
    const users = six(flat(100, 27));
    users[0] = { email: 'p0@x.io', spend: [...flat(100, 24), 1000, 1000, 1000] };
    expect(detect(28, users, at(27))).toEqual([]);
    // Two more people at 2×, then four of the six (the typical person at 2×): the team's surge.
    const broad = users.map((u, i) => (i >= 1 && i <= 3 ? { ...u, spend: [...flat(100, 24), 200, 200, 200] } : u));
    expect(detect(28, broad, at(27))).toMatchObject([{ subject: 'team', value: 2 }]);
  });

  it('compares like days with like days: two quiet weekends before an ordinary one are no surge', () => {
    // Seven weeks of $100 days; the same three weekdays one and two weeks before the last three
    // (days 41–43) were a quiet stretch at $30. The median of those weekdays is still $100.
    const spend = Array.from({ length: 52 }, (_, i) => ((i >= 34 && i <= 36) || (i >= 41 && i <= 43) ? 30 : 100));
    expect(detect(52, six(spend), at(51))).toEqual([]);
    const surge = spend.map((v, i) => (i >= 48 ? 160 : v));
    expect(detect(52, six(surge), at(51))).toHaveLength(1);
  });
});
