import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { drift } from './drift';

// Four 7-day blocks (days 0–27) at 20 requests a day whose weekly $/request is given; run on day 28.
const daily = (weeklyCpr: number[]) => weeklyCpr.flatMap((c) => Array.from({ length: 7 }, () => 20 * c));
const run = (weeklyCpr: number[], requests = 20, group = false) =>
  drift(
    makeContext(
      team({
        days: 29,
        groups: [{ id: 'group_a', name: 'Platform' }],
        users: [{ email: 'd@x.io', name: 'Dee', group: group ? 'group_a' : undefined, spend: daily(weeklyCpr).map((x) => (x * requests) / 20), requests: Array.from({ length: 28 }, () => requests) }],
      }),
      DEFAULT_SETTINGS,
      at(28),
    ),
  ).findings;
const g = (pct: number) => [0.5, 0.5 * (1 + pct), 0.5 * (1 + pct) ** 2, 0.5 * (1 + pct) ** 3];

describe('drift', () => {
  it.each([
    ['9.9%/week', g(0.099), 0],
    ['10.1%/week', g(0.101), 1],
    ['fast but one week down', [0.5, 0.9, 0.85, 1.5], 0],
    ['from under $10/week', g(0.5).map((x) => x / 20), 0],
  ])('%s', (_l, weeks, n) => {
    expect(run(weeks).filter((f) => f.subject === 'user')).toHaveLength(n);
  });

  it('is about price, not volume: a busier month at the same $/request is not drift', () => {
    expect(run([0.5, 0.5, 0.5, 0.5], 80)).toEqual([]);
  });

  it('no single day spikes, yet it is found, for the user and the group', () => {
    const f = run(g(0.2), 20, true);
    expect(f.map((x) => [x.subject, x.key, x.unit])).toEqual([
      ['user', 'drift:d@x.io', 'usd_per_request'],
      ['group', 'drift:group:group_a', 'usd_per_request'],
    ]);
    expect(f[0].message).toBe('Dee: cost per request grew 3 weeks in a row, $0.50 → $0.86 (+20%/week); weekly spend $70.00 → $121');
    expect(f[0].onsetMs).toBe(Date.parse('2026-03-08T00:00:00Z'));
  });
});
