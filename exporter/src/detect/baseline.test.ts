import { ownBaselines } from './baseline';
import { median } from './stats';
import { makeContext } from './context';
import { DEFAULT_SETTINGS } from './settings';
import { type UserSpec, endOf, settingsWith, team } from './test-fixtures';

// DAY0 (2026-03-01) is a Sunday; the run is at the end of day 30, so the baseline is days 0–23.
const isWeekend = (i: number) => i % 7 === 0 || i % 7 === 6;
const habit = (weekday: (i: number) => number, weekend: (i: number) => number = () => 0): number[] =>
  Array.from({ length: 31 }, (_, i) => (isWeekend(i) ? weekend(i) : weekday(i)));
const baselines = (users: UserSpec[], settings = DEFAULT_SETTINGS) =>
  ownBaselines(makeContext(team({ days: 31, users }), settings, endOf(30)));
const USD = 1e8;

describe('own baselines', () => {
  it('is the median of the active days of each class before the recent window', () => {
    // Weekdays cycle $10, $20, $30 (median $20); days 24–30 (the window) at $500 do not count.
    const b = baselines([
      {
        email: 'a@x.io',
        spend: habit(
          (i) => (i >= 24 ? 500 : [10, 20, 30][i % 3]),
          (i) => (i >= 24 ? 500 : 4),
        ),
      },
    ]);
    expect([b.from, b.to]).toEqual([0, 23]);
    expect(b.weekday[0] / USD).toBe(20);
    expect(b.weekend[0] / USD).toBe(4);
  });

  it('skips days off: two quiet weeks do not lower the level', () => {
    const b = baselines([{ email: 'a@x.io', spend: habit((i) => (i >= 8 && i <= 21 ? 0 : 12)) }]);
    expect(b.weekday[0] / USD).toBe(12);
  });

  it("leaves out the person's own quiet weeks, not their ordinary scatter", () => {
    // Active from day 10: the week of days 10–16 at $3 on its weekdays, then $12 (the median of all
    // ten would be $7.50).
    const quiet = baselines([{ email: 'a@x.io', spend: habit((i) => (i < 10 ? 0 : i <= 16 ? 3 : 12)) }]);
    expect(quiet.weekday[0] / USD).toBe(12);
    // Two low days in a week of five are scatter: every active weekday counts.
    const level = (i: number) => (i === 11 || i === 12 ? 3 : 8 + ((i * 5) % 9));
    const scatter = baselines([{ email: 'a@x.io', spend: habit(level) }]);
    const weekdays = Array.from({ length: 24 }, (_, i) => i)
      .filter((i) => !isWeekend(i))
      .map(level);
    expect(scatter.weekday[0] / USD).toBe(median(weekdays));
  });

  it("takes the team's busy week out of each person's baseline", () => {
    // Days 9–16 (six working days) the whole team works at 2×; Alice's ordinary days are $8–12.
    const busy = (i: number) => (i >= 9 && i <= 16 ? 2 : 1);
    const own = (i: number) => 8 + ((i * 7) % 5);
    const people = Array.from({ length: 6 }, (_, k) => ({
      email: `p${k}@x.io`,
      spend: habit((i) => 10 * (1 + k / 10) * busy(i)),
    }));
    const b = baselines([...people, { email: 'alice@x.io', spend: habit((i) => own(i) * busy(i)) }]);
    expect(b.teamFactor(10)).toBeCloseTo(2);
    const days = Array.from({ length: 24 }, (_, i) => i).filter((i) => !isWeekend(i));
    expect(b.weekday[6] / USD).toBeCloseTo(median(days.map(own)) as number); // her level on an ordinary day…
    expect(median(days.map((i) => own(i) * busy(i)))).toBeGreaterThan((median(days.map(own)) as number) + 0.5); // …not the plain median's
  });

  it.each([
    ['three active weekdays (too few)', habit((i) => (i >= 19 && i <= 23 ? 12 : 0)), 0],
    ['a working-day median under $1', habit(() => 0.9), 0],
  ])('has none with %s', (_l, spend, expected) => {
    expect(baselines([{ email: 'a@x.io', spend }]).weekday[0]).toBe(expected);
  });

  it('reads a days-off habit from the eight weeks when the four-week window holds too few days off', () => {
    // Run at the end of day 59: the window is days 25–52. A weekday worker at $20 came in on four
    // Saturdays at $5, three of them (days 6, 13, 20) before the window and one (day 27) in it.
    const spend = Array.from({ length: 60 }, (_, i) => (isWeekend(i) ? ([6, 13, 20, 27].includes(i) ? 5 : 0) : 20));
    const b = ownBaselines(
      makeContext(team({ days: 60, users: [{ email: 'a@x.io', spend }] }), DEFAULT_SETTINGS, endOf(59)),
    );
    expect([b.from, b.to]).toEqual([25, 52]);
    expect(b.weekend[0] / USD).toBe(5);
    // Three Saturdays in all are too few even then: the weekday habit stands in.
    const fewer = spend.map((x, i) => (i === 6 ? 0 : x));
    expect(
      ownBaselines(
        makeContext(team({ days: 60, users: [{ email: 'a@x.io', spend: fewer }] }), DEFAULT_SETTINGS, endOf(59)),
      ).weekend[0],
    ).toBe(0);
  });

  it('falls back to the weekday habit on weekends without a weekend habit', () => {
    const b = baselines([{ email: 'a@x.io', spend: habit(() => 20) }]);
    expect(b.weekend[0]).toBe(0);
    expect(b.expected(0, 28) / USD).toBe(20); // day 28 is a Sunday
  });

  it("sets a day's team factor to how much busier the median person was, capped either way", () => {
    const people = (day30: number) =>
      Array.from({ length: 6 }, (_, k) => ({
        email: `p${k}@x.io`,
        spend: habit((i) => (i === 30 ? day30 * (k + 1) : 10 * (k + 1))),
      }));
    expect(baselines(people(10)).teamFactor(30)).toBe(1);
    expect(baselines(people(20)).teamFactor(30)).toBe(2);
    // A release day on which the whole team ran at 5×: the median moved, so the factor follows it.
    expect(baselines(people(50)).teamFactor(30)).toBe(5);
    expect(baselines(people(50), settingsWith({ trends: { teamFactorCap: 3 } })).teamFactor(30)).toBe(3); // teamFactorCap
    expect(baselines(people(2), settingsWith({ trends: { teamFactorCap: 3 } })).teamFactor(30)).toBeCloseTo(1 / 3); // a quiet day, capped likewise
    expect(baselines(people(20)).expected(2, 30) / USD).toBe(60); // p2's $30 habit on a 2× day
  });

  it('takes the median of a large team exactly (even and odd counts, shuffled)', () => {
    const team = (n: number) =>
      Array.from({ length: n }, (_, k) => ({
        email: `p${k}@x.io`,
        spend: habit((i) => (i === 30 ? 10 * (1 + ((k * 37) % n) / 50) : 10)),
      }));
    expect(baselines(team(100)).teamFactor(30)).toBeCloseTo(1.99); // ratios 1.00…2.98: (1.98 + 2.00) / 2
    expect(baselines(team(101)).teamFactor(30)).toBeCloseTo(2); // the 51st of 1.00…3.00
  });

  it('needs zscore.minSamples active people for a team factor', () => {
    const few = Array.from({ length: 4 }, (_, k) => ({
      email: `p${k}@x.io`,
      spend: habit((i) => (i === 30 ? 40 : 10)),
    }));
    expect(baselines(few).teamFactor(30)).toBe(1);
  });

  it('reads no team factor into a holiday (the team away): a day with under a quarter of the usual people at work', () => {
    // 24 people work every weekday at $10; on day 30 (a holiday) 5 of them come in at 4×.
    const holiday = (inOnDay30: number) =>
      Array.from({ length: 24 }, (_, k) => ({
        email: `p${k}@x.io`,
        spend: habit((i) => (i !== 30 ? 10 : k < inOnDay30 ? 40 : 0)),
      }));
    expect(baselines(holiday(5)).teamFactor(30)).toBe(1);
    expect(baselines(holiday(5)).teamAway(30)).toBe(true);
    expect(baselines(holiday(5)).teamAway(29)).toBe(false);
    // A quarter of them is a team day like any other.
    expect(baselines(holiday(6)).teamFactor(30)).toBe(4);
    expect(baselines(holiday(6)).teamAway(30)).toBe(false);
  });
});
