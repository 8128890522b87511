import { makeContext } from './context';
import { savings } from './savings';
import { DEFAULT_SETTINGS } from './settings';
import { USD, at, team } from './test-fixtures';

describe('model-switch savings', () => {
  it('prices requests above the team p90 at the team median $/request', () => {
    // 19 people at $0.10…$1.90 per request (100 requests each) and Bob at $5.00 on opus.
    const users = Array.from({ length: 19 }, (_, i) => ({
      email: `u${i}@x.io`,
      spend: [(i + 1) * 10],
      requests: [100],
    }));
    users.push({ email: 'bob@x.io', spend: [500], requests: [100] });
    const s = savings(makeContext(team({ days: 2, users }), DEFAULT_SETTINGS, at(1)));
    // Sorted n = 20: median = element 10 ($1.10), p90 = element 18 ($1.90). Bob: 500 − 100 × 1.10 = $390.
    expect(s).toMatchObject({
      cycleStartDay: '2026-03-01',
      teamMedianPerRequestMicro: 110_000_000,
      teamP90PerRequestMicro: 190_000_000,
      totalMicro: 390 * USD,
    });
    expect(s.users).toEqual([
      {
        email: 'bob@x.io',
        groupId: null,
        requests: 100,
        spendMicro: 500 * USD,
        costPerRequestMicro: 5 * USD,
        models: ['claude-4.5-sonnet'],
        savingsMicro: 390 * USD,
      },
    ]);
  });

  it('is zero when nobody is above p90', () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ email: `u${i}@x.io`, spend: [10], requests: [100] }));
    expect(savings(makeContext(team({ days: 2, users }), DEFAULT_SETTINGS, at(1)))).toMatchObject({
      totalMicro: 0,
      users: [],
    });
  });
});
