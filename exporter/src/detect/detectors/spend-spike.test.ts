import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, at, endOf, team } from '../test-fixtures';
import { spendSpike } from './spend-spike';

// DAY0 (2026-03-01) is a Sunday: day i is a weekend day when i % 7 is 0 or 6. Day 30 is a Tuesday,
// day 29 a Monday, day 28 a Sunday. The baseline covers days 0–23 (it ends 7 days before the run).
const isWeekend = (i: number) => i % 7 === 0 || i % 7 === 6;
/** `weekday` dollars on weekdays, `weekend` on weekends, for 31 days; `on` overrides given days. */
const habit = (weekday: number, weekend = 0, on: Record<number, number> = {}): number[] =>
  Array.from({ length: 31 }, (_, i) => on[i] ?? (isWeekend(i) ? weekend : weekday));
const alice = (spend: number[]): UserSpec => ({ email: 'alice@x.io', name: 'Alice', spend });
/** Five colleagues at $20 on weekdays (enough people for a team factor), with `day30` on day 30. */
const colleagues = (day30 = 20): UserSpec[] =>
  Array.from({ length: 5 }, (_, i) => ({ email: `c${i}@x.io`, spend: habit(20, 0, { 30: day30 }) }));
const run = (users: UserSpec[], now = endOf(30)) =>
  spendSpike(makeContext(team({ days: 31, users }), DEFAULT_SETTINGS, now)).findings;
const aliceOnly = (f: ReturnType<typeof run>) => f.filter((x) => x.email === 'alice@x.io');

describe('spend_spike', () => {
  // Alice spends $20 on weekdays: on Tuesday day 30 she would spend $20, 4× is $80, critical above $240.
  it.each([
    ['just below', 79.99, null],
    ['at 4×', 80, null],
    ['just above', 80.01, 'warning'],
    ['at 12×', 240, 'warning'],
    ['above 12×', 240.01, 'critical'],
  ])('%s ($%d)', (_l, usd, severity) => {
    const f = run([alice(habit(20, 0, { 30: usd }))]);
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({
        day: '2026-03-31',
        value: usd,
        baseline: 20,
        threshold: 80,
        key: 'spend_spike:alice@x.io',
        notify: true,
      });
  });

  it('says what the user would have spent that day', () => {
    const [f] = run([alice(habit(40, 0, { 30: 214 }))]);
    expect(f.message).toBe(
      'Alice: daily spend spiked to $214 (5.3× the $40.00 they would usually spend that day) — model: claude-4.5-sonnet',
    );
  });

  it('compares with the median working day, so a few dear days do not hide a spike', () => {
    // One $200 day a week would lift a 7-day average to ~$43 (4× = $171); the median working day is $20.
    expect(run([alice(habit(20, 0, { 2: 200, 9: 200, 16: 200, 23: 200, 30: 90 }))])).toHaveLength(1);
  });

  it.each([
    ['a Monday after a quiet weekend', habit(20, 0, { 29: 30 }), endOf(29)],
    [
      'a return from two weeks off',
      habit(20, 0, Object.fromEntries([...Array.from({ length: 13 }, (_, k) => [16 + k, 0]), [29, 35]])),
      endOf(29),
    ],
    ['an ordinary busy day (3× the habit)', habit(20, 0, { 30: 60 }), endOf(30)],
  ])('stays quiet on %s', (_l, spend, now) => {
    expect(run([alice(spend)], now)).toEqual([]);
  });

  it("needs a day under $25 above the expectation to lie beyond the person's own day-to-day scatter", () => {
    // Weekdays cycling ×0.6, ×1, ×1.4 of a median day (robust σ of the log ≈ 0.5: 4σ is ×7.3).
    const cycling = (median: number, on: Record<number, number>) =>
      habit(median, 0, {
        ...Object.fromEntries(
          Array.from({ length: 31 }, (_, i) => [i, isWeekend(i) ? 0 : median * [0.6, 1, 1.4][i % 3]]),
        ),
        ...on,
      });
    // $24 against $5 is 4.8× and $19 above: ordinary for a $3-5-7 habit, not for a steady $5.
    expect(run([alice(cycling(5, { 30: 24 }))])).toEqual([]);
    expect(run([alice(habit(5, 0, { 30: 24 }))])).toHaveLength(1);
    // $25 above the expectation or more needs only the 4× line.
    expect(run([alice(cycling(5, { 30: 30 }))])).toHaveLength(1);
    // Under $25, a day beyond the scatter is a spike: on a $2 habit, $16 is 8× (under the $15 floor, recorded).
    expect(run([alice(cycling(2, { 30: 16 }))])).toMatchObject([{ value: 16, notify: false }]);
    expect(run([alice(cycling(2, { 30: 12 }))])).toEqual([]);
  });

  it("has no baseline for a new hire's first days", () => {
    const hire = Array.from({ length: 31 }, (_, i) => (i < 20 ? 0 : isWeekend(i) ? 0 : i === 30 ? 500 : 20));
    expect(run([alice(hire)])).toEqual([]);
  });

  it('holds a weekend against the weekday habit when there is no weekend habit', () => {
    expect(run([alice(habit(20, 0, { 28: 79 }))], endOf(28))).toEqual([]);
    expect(run([alice(habit(20, 0, { 28: 81 }))], endOf(28))).toHaveLength(1);
    // With a weekend habit ($5), the same Sunday is judged against it.
    expect(run([alice(habit(20, 5, { 28: 25 }))], endOf(28))).toHaveLength(1);
  });

  it('discounts a team-wide busy day by the shared part only: a personal 5× on it still shows', () => {
    // Everyone works at 2× on day 30: Alice would have spent $40, so $150 (3.75×) is no spike…
    expect(aliceOnly(run([...colleagues(40), alice(habit(20, 0, { 30: 150 }))]))).toEqual([]);
    // …and $200 (5× what she would have spent) is, with the team's day in the message.
    const [f] = run([...colleagues(40), alice(habit(20, 0, { 30: 200 }))]);
    expect(f).toMatchObject({ email: 'alice@x.io', baseline: 40, threshold: 160 });
    expect(f.message).toContain("the team's 2.0× busier day included");
    expect(run([...colleagues(40), alice(habit(20, 0, { 30: 40 }))])).toEqual([]);
  });

  it("weighs a small spike's dollars on a team-wide busier day in ordinary-day dollars; a material one as it stands", () => {
    // A steady $2 habit (no scatter: any 4× day is beyond it). On the team's 2× day she would have
    // spent $4: $24 is $20 above, $10 in ordinary-day dollars — recorded, under the $15 floor…
    const onBusyDay = (day30: number) => aliceOnly(run([...colleagues(40), alice(habit(2, 0, { 30: day30 }))]));
    expect(onBusyDay(24)).toMatchObject([{ baseline: 4, notify: false }]);
    // …the same $20 above on an ordinary day notifies, and so does $30 above on the busy day
    // (spikeMinExcessUsd or more: material as it stands, a busier day does not hold it back).
    expect(aliceOnly(run([...colleagues(20), alice(habit(2, 0, { 30: 22 }))]))).toMatchObject([
      { baseline: 2, notify: true },
    ]);
    expect(onBusyDay(34)).toMatchObject([{ baseline: 4, notify: true }]);
  });

  it('stays quiet on a release day on which the whole team ran at 4–6×, and still finds a personal 5× on it', () => {
    // Day 30: ten colleagues at 4× to 6× their $20 habit (the median 5×); the factor follows the
    // median instead of stopping at a cap, so nobody's 6× on a 5× day is a spike.
    const release = (alice30: number) => [
      ...Array.from({ length: 10 }, (_, i) => ({
        email: `c${i}@x.io`,
        spend: habit(20, 0, { 30: 20 * (4 + (2 * i) / 9) }),
      })),
      alice(habit(20, 0, { 30: alice30 })),
    ];
    expect(run(release(120))).toEqual([]); // Alice at 6× too
    // The median of the eleven ratios (hers too) is 5.1×: she would have spent ~$102, and $500 is 4.9× that.
    const [f] = aliceOnly(run(release(500)));
    expect(f).toMatchObject({ notify: true });
    expect(f.baseline).toBeCloseTo(20 * (4 + 10 / 9), 3);
  });

  it("finds a personal 5× on the team's busy Monday after a weekend, and stays quiet on the team's quiet weekend", () => {
    // Day 29 is a Monday: the team works at 2× (everyone $40), Alice would have spent $40 and spends
    // $200; the weekend before it (days 27–28) the team was barely there.
    const busyMonday = (alice29: number) => [
      ...Array.from({ length: 5 }, (_, i) => ({
        email: `c${i}@x.io`,
        spend: habit(20, 0, { 27: i === 0 ? 1 : 0, 29: 40 }),
      })),
      alice(habit(20, 0, { 29: alice29 })),
    ];
    expect(aliceOnly(run(busyMonday(200), endOf(29)))).toMatchObject([
      { day: '2026-03-30', baseline: 40, threshold: 160, notify: true },
    ]);
    expect(aliceOnly(run(busyMonday(150), endOf(29)))).toEqual([]);
    expect(run(busyMonday(40), endOf(29))).toEqual([]);
  });

  it.each([
    ['a stable heavy user', Array.from({ length: 31 }, (_, i) => (isWeekend(i) ? 60 : 300 + 120 * Math.sin(i * 2.3)))],
    ['a weekend worker on an ordinary Saturday', habit(20, 12, { 27: 30 })],
  ])('stays quiet for %s', (_l, spend) => {
    expect(run([alice(spend)], endOf(30))).toEqual([]);
  });

  it("holds a part-timer's day off against their days off, not their working days", () => {
    // Bob works Wednesday–Friday at $30, and now and then a day off at $8 (Saturday 6, Monday 8,
    // Tuesday 16, Sunday 21); Tuesday day 30 at $45 is 5.6× such a day, but only 1.5× a working day.
    const off: Record<number, number> = { 6: 8, 8: 8, 16: 8, 21: 8, 30: 45 };
    const bob = Array.from({ length: 31 }, (_, i) => off[i] ?? (!isWeekend(i) && i % 7 >= 3 ? 30 : 0));
    const f = run([{ email: 'bob@x.io', name: 'Bob', spend: bob }, ...colleagues()]).filter(
      (x) => x.email === 'bob@x.io',
    );
    expect(f).toMatchObject([{ value: 45, baseline: 8, notify: true }]);
    // The same day for a Monday–Friday worker at $30 is an ordinary day.
    expect(aliceOnly(run([alice(habit(30, 0, { 30: 45 })), ...colleagues()]))).toEqual([]);
  });

  it('records a small-dollar ratio jump ($1 → $12, 12×) without notifying: $11 is under the floor', () => {
    expect(run([alice(habit(1, 0, { 30: 12 }))])).toMatchObject([{ value: 12, baseline: 1, notify: false }]);
    expect(run([alice(habit(3, 0, { 30: 15.5 }))])).toMatchObject([{ value: 15.5, baseline: 3, notify: false }]); // 5.2×, $12.50 above
  });

  it.each([
    [14.99, false],
    [15, true],
  ])('notifies only when the day is at least $15 above the expectation ($%d above)', (above, notify) => {
    const [f] = run([alice(habit(2, 0, { 30: 2 + above }))]);
    expect(f).toMatchObject({ baseline: 2, threshold: 8, notify });
  });

  it('ignores partial today unless it already exceeds', () => {
    expect(run([alice(habit(20, 0, { 30: 60 }))], at(30, 9))).toEqual([]);
    expect(run([alice(habit(20, 0, { 30: 80.01 }))], at(30, 9))).toMatchObject([{ day: '2026-03-31' }]);
  });

  it('needs a working-day median of at least $1', () => {
    expect(run([alice(habit(0.99, 0, { 30: 80 }))])).toEqual([]);
  });
});
