import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { cycleOutlier } from './cycle-outlier';

// Cycle totals put on day 0; the run is on day 13, the 14th day of the cycle (the first one the
// detector runs on). Upper median of [10, 10, 20, 20, x] is $20 → threshold $200.
const run = (totals: number[], day = 13) =>
  cycleOutlier(
    makeContext(
      team({ days: 14, users: totals.map((usd, i) => ({ email: `u${i}@x.io`, name: `U${i}`, spend: [usd] })) }),
      DEFAULT_SETTINGS,
      at(day),
    ),
  ).findings;

describe('cycle_outlier', () => {
  it.each([
    ['just below', 199.99, null],
    ['at 10×', 200, null],
    ['just above', 200.01, 'warning'],
    ['above 30×', 600.01, 'critical'],
  ])('%s ($%d)', (_l, usd, severity) => {
    const f = run([10, 10, 20, 20, usd]);
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({ email: 'u4@x.io', baseline: 20, threshold: 200, value: usd, unit: 'usd' });
  });

  it('writes the reference sentence', () => {
    expect(run([10, 10, 20, 20, 957])[0].message).toBe('U4: cycle spend $957 is 47.9× the team median ($20.00)');
  });

  it('uses active users only and needs five of them', () => {
    expect(run([0, 0, 0, 10, 20, 20, 201])).toEqual([]); // four active
    expect(run([0, 0, 10, 10, 20, 20, 201])).toHaveLength(1); // idle members do not lower the median
  });

  it('runs from the 14th day of the cycle on (early ratios depend on who worked which day)', () => {
    expect(run([10, 10, 20, 20, 957], 12)).toEqual([]);
    expect(run([10, 10, 20, 20, 957], 13)).toHaveLength(1);
  });

  it('needs a team median of at least $10', () => {
    expect(run([1, 1, 2, 2, 200])).toEqual([]);
  });
});
