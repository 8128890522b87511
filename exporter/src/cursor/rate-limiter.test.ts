import { budgetOf, RateLimiter } from './rate-limiter';

/** A fake clock whose sleep advances time, so pacing is observable without real waiting. */
function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
}

describe('RateLimiter', () => {
  it('paces the default budget so no 60 s span holds more than 20 requests', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep });
    const sent: number[] = [];
    for (let i = 0; i < 60; i++) {
      await limiter.acquire('/teams/members');
      sent.push(t.now());
    }
    for (let i = 0; i < sent.length; i++) {
      const inWindow = sent.filter((s) => s >= sent[i] && s < sent[i] + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
    // Burst of 1, then one request every 60/19 s: steady and not slower than needed.
    expect(sent[0]).toBe(0);
    expect(sent[1]).toBe(Math.ceil(60_000 / 19));
    expect(sent[59]).toBeLessThanOrEqual(59 * Math.ceil(60_000 / 19));
  });

  it('gives usage events 60/min and the analytics team group one shared 100/min budget', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep });
    for (let i = 0; i < 3; i++) expect(await limiter.acquire('/teams/filtered-usage-events')).toBe(0); // burst 3
    expect(await limiter.acquire('/teams/filtered-usage-events')).toBe(Math.ceil(60_000 / 57));
    // 5 burst tokens shared by all analytics endpoints: the 6th request waits whatever its endpoint.
    for (const e of ['dau', 'models', 'tabs', 'mcp', 'plans'])
      expect(await limiter.acquire(`/analytics/team/${e}`)).toBe(0);
    expect(await limiter.acquire('/analytics/team/commands')).toBeGreaterThan(0);
    // Budgets are independent: spend has not been touched.
    expect(await limiter.acquire('/teams/spend')).toBe(0);
  });

  it('queues concurrent callers fairly, each waiting one interval longer than the last', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({
      now: t.now,
      sleep: async (ms) => void t.slept.push(ms),
      limits: { default: 61 },
    });
    const waits = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire('/teams/spend')));
    // 61/min: burst 3, refill 58/min ≈ one per 1034.5 ms.
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBe(Math.ceil(60_000 / 58));
  });

  it('refills while idle, up to the burst only', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep, limits: { usageEvents: 60 } });
    for (let i = 0; i < 3; i++) await limiter.acquire('/teams/filtered-usage-events');
    t.advance(10 * 60_000);
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiter.acquire('/teams/filtered-usage-events'));
    expect(waits).toEqual([0, 0, 0, Math.ceil(60_000 / 57)]);
  });

  it('accepts method-prefixed endpoints and rejects nonsense limits', () => {
    expect(budgetOf('POST /teams/filtered-usage-events')).toEqual({
      name: '/teams/filtered-usage-events',
      limit: 'usageEvents',
    });
    expect(budgetOf('/analytics/team/dau').name).toBe('/analytics/team/*');
    expect(() => new RateLimiter({ limits: { default: 0 } })).toThrow(/default.*≥ 1/);
  });

  it('stops waiting when the request is abandoned', async () => {
    const limiter = new RateLimiter({ limits: { default: 1 } }); // real clock and timers
    await limiter.acquire('/teams/members');
    const abandon = new AbortController();
    const waiting = limiter.acquire('/teams/members', abandon.signal); // about a minute
    setTimeout(() => abandon.abort(new Error('read-ahead closed')), 10);
    // Without the abort this would wait about a minute, past the test's timeout.
    await expect(waiting).rejects.toThrow();
  });
});
