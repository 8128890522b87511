/**
 * Store fixtures for the metrics tests and bench/scrape.ts: a small team with hand-checked values,
 * and a synthetic team of any size. They write through the store's own functions, so the data has
 * exactly the shape the collector produces.
 */
import { centsToMicro } from '../domain/money';
import type { UsageEvent } from '../domain/records';
import { active } from '../domain/testing';
import { dayStartMs, DAY_MS, HOUR_MS, utcDay } from '../domain/time';
import type { Store } from '../store';

export const CYCLE_START = dayStartMs('2026-03-01');
export const CYCLE_END = dayStartMs('2026-04-01');
export const NOW = dayStartMs('2026-03-10') + 12 * HOUR_MS;

export function event(
  email: string,
  model: string,
  day: string,
  cents: number,
  requests: number,
  tokens = 1000,
): UsageEvent {
  return {
    timestampMs: dayStartMs(day) + 3_600_000,
    email,
    model,
    kind: 'Usage-based',
    maxMode: false,
    requestsCosts: requests,
    isTokenBasedCall: true,
    inputTokens: tokens,
    outputTokens: tokens / 10,
    cacheWriteTokens: 0,
    cacheReadTokens: tokens * 2,
    tokenMicro: centsToMicro(cents),
    chargedMicro: centsToMicro(cents),
    cursorFeeMicro: 0,
    isChargeable: true,
    isHeadless: false,
    conversationId: null,
  };
}

export const spendRow = (email: string, totalCents: number, includedCents: number, limit: number | null = null) => ({
  email,
  userId: null,
  name: email,
  role: 'member',
  totalMicro: centsToMicro(totalCents),
  includedMicro: centsToMicro(includedCents),
  onDemandMicro: centsToMicro(totalCents - includedCents),
  fastPremiumRequests: 0,
  monthlyLimitDollars: limit,
  hardLimitOverrideDollars: 0,
  effectiveLimitDollars: limit,
});

/** A four-person team: alice (Eng, two models), bob (Sales), carol (never active), dave (removed). */
export function seedKnownTeam(store: Store): void {
  store.members.upsert(
    [
      { email: 'alice@acme.dev', userId: 'user_a', name: 'Alice', role: 'owner', isRemoved: false },
      { email: 'bob@acme.dev', userId: 'user_b', name: 'Bob', role: 'member', isRemoved: false },
      { email: 'carol@acme.dev', userId: 'user_c', name: 'Carol', role: 'member', isRemoved: false },
      { email: 'dave@acme.dev', userId: 'user_d', name: 'Dave', role: 'member', isRemoved: true },
    ],
    NOW,
  );
  const member = (email: string) => ({
    userId: null,
    email,
    name: email,
    joinedAtMs: null,
    leftAtMs: null,
    spendMicro: 0,
  });
  store.groups.save(
    {
      groups: [
        {
          id: 'group_eng',
          name: 'Eng',
          type: 'BILLING',
          directoryGroupId: null,
          memberCount: 1,
          spendMicro: centsToMicro(12345.678901),
          currentMembers: [member('alice@acme.dev')],
          formerMembers: [],
          dailySpend: [],
        },
        {
          id: 'group_sales',
          name: 'Sales',
          type: 'BILLING',
          directoryGroupId: null,
          memberCount: 1,
          spendMicro: centsToMicro(250),
          currentMembers: [member('bob@acme.dev')],
          formerMembers: [],
          dailySpend: [],
        },
      ],
      cycle: { startMs: CYCLE_START, endMs: CYCLE_END },
    },
    NOW,
  );
  store.spend.save(
    {
      cycleStartMs: CYCLE_START,
      limitedUsersCount: null,
      rows: [
        spendRow('alice@acme.dev', 12345.678901, 2000, 500),
        spendRow('bob@acme.dev', 250, 250),
        spendRow('dave@acme.dev', 10, 10),
      ],
    },
    NOW,
  );
  store.usageEvents.insert([
    event('alice@acme.dev', 'claude-4-opus', '2026-02-20', 150, 1),
    event('alice@acme.dev', 'claude-4-opus', '2026-03-02', 150, 1),
    event('alice@acme.dev', 'claude-4-opus', '2026-03-03', 150.25, 2),
    event('alice@acme.dev', 'gpt-5', '2026-03-03', 12.5, 0.5),
    event('bob@acme.dev', 'gpt-5', '2026-03-04', 40, 1, 500),
  ]);
  store.dailyUsage.upsert([active('alice@acme.dev', '2026-03-02'), active('bob@acme.dev', '2026-02-20')]);
  const { runs } = store;
  const run = runs.start('collect', NOW - 60_000);
  runs.finish(
    run,
    {
      status: 'ok',
      apiCalls: { '/teams/spend': { '200': 2 }, '/teams/members': { '200': 1, '429': 1 } },
      rowsWritten: { usage_events: 5 },
      errors: [],
      rateLimitWaits: 3,
      rateLimitWaitMs: 4500,
    },
    NOW - 30_000,
  );
}

export interface SyntheticTeam {
  users: number;
  modelsPerUser: number;
  days: number;
  nowMs: number;
}

const MODELS = ['claude-4-sonnet', 'claude-4-opus', 'gpt-5', 'gpt-5-mini', 'gemini-2.5-pro', 'o3', 'grok-4', 'auto'];

/**
 * users × modelsPerUser × days usage (one event per user, model and day, costs spread over three
 * orders of magnitude so folding has clear winners), spend, groups of 50 and one finished run.
 */
export function seedSyntheticTeam(store: Store, t: SyntheticTeam): void {
  const email = (i: number) => `user${String(i).padStart(5, '0')}@acme.dev`;
  const cycleStart = dayStartMs(utcDay(t.nowMs - 9 * DAY_MS));
  const members = Array.from({ length: t.users }, (_, i) => ({
    email: email(i),
    userId: `user_${i}`,
    name: `User ${i}`,
    role: i === 0 ? 'owner' : 'member',
    isRemoved: false,
  }));
  store.members.upsert(members, t.nowMs);
  const groups = [];
  for (let g = 0; g * 50 < t.users; g++) {
    const current = members.slice(g * 50, g * 50 + 50).map((m) => ({
      userId: m.userId,
      email: m.email,
      name: m.name,
      joinedAtMs: null,
      leftAtMs: null,
      spendMicro: 0,
    }));
    groups.push({
      id: `group_${g}`,
      name: `Team ${g}`,
      type: 'BILLING',
      directoryGroupId: null,
      memberCount: current.length,
      spendMicro: 0,
      currentMembers: current,
      formerMembers: [],
      dailySpend: [],
    });
  }
  store.groups.save({ groups, cycle: { startMs: cycleStart, endMs: cycleStart + 30 * DAY_MS } }, t.nowMs);
  const costCents = (i: number, m: number) => 1 + ((i * 7919 + m * 104729) % 1000) / (1 + (i % 10));
  store.spend.save(
    {
      cycleStartMs: cycleStart,
      limitedUsersCount: null,
      rows: members.map((m, i) => spendRow(m.email, costCents(i, 0) * 10 * t.modelsPerUser, 0)),
    },
    t.nowMs,
  );
  const { usageEvents, dailyUsage, runs } = store;
  for (let d = t.days - 1; d >= 0; d--) {
    const day = utcDay(t.nowMs - d * DAY_MS);
    const events: UsageEvent[] = [];
    for (let i = 0; i < t.users; i++) {
      for (let m = 0; m < t.modelsPerUser; m++)
        events.push(event(email(i), MODELS[(i + m) % MODELS.length], day, costCents(i, m), 1 + (m % 3)));
    }
    store.transaction(() => usageEvents.insert(events));
    dailyUsage.upsert(members.filter((_, i) => i % 5 !== 0).map((m) => active(m.email, day)));
  }
  const run = runs.start('collect', t.nowMs - 120_000);
  runs.finish(
    run,
    {
      status: 'ok',
      apiCalls: { '/teams/spend': { '200': 1 } },
      rowsWritten: {},
      errors: [],
      rateLimitWaits: 0,
      rateLimitWaitMs: 0,
    },
    t.nowMs - 60_000,
  );
}
