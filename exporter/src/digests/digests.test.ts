import { usdToMicro } from '../domain/money';
import { Store } from '../store';
import { adoptionScores, adoptionTiers, tierOf } from './adoption';
import { cycleSummary, cycleSummaryDue } from './cycle-summary';
import { MARCH, seedTeam } from './testing';
import { planExhaustion } from './plan-exhaustion';

const NOW = Date.parse('2026-03-29T12:00:00Z');
let store: Store;
beforeEach(() => {
  store = Store.open(':memory:');
  seedTeam(store.db);
});
afterEach(() => store.close());

describe('plan exhaustion digest', () => {
  it('lists users who exceeded their plan this cycle with the day it happened', () => {
    const pe = planExhaustion(store, NOW);
    expect(pe).not.toBeNull();
    if (!pe) return;
    expect(pe.cycle).toMatchObject({
      startDay: '2026-03-01',
      lastDay: '2026-03-31',
      daysLeft: 3,
      lengthDays: 31,
      endKnown: true,
    });
    expect(pe.earliest(10)).toEqual([
      {
        email: 'alice@example.com',
        name: 'Alice <Ops> & Co',
        firstDay: '2026-03-05',
        dayOfCycle: 5,
        usageBasedRequests: 18,
        onDemandMicro: usdToMicro(40),
      },
      {
        email: 'carol@example.com',
        name: 'Carol',
        firstDay: null,
        dayOfCycle: null,
        usageBasedRequests: 0,
        onDemandMicro: usdToMicro(5),
      },
    ]);
    // active: alice and bob by requests, carol because she is exhausted; dave's February usage does not count
    expect(pe).toMatchObject({ usersExhausted: 2, totalActive: 3, pctExhausted: 67, avgDays: 5, medianDays: 5 });
  });

  it('is null without any cycle data, and empty early in the cycle', () => {
    expect(planExhaustion(Store.open(':memory:'), NOW)).toBeNull();
    const early = planExhaustion(store, Date.parse('2026-03-04T12:00:00Z'));
    // No usage-based requests yet, but the spend snapshot (always the latest) shows on-demand spend.
    expect(early?.earliest(10).map((u) => [u.email, u.dayOfCycle])).toEqual([
      ['alice@example.com', null],
      ['carol@example.com', null],
    ]);
  });
});

describe('cycle summary digest', () => {
  it('summarises the current cycle only', () => {
    const s = cycleSummary(store, NOW);
    expect(s).not.toBeNull();
    if (!s) return;
    expect(cycleSummaryDue(s.cycle)).toBe(true);
    // March has a spend snapshot: its bill ($155), not the $1,000 from January nor February's $60.
    expect(s.spendSource).toBe('billed');
    expect(s.totalSpendMicro).toBe(usdToMicro(155));
    // February has no snapshot: its charged events.
    expect(s.previousCycleSpendMicro).toBe(usdToMicro(60));
    expect(s.changePct).toBe(158.3);
    expect(s.change).toBeCloseTo(95 / 60, 12);
    expect(s).toMatchObject({
      totalMembers: 4,
      activeMembers: 2,
      unusedSeats: 2,
      planExhausted: { exhausted: 2, totalActive: 3 },
    });
    expect(s.topSpenders).toEqual([
      { email: 'alice@example.com', name: 'Alice <Ops> & Co', spendMicro: usdToMicro(120) },
      { email: 'carol@example.com', name: 'Carol', spendMicro: usdToMicro(25) },
      { email: 'bob@example.com', name: 'Bob', spendMicro: usdToMicro(10) },
    ]);
    // alice: 200 requests / 10 days, accept 0.8 → 40·0.8 + 40·1 + 20·10/31 = 78.45 → high; bob has < 10 requests
    expect(s.adoption).toEqual({ aiNative: 0, high: 1, moderate: 0, low: 0, manual: 0, unscored: 2 }); // bob and dave have daily rows but too few requests
  });

  it('is not due earlier in the cycle', () => {
    const s = cycleSummary(store, Date.parse('2026-03-20T00:00:00Z'));
    expect(s?.cycle.daysLeft).toBe(12);
    expect(cycleSummaryDue(s!.cycle)).toBe(false);
  });

  it("counts charged usage events before the cycle's first spend snapshot", () => {
    store.db.prepare('DELETE FROM spend_snapshots').run();
    const s = cycleSummary(store, NOW);
    expect(s).toMatchObject({
      spendSource: 'events',
      totalSpendMicro: usdToMicro(130),
      previousCycleSpendMicro: usdToMicro(60),
      changePct: 116.7,
    });
    expect(s?.topSpenders.map((t) => [t.email, t.spendMicro])).toEqual([
      ['alice@example.com', usdToMicro(120)],
      ['bob@example.com', usdToMicro(10)],
    ]);
  });

  it('limits every figure to the people selected', () => {
    const s = cycleSummary(store, NOW, new Set(['carol@example.com', 'dave@example.com', 'erin@example.com']));
    // erin is removed: in scope but no seat; dave has a daily row but no active day; carol only on-demand spend.
    expect(s).toMatchObject({
      totalSpendMicro: usdToMicro(25),
      previousCycleSpendMicro: 0,
      change: null,
      totalMembers: 2,
      activeMembers: 0,
      unusedSeats: 2,
    });
    expect(s?.planExhausted).toEqual({ exhausted: 1, totalActive: 1 });
    expect(s?.topSpenders.map((t) => t.email)).toEqual(['carol@example.com']);
  });

  it('counts only current members as active seats', () => {
    store.db
      .prepare(
        `INSERT INTO daily_usage (day, email, is_active, agent_requests, accepts, applies, usage_based_reqs) VALUES ('2026-03-06', 'erin@example.com', 1, 30, 0, 0, 0)`,
      )
      .run();
    expect(cycleSummary(store, NOW)).toMatchObject({ totalMembers: 4, activeMembers: 2, unusedSeats: 2 });
  });

  it('falls back to the spend snapshot plus one month without a groups cycle', () => {
    store.db.prepare('DELETE FROM billing_cycles').run();
    const s = cycleSummary(store, NOW);
    expect(s?.cycle).toMatchObject({ startMs: MARCH.startMs, endMs: MARCH.endMs });
  });
});

describe('adoption score', () => {
  it('follows the reference formula and tiers', () => {
    const scores = adoptionScores(
      [
        { email: 'a', requests: 100, accepts: 10, applies: 10, activeDays: 10 },
        { email: 'b', requests: 10, accepts: 0, applies: 0, activeDays: 10 },
        { email: 'c', requests: 9, accepts: 9, applies: 9, activeDays: 1 },
      ],
      10,
    );
    // p90 over [1, 10] is element floor(1.8) = 10. a: 40 + 40 + 20 = 100; b: 0 + 40·0.1 + 20 = 24
    expect(scores.get('a')).toBe(100);
    expect(scores.get('b')).toBeCloseTo(24);
    expect(scores.has('c')).toBe(false);
    expect([80, 79.9, 55, 30, 10, 9.9].map(tierOf)).toEqual([
      'ai-native',
      'high-adoption',
      'high-adoption',
      'moderate-adoption',
      'low-adoption',
      'manual-coder',
    ]);
    expect(adoptionTiers([{ email: 'a', requests: 100, accepts: 10, applies: 10, activeDays: 10 }], 10).aiNative).toBe(
      1,
    );
  });
});
