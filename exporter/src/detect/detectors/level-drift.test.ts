import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, endOf, team } from '../test-fixtures';
import { levelDrift } from './level-drift';

// 44 days from DAY0 (a Sunday); the run is at the end of day 43, so the 6-week window is days 1–42.
const N = 44;
const isWeekend = (i: number) => i % 7 === 0 || i % 7 === 6;
/** Deterministic ±`amp` scatter around 1 (a fixed pattern, so the test cannot flake). */
const wobble = (i: number, amp = 0.2) => 1 + amp * Math.sin(i * 2.3);
/** Weekday spend at `level(i)` with the wobble, weekends off. */
const series = (level: (i: number) => number, amp = 0.2) => Array.from({ length: N }, (_, i) => (isWeekend(i) ? 0 : level(i) * wobble(i, amp)));
/** Growth of `pct` a week from `usd`, starting on day `from` (flat before). */
const growing = (usd: number, pct: number, from = 0) => (i: number) => usd * (1 + pct) ** (Math.max(0, i - from) / 7);
/** Tokens follow spend (100k a dollar) unless given. */
const alice = (spend: number[], tokens = spend.map((s) => s * 100_000)): UserSpec => ({ email: 'alice@x.io', name: 'Alice', spend, tokens });
const run = (users: UserSpec[]) => levelDrift(makeContext(team({ days: N, users }), DEFAULT_SETTINGS, endOf(43))).findings;

describe('drift of the spend level', () => {
  it.each([
    ['flat', series(() => 8), 0],
    ['10%/week (below 15%)', series(growing(8, 0.1)), 0],
    ['25%/week for 6 weeks', series(growing(5, 0.25)), 1],
    ['flat 3 weeks, then 35%/week', series(growing(6, 0.35, 21)), 1],
    ['16%/week but noisy (±70%)', series(growing(5, 0.16), 0.7), 0],
    ['16%/week, steady (±20%)', series(growing(5, 0.16)), 1],
  ])('%s', (_l, spend, n) => {
    expect(run([alice(spend)])).toHaveLength(n);
  });

  it('reports the level, when the growth began, and the tokens beside it', () => {
    const [f] = run([alice(series(growing(6, 0.35, 21)))]);
    expect(f).toMatchObject({ detector: 'drift', key: 'drift:alice@x.io:level', unit: 'usd', severity: 'warning', notify: true, onsetMs: Date.parse('2026-03-23T00:00:00Z') });
    expect(f.message).toMatch(/^Alice: spend level has grown 3\d%\/week for 3 weeks, \$\d+\.\d\d → \$\d+\.\d\d on a working day \(tokens 3\d%\/week\); weekly spend/);
  });

  it('needs the level to rise by $10 a week: a light user growing from $0.50 a day is no drift', () => {
    expect(run([alice(series(growing(0.5, 0.3)))])).toEqual([]);
  });

  it('is about more work: spend rising at flat tokens is a price change (cost-per-request drift)', () => {
    expect(run([alice(series(growing(5, 0.25)), series(() => 500_000))])).toEqual([]);
  });

  it('needs the growth to keep its level: dear days that ended are no drift', () => {
    expect(run([alice(series((i) => (i >= 28 && i <= 36 ? 30 : 6)))])).toEqual([]);
  });

  it("does not take the team's release days for a person's growth", () => {
    const release = (i: number) => (i === 37 || i === 39 || i === 41 ? 2.2 : 1);
    const people = Array.from({ length: 6 }, (_, k) => alice(series((i) => 8 * release(i) * wobble(i + k, 0.1))));
    const users = people.map((u, k) => ({ ...u, email: `p${k}@x.io` }));
    expect(run(users)).toEqual([]);
  });
});
