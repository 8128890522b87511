import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { costPerRequest } from './cost-per-request';

// Bob: 14 days at $30 for 60 requests ($0.50/req) on sonnet, then day 14 as given; run on day 15.
const history = Array.from({ length: 14 }, (_, d) => ({ day: d, model: 'claude-4.5-sonnet', usd: 30, requests: 60 }));
const run = (day14: { model: string; usd: number; requests: number }[]) =>
  costPerRequest(
    makeContext(
      team({
        days: 16,
        users: [{ email: 'bob@x.io', name: 'Bob', rows: [...history, ...day14.map((r) => ({ day: 14, ...r }))] }],
      }),
      DEFAULT_SETTINGS,
      at(15),
    ),
  ).findings;

describe('cost_per_request', () => {
  it.each([
    ['just below 3×', 59.96, null],
    ['at 3× ($1.50/req)', 60, null],
    ['just above', 60.04, 'warning'],
    ['above 9×', 180.04, 'critical'],
  ])('%s', (_l, opusUsd, severity) => {
    const f = run([
      { model: 'claude-4.5-sonnet', usd: 15, requests: 30 },
      { model: 'claude-4.5-opus-max', usd: opusUsd - 15, requests: 10 },
    ]);
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({
        models: ['claude-4.5-opus-max'],
        baseline: 0.5,
        threshold: 1.5,
        unit: 'usd_per_request',
        key: 'cost_per_request:bob@x.io:claude-4.5-opus-max',
      });
  });

  it('writes the reference sentence naming the model', () => {
    const [f] = run([{ model: 'opus-max', usd: 68, requests: 40 }]);
    expect(f.message).toBe('Bob: cost/request spiked to $1.70 (3.4× their avg of $0.50), using opus-max');
  });

  it.each([
    ['below the $20 minimum daily spend', 19.99, 10, 0],
    ['at the minimum', 20, 10, 1],
    ['with too few requests', 40, 4, 0],
  ])('%s', (_l, usd, requests, n) => {
    expect(run([{ model: 'opus-max', usd, requests }])).toHaveLength(n);
  });

  it('needs a history', () => {
    const f = costPerRequest(
      makeContext(
        team({ days: 3, users: [{ email: 'n@x.io', spend: [0, 50, 0], requests: [0, 10, 0] }] }),
        DEFAULT_SETTINGS,
        at(2),
      ),
    ).findings;
    expect(f).toEqual([]);
  });
});
