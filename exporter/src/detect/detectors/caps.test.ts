import { makeContext } from '../context';
import { type UserSpec, CYCLE, at, settingsWith, team } from '../test-fixtures';
import { capRequestsDay } from './cap-requests-day';
import { capSpendCycle } from './cap-spend-cycle';
import { capTokensDay } from './cap-tokens-day';

const ctx = (
  users: UserSpec[],
  s = settingsWith({ thresholds: { maxSpendUsdPerCycle: 50, maxRequestsPerDay: 100, maxTokensPerDay: 1_000_000 } }),
) => makeContext(team({ days: 4, users }), s, at(3));

describe('static caps', () => {
  it.each([
    [49.99, null],
    [50, null],
    [50.01, 'warning'],
    [100, 'warning'],
    [100.01, 'critical'],
  ])('cycle spend $%d against a $50 cap → %s', (usd, severity) => {
    const f = capSpendCycle(ctx([{ email: 'bob@x.io', name: 'Bob', spend: [usd * 0.4, 0, usd * 0.6] }])).findings;
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({
        value: usd,
        threshold: 50,
        onsetMs: Date.parse('2026-03-03T00:00:00Z'),
        key: 'cap_spend_cycle:bob@x.io',
      });
  });

  it('writes the reference sentence', () => {
    expect(capSpendCycle(ctx([{ email: 'bob@x.io', name: 'Bob', spend: [82] }])).findings[0].message).toBe(
      'Bob spent $82.00 this cycle (limit: $50.00)',
    );
  });

  it.each([
    [100, 0],
    [101, 1],
  ])('requests per day: %d against 100', (requests, n) => {
    expect(
      capRequestsDay(ctx([{ email: 'b@x.io', spend: [0, 0, 5], requests: [0, 0, requests] }])).findings,
    ).toHaveLength(n);
  });

  it.each([
    [1_000_000, 0],
    [1_000_001, 1],
    [2_000_001, 1],
  ])('tokens per day: %d against 1M', (tokens, n) => {
    const f = capTokensDay(ctx([{ email: 'b@x.io', spend: [0, 0, 0, 5], tokens: [0, 0, 0, tokens] }])).findings;
    expect(f).toHaveLength(n);
    if (tokens > 2_000_000) expect(f[0].severity).toBe('critical');
  });

  it('0 = off for every cap (the default)', () => {
    const off = settingsWith({});
    const users = [{ email: 'b@x.io', spend: [0, 0, 1e6], requests: [0, 0, 1e6], tokens: [0, 0, 1e12] }];
    expect([capSpendCycle, capRequestsDay, capTokensDay].flatMap((d) => d(ctx(users, off)).findings)).toEqual([]);
  });
});

describe("a person's own on-demand limit", () => {
  const run = (onDemandUsd: number) =>
    capSpendCycle(
      makeContext(
        team({
          days: 4,
          users: [
            { email: 'bob@x.io', name: 'Bob', limitUsd: 50, spend: [100, 0, 100], onDemand: [0, 0, onDemandUsd] },
          ],
        }),
        settingsWith({}),
        at(3),
      ),
    ).findings;
  it.each([
    [49.99, null],
    [50, null],
    [50.01, 'warning'],
    [100.01, 'critical'],
  ])('on-demand $%d against a $50 limit → %s', (usd, severity) => {
    const f = run(usd);
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({
        key: 'cap_spend_cycle:bob@x.io',
        threshold: 50,
        value: usd,
        message: `Bob spent $${usd >= 100 ? usd.toFixed(0) : usd.toFixed(2)} on-demand this cycle (limit: $50.00)`,
      });
  });
});

describe('limits of an earlier cycle (backtests)', () => {
  // The latest snapshot belongs to a later cycle; the evaluated day is in CYCLE.
  const run = (past: Map<number, Map<number, number>> | undefined) => {
    const facts = team({
      days: 4,
      users: [{ email: 'bob@x.io', name: 'Bob', limitUsd: 500, spend: [100, 0, 100], onDemand: [0, 0, 80] }],
    });
    facts.limitsCycleStartMs = CYCLE.endMs;
    facts.pastLimits = past;
    return capSpendCycle(makeContext(facts, settingsWith({}), at(3))).findings;
  };
  it("judges a past cycle by that cycle's own snapshot, not the latest limit", () => {
    expect(run(new Map([[CYCLE.startMs, new Map([[0, 50]])]]))).toMatchObject([{ threshold: 50, value: 80 }]);
  });
  it('knows no limit for a past cycle without a snapshot', () => {
    expect(run(undefined)).toEqual([]);
  });
});
