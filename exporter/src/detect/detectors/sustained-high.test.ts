import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, flat, team } from '../test-fixtures';
import { sustainedHigh } from './sustained-high';

// Five people at $10/day over days 0–6 (median active user-day $10, 3× threshold $30/day); H as given; run on day 7.
const run = (h: number[]) =>
  sustainedHigh(
    makeContext(
      team({
        days: 8,
        users: [
          ...Array.from({ length: 5 }, (_, i) => ({ email: `u${i}@x.io`, spend: flat(10, 7) })),
          { email: 'h@x.io', name: 'Hana', spend: h },
        ],
      }),
      DEFAULT_SETTINGS,
      at(7),
    ),
  ).findings;

describe('sustained_high', () => {
  it.each([
    ['below 3× the median', flat(29.99, 7), 0],
    ['at 3×', flat(30, 7), 0],
    ['above 3×', flat(30.01, 7), 1],
    ['one burst among ordinary days', [10, 10, 10, 10, 10, 10, 400], 0],
    ['above on 5 of 7 days', [0, 0, 45, 45, 45, 45, 45], 1],
    ['above on 4 of 7 days', [10, 10, 10, 55, 55, 55, 55], 0],
  ])('%s', (_l, h, n) => {
    const f = run(h);
    expect(f).toHaveLength(n);
    if (n) expect(f[0]).toMatchObject({ email: 'h@x.io', baseline: 10, threshold: 30, day: '2026-03-07' });
  });
});
