import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { modelShift } from './model-shift';

// Mo: 14 baseline days (0–13) on sonnet at $0.50/req, then 3 recent days (14–16) on `model` at `price`; run on day 17.
function run(price: number, recentShare = 1) {
  const rows = [];
  for (let d = 0; d < 14; d++) rows.push({ day: d, model: 'sonnet', usd: 10, requests: 20 });
  for (let d = 14; d < 17; d++) {
    rows.push({ day: d, model: 'opus', usd: 20 * recentShare * price, requests: 20 * recentShare });
    if (recentShare < 1)
      rows.push({ day: d, model: 'sonnet', usd: 20 * (1 - recentShare) * 0.5, requests: 20 * (1 - recentShare) });
  }
  return modelShift(
    makeContext(team({ days: 18, users: [{ email: 'mo@x.io', name: 'Mo', rows }] }), DEFAULT_SETTINGS, at(17)),
  ).findings;
}

describe('model_shift', () => {
  it.each([
    ['1.9× pricier', 0.95, 0],
    ['2× pricier', 1, 1],
    ['4× pricier', 2, 1],
  ])('%s', (_l, price, n) => {
    const f = run(price);
    expect(f).toHaveLength(n);
    if (n)
      expect(f[0]).toMatchObject({
        models: ['opus', 'sonnet'],
        baseline: 0.5,
        value: price,
        key: 'model_shift:mo@x.io:opus',
        onsetMs: Date.parse('2026-03-15T00:00:00Z'),
      });
  });

  it('writes a sentence naming both models', () => {
    expect(run(2)[0].message).toBe(
      'Mo: primary model moved from sonnet ($0.50/req) to opus ($2.00/req, 4.0× pricier), 100% of requests in the last 3 days',
    );
  });

  it('needs the new model to carry at least half of the recent requests', () => {
    expect(run(2, 0.45)).toEqual([]);
    expect(run(2, 0.6)).toHaveLength(1);
  });
});

describe('model_shift beyond chance', () => {
  // A light user: 5 requests a day, one of them (20%, the most a shift allows) on the dearer model.
  const light = (recentOnNew: number) => {
    const rows = [];
    for (let d = 0; d < 14; d++)
      rows.push(
        { day: d, model: 'cheap', usd: 0.08 * 4, requests: 4 },
        { day: d, model: 'dear', usd: 0.4, requests: 1 },
      );
    for (let d = 14; d < 17; d++)
      rows.push(
        { day: d, model: 'cheap', usd: 0.08 * (5 - recentOnNew), requests: 5 - recentOnNew },
        { day: d, model: 'dear', usd: 0.4 * recentOnNew, requests: recentOnNew },
      );
    return modelShift(
      makeContext(team({ days: 18, users: [{ email: 'li@x.io', name: 'Li', rows }] }), DEFAULT_SETTINGS, at(17)),
    ).findings;
  };
  it('3 of 5 a day on a model used a fifth of the time (p ≈ 5e-4) is chance, not a shift', () => {
    expect(light(3)).toEqual([]); // every other rule passes: share 60%, 5× pricier, own $/request 1.9×
  });
  it('all 5 a day on it is a shift (p ≈ 1e-10)', () => {
    expect(light(5)).toHaveLength(1);
  });
});
