import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { drift } from './drift';

// 28 days (0–27) at `requests` a day whose $/request is given per day; run on day 28.
const run = (dailyCpr: number[], requests = 20, group = false) =>
  drift(
    makeContext(
      team({
        days: 29,
        groups: [{ id: 'group_a', name: 'Platform' }],
        users: [
          {
            email: 'd@x.io',
            name: 'Dee',
            group: group ? 'group_a' : undefined,
            spend: dailyCpr.map((c) => c * requests),
            requests: Array.from({ length: 28 }, () => requests),
          },
        ],
      }),
      DEFAULT_SETTINGS,
      at(28),
    ),
  ).findings;
/** $/request compounding daily at `pct` a week from $0.50, as a slow drift does. */
const grow = (pct: number) => Array.from({ length: 28 }, (_, d) => 0.5 * (1 + pct) ** (d / 7));
/** Deterministic ±`amp` scatter around 1 (a fixed pattern, so the test cannot flake). */
const wobble = (amp: number) => Array.from({ length: 28 }, (_, d) => 1 + amp * Math.sin(d * 2.3));
const users = (f: ReturnType<typeof run>) => f.filter((x) => x.subject === 'user');

describe('drift', () => {
  it.each([
    ['9.9%/week', grow(0.099), 0],
    ['10.1%/week', grow(0.101), 1],
    ['from under $10/week', grow(0.5).map((x) => x / 20), 0],
  ])('%s', (_l, cpr, n) => {
    expect(users(run(cpr))).toHaveLength(n);
  });

  it('is about price, not volume: a busier month at the same $/request is not drift', () => {
    expect(run(grow(0), 80)).toEqual([]);
  });

  it('needs the trend clear of the noise: the same growth in a noisy series is not enough', () => {
    const noisy = grow(0.15).map((c, d) => c * wobble(0.6)[d]);
    expect(users(run(grow(0.15)))).toHaveLength(1);
    expect(users(run(noisy))).toEqual([]);
  });

  it('trims a single expensive day: a spike at the end is not drift', () => {
    const spiky = grow(0).map((c, d) => (d === 27 ? c * 8 : c * wobble(0.05)[d]));
    expect(run(spiky)).toEqual([]);
  });

  it('no single day spikes, yet it is found, for the user and the group', () => {
    const f = run(grow(0.2), 20, true);
    expect(f.map((x) => [x.subject, x.key, x.unit])).toEqual([
      ['user', 'drift:d@x.io', 'usd_per_request'],
      ['group', 'drift:group:group_a', 'usd_per_request'],
    ]);
    expect(f[0].message).toBe(
      'Dee: cost per request has grown 20%/week for 4 weeks, $0.54 → $0.94 (first week → last); weekly spend $75.79 → $131',
    );
    expect(f[0].onsetMs).toBe(Date.parse('2026-03-08T00:00:00Z'));
  });
});
