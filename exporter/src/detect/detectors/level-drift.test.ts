import { Rng } from '../../domain/rng';
import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, endOf, team } from '../test-fixtures';
import { levelDrift } from './level-drift';

// 44 days from DAY0 (a Sunday); the run is at the end of day 43: the last complete day is 42, its
// two recent weeks days 29–42, the earlier level days 0–21 (as far back as the history goes).
const N = 44;
const isWeekend = (i: number) => i % 7 === 0 || i % 7 === 6;

/** A fixed pseudo-random log-normal scatter (seeded: the same numbers every run, so no flakes). */
function noise(seed: number, sigma: number, n = N): number[] {
  const rng = new Rng(seed);
  const next = () => rng.next();
  return Array.from({ length: n }, () =>
    Math.exp(sigma * Math.sqrt(-2 * Math.log(Math.max(1e-12, next()))) * Math.cos(2 * Math.PI * next())),
  );
}

/** Weekday spend at level(i) × noise, weekends off unless `weekend` gives their share. */
const series = (level: (i: number) => number, seed: number, sigma = 0.3, weekend = 0, n = N) => {
  const z = noise(seed, sigma, n);
  return Array.from({ length: n }, (_, i) => (isWeekend(i) ? weekend * level(i) * z[i] : level(i) * z[i]));
};
/** Geometric growth to ×g over `weeks` weeks, starting on day `from`, kept after. */
const growth = (usd: number, g: number, weeks: number, from: number) => (i: number) =>
  usd * g ** (Math.min(Math.max(0, i - from), 7 * weeks) / (7 * weeks));
const flat = (usd: number) => () => usd;

/** A steady team around the person under test (the team factor needs people); tokens follow spend. */
const withTeam = (
  subject: number[],
  opts: { size?: number; teamDay?: (i: number) => number; tokens?: number[] } = {},
): UserSpec[] => {
  const teamDay = opts.teamDay ?? (() => 1);
  const others = Array.from({ length: (opts.size ?? 30) - 1 }, (_, k) =>
    series((i) => (4 + (k % 5)) * teamDay(i), 1000 + k, 0.3, 0, subject.length),
  );
  return [
    {
      email: 'alice@x.io',
      name: 'Alice',
      spend: subject.map((v, i) => v * teamDay(i)),
      tokens: opts.tokens ?? subject.map((v, i) => v * teamDay(i) * 100_000),
    },
    ...others.map((spend, k) => ({ email: `p${k}@x.io`, spend, tokens: spend.map((v) => v * 100_000) })),
  ];
};
const run = (users: UserSpec[]) => {
  const n = users[0].spend?.length ?? N;
  return levelDrift(makeContext(team({ days: n, users }), DEFAULT_SETTINGS, endOf(n - 1))).findings.filter(
    (f) => f.email === 'alice@x.io',
  );
};

describe('drift of the spend level', () => {
  it.each([
    ['×2.4 over 5 weeks, noisy days, weekends quiet', series(growth(6, 2.4, 5, 7), 1, 0.35, 0.3)],
    ['×2.5 over 4 weeks', series(growth(5, 2.5, 4, 14), 2)],
    ['×3 over 3 weeks, then kept for a week', series(growth(8, 3, 3, 14), 3)],
    ['a small user: $2.80 a day growing ×2.4 over 5 weeks', series(growth(2.8, 2.4, 5, 7), 4, 0.3)],
  ])('finds growth: %s', (_l, spend) => {
    expect(run(withTeam(spend))).toHaveLength(1);
  });

  // Eight weeks of history, the growth ending on the last day: the borderline cases the weekly-median
  // version missed (it wanted the rise held week by week and a Mann–Kendall rise of weekly medians).
  const L = 57;
  it.each([
    ['a $2.80-a-day user tripling over 4 weeks, ±40% days', series(growth(2.8, 3, 4, L - 29), 1, 0.4, 0, L)],
    ['a $2.80-a-day user at ×2.5 over 4 weeks, ±40% days', series(growth(2.8, 2.5, 4, L - 29), 3, 0.4, 0, L)],
    ['$3 a day tripling over 5 weeks, ±45% days', series(growth(3, 3, 5, L - 36), 2, 0.45, 0, L)],
  ])('finds borderline growth still under way: %s', (_l, spend) => {
    expect(run(withTeam(spend))).toHaveLength(1);
  });

  it('finds a part-timer tripling over 4 weeks, on their three working days a week', () => {
    // Monday, Tuesday and Thursday (i % 7 of 1, 2 and 4), and off on the last Tuesday (day 51): a
    // week's level stands on two or three days, half their working week or more.
    const partTime = series(growth(6, 3, 4, L - 29), 5, 0.3, 0, L).map((v, i) =>
      [1, 2, 4].includes(i % 7) && i !== 51 ? v : 0,
    );
    expect(run(withTeam(partTime))).toHaveLength(1);
  });

  it.each([
    [
      'a light user ($0.60) at 8× for four days two weeks ago',
      series(() => 0.6, 21, 0.5, 0, L).map((v, i) => (i >= 43 && i <= 46 ? 4.8 : v)),
    ],
    [
      'a steady user back from a three-week vacation',
      series(() => 6, 22, 0.4, 0, L).map((v, i) => (i >= 22 && i <= 42 ? 0 : v)),
    ],
    [
      'a steady user whose quiet weeks (×0.4) were 4–5 weeks ago',
      series((i) => (i >= 22 && i <= 35 ? 2.4 : 6), 23, 0.35, 0, L),
    ],
    // A level shift's aftermath: five days at 5× (level_shift's) in the second-to-last week, the
    // weekdays after it up (×2) — a step and its tail, not a level grown.
    [
      'a 5× level shift ten days ago and a ×2 week after it',
      series((i) => (i >= 43 && i <= 47 ? 50 : i > 47 ? 20 : 10), 24, 0.35, 0, L),
    ],
  ])('stays quiet over eight weeks: %s', (_l, spend) => {
    expect(run(withTeam(spend))).toEqual([]);
  });

  it('finds the small user on a 40-person team', () => {
    expect(run(withTeam(series(growth(2.8, 2.4, 5, 7), 4, 0.3), { size: 40 }))).toHaveLength(1);
  });

  const vacation = series(flat(8), 5).map((v, i) => (i >= 22 && i <= 35 ? 0 : v));
  const newHire = series(flat(8), 6).map((v, i) => (i < 22 ? 0 : v));
  const oneDay = series(flat(6), 7).map((v, i) => (i === 40 ? 120 : v));
  const burst = series(flat(6), 8).map((v, i) => (i >= 32 && i <= 37 ? v * 5 : v));
  const lateBurst = series(flat(6), 9).map((v, i) => (i >= 36 && i <= 40 ? v * 5 : v));
  it.each([
    ['a steady person', series(flat(8), 10)],
    ['a stable heavy user ($80 a day)', series(flat(80), 11)],
    ['a return from two weeks of vacation', vacation],
    ['a new hire (three weeks of history)', newHire],
    [
      'busy weekends (weekend lulls and peaks are not weekdays)',
      series(flat(6), 12).map((v, i) => (isWeekend(i) ? (i > 28 ? 30 : 1) : v)),
    ],
    ['a one-off $120 day', oneDay],
    ['a six-day 5× shift (level_shift\u2019s)', burst],
    ['a five-day 5× burst in the last week', lateBurst],
    ['a tiny user doubling ($0.50 → $1.20 a day)', series(growth(0.5, 2.4, 5, 7), 13)],
    ['a very noisy person at a constant level', series(flat(6), 14, 0.7)],
  ])('stays quiet: %s', (_l, spend) => {
    expect(run(withTeam(spend))).toEqual([]);
  });

  it('needs three weeks of history for the earlier level', () => {
    // Day 0 is a Sunday: the history starts on day 1, and the earlier level is days 1–21.
    const grown = series(growth(5, 2.5, 4, 14), 2);
    expect(run(withTeam(grown))).toHaveLength(1);
    // From day 2 on, twenty days are left: too few to say what the person's level was.
    expect(run(withTeam(grown.map((v, i) => (i < 2 ? 0 : v))))).toEqual([]);
  });

  it('judges a growth on the week the team is back when the week before it was a holiday', () => {
    // 57 days: the last complete day is 55, the two recent weeks days 42–55. The team is away on the
    // weekdays of the earlier one (Tuesday to Friday, 44–47): that week says nothing of anyone's level.
    const n = 57;
    const grown = series(growth(10, 3.2, 4, n - 29), 2, 0.3, 0, n);
    const off = (from: number, to: number) => (i: number) => (i >= from && i <= to ? 0 : 1);
    expect(run(withTeam(grown))).toHaveLength(1);
    expect(run(withTeam(grown, { teamDay: off(44, 47) }))).toHaveLength(1);
    // Their own week off (the team at work) is a week without their level: not enough to say.
    expect(run(withTeam(grown.map((v, i) => v * off(44, 47)(i))))).toEqual([]);
    // The team away in the last week: nothing shows the level now (the next pass, after it, will).
    expect(run(withTeam(grown, { teamDay: off(50, 54) }))).toEqual([]);
  });

  it("does not take the team's release days for a person's growth", () => {
    const release = (i: number) => (i === 30 || i === 36 || i === 38 || i === 40 ? 2.2 : 1);
    expect(run(withTeam(series(flat(8), 15), { teamDay: release }))).toEqual([]);
  });

  it('is about more work: spend rising at flat tokens is a price change (cost-per-request drift)', () => {
    const spend = series(growth(6, 2.4, 5, 7), 1);
    expect(run(withTeam(spend))).toHaveLength(1);
    expect(run(withTeam(spend, { tokens: spend.map((v) => (v > 0 ? 500_000 : 0)) }))).toEqual([]);
  });

  it('reports the level before and after, when it began, and the tokens beside it', () => {
    const [f] = run(withTeam(series(growth(6, 3, 3, 14), 3)));
    expect(f).toMatchObject({
      detector: 'drift',
      key: 'drift:alice@x.io:level',
      unit: 'usd',
      severity: 'warning',
      notify: true,
    });
    expect(f.onsetMs).toBeGreaterThanOrEqual(Date.parse('2026-03-16T00:00:00Z'));
    expect(f.value / (f.baseline as number)).toBeGreaterThan(1.6);
    expect(f.message).toMatch(
      /^Alice: spend level has grown ×\d\.\d over the last 6 weeks, \$\d+\.\d\d → \$\d+\.\d\d on a working day \(tokens ×\d\.\d\); weekly spend/,
    );
  });
});
