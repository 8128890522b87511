import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, endOf, team } from '../test-fixtures';
import { levelShift } from './level-shift';

// DAY0 (2026-03-01) is a Sunday. The run is at the end of day 30 (Tuesday): the window is days
// 24–30 (Wed 25 Mar … Tue 31 Mar, a weekend on days 27–28), the baseline days 0–23.
const isWeekend = (i: number) => i % 7 === 0 || i % 7 === 6;
const habit = (weekday: number, weekend = 0, on: Record<number, number> = {}): number[] =>
  Array.from({ length: 31 }, (_, i) => on[i] ?? (isWeekend(i) ? weekend : weekday));
/** `usd` on each of the given days. */
const days = (usd: number, ...ds: number[]): Record<number, number> => Object.fromEntries(ds.map((d) => [d, usd]));
const alice = (spend: number[]): UserSpec => ({ email: 'alice@x.io', name: 'Alice', spend });
const colleagues = (on: Record<number, number> = {}): UserSpec[] =>
  Array.from({ length: 5 }, (_, i) => ({ email: `c${i}@x.io`, spend: habit(20, 0, on) }));
const run = (users: UserSpec[]) =>
  levelShift(makeContext(team({ days: 31, users }), DEFAULT_SETTINGS, endOf(30))).findings;
const aliceOnly = (f: ReturnType<typeof run>) => f.filter((x) => x.email === 'alice@x.io');

describe('level_shift', () => {
  // Alice spends $10 on weekdays; an elevated day is above 3× that ($30) and $15 above it.
  it.each([
    ['two days at 4×', days(40, 26, 27), 0],
    ['three days at 3× exactly', days(30, 26, 27, 28), 0],
    ['three days at 4×, through the weekend', days(40, 26, 27, 28), 1],
    ['four days at 4×, Friday to Monday', days(40, 26, 27, 28, 29), 1],
    ['three scattered days at 5×', days(50, 24, 27, 30), 1],
  ])('%s', (_l, on, n) => {
    expect(run([alice(habit(10, 0, on))])).toHaveLength(n);
  });

  it('reports the shift as a warning with its onset, level, baseline and excess', () => {
    const [f] = run([alice(habit(10, 0, days(40, 26, 27, 28, 29)))]);
    expect(f).toMatchObject({
      detector: 'level_shift',
      severity: 'warning',
      key: 'level_shift:alice@x.io',
      day: '2026-03-31',
      onsetMs: Date.parse('2026-03-27T00:00:00Z'),
      value: 40,
      baseline: 10,
      threshold: 30,
      unit: 'usd',
      notify: true,
    });
    expect(f.message).toBe(
      'Alice: spend has run at 4.0× their usual level on 4 of the last 7 days ($40.00/day against $10.00), $120 above normal',
    );
  });

  it('needs each elevated day to be $15 above the expectation: a light user tripling $2 is no shift', () => {
    expect(run([alice(habit(2, 0, days(12, 24, 25, 26, 29, 30)))])).toEqual([]);
  });

  it('records a shift under $50 above normal without notifying', () => {
    const [f] = run([alice(habit(6, 0, days(22, 26, 27, 28)))]); // $16 above on 3 days = $48
    expect(f).toMatchObject({ value: 22, baseline: 6, notify: false });
  });

  it.each([
    ['a steady heavy user', Array.from({ length: 31 }, (_, i) => (isWeekend(i) ? 40 : 120 + 50 * Math.sin(i * 2.3)))],
    [
      'a return from two weeks off',
      habit(10, 0, { ...days(0, ...Array.from({ length: 14 }, (_, k) => 12 + k)), 26: 14 }),
    ],
    ['one big day (a spike, not a shift)', habit(10, 0, { 29: 200 })],
    ['a weekend worker at the usual level', habit(10, 8)],
  ])('stays quiet for %s', (_l, spend) => {
    expect(run([alice(spend)])).toEqual([]);
  });

  it('has no baseline for a new hire', () => {
    expect(run([alice(Array.from({ length: 31 }, (_, i) => (i < 21 ? 0 : 100)))])).toEqual([]);
  });

  it('stays quiet for a new hire whose first days were a ramp (×0.6 … ×1.0 of $20) and who then works at their level', () => {
    // Joins on Monday day 15: weekdays 15–19 at $12, $14, $16, $18, $20, then $20 (and a $30 day).
    const ramp = Array.from({ length: 31 }, (_, i) =>
      i < 15 || isWeekend(i) ? 0 : i <= 19 ? 12 + 2 * (i - 15) : i === 26 ? 30 : 20,
    );
    expect(aliceOnly(run([...colleagues(), alice(ramp)]))).toEqual([]);
  });

  it("stays quiet through the team's busy week, and finds a personal 4× inside it", () => {
    // Wednesday to Tuesday (days 24–30, the weekend off): everyone at 1.6×, Alice too — a launch week.
    const week = Object.fromEntries([24, 25, 26, 29, 30].map((d) => [d, 32]));
    expect(
      run([...colleagues(week), alice(habit(10, 0, Object.fromEntries([24, 25, 26, 29, 30].map((d) => [d, 16]))))]),
    ).toEqual([]);
    expect(
      aliceOnly(
        run([...colleagues(week), alice(habit(10, 0, Object.fromEntries([24, 25, 26, 29, 30].map((d) => [d, 64]))))]),
      ),
    ).toHaveLength(1);
  });

  it("discounts the team's busy days by the shared part only", () => {
    const busy = days(40, 24, 25, 26); // the whole team at 2× on three days
    expect(run([...colleagues(busy), alice(habit(10, 0, days(20, 24, 25, 26)))])).toEqual([]);
    // At 4× what she would have spent on those days (2× the team's), Alice's own shift shows.
    expect(aliceOnly(run([...colleagues(busy), alice(habit(10, 0, days(80, 24, 25, 26)))]))).toHaveLength(1);
  });
});
