import { centsToMicro } from '../domain/money';
import type { DailyUsageRow, UsageEvent } from '../domain/records';
import { dayStartMs, HOUR_MS } from '../domain/time';
import { openDb, type Db } from '../store/db';
import { EventKeyer } from '../store/event-key';
import { saveGroups } from '../store/groups';
import { upsertMembers } from '../store/members';
import { finishRun, startRun } from '../store/runs';
import { saveSpendSnapshot } from '../store/spend';
import { upsertDailyUsage } from '../store/daily-usage';
import { insertUsageEvents } from '../store/usage-events';
import { binaryAvailable, parseExposition, promtoolCheckMetrics, PROMTOOL_BIN, sampleValue } from '../../../test/helpers/prometheus';
import { hashUser } from './labels';
import { createMetricsService } from './service';

const CYCLE_START = dayStartMs('2026-03-01');
const CYCLE_END = dayStartMs('2026-04-01');
const NOW = dayStartMs('2026-03-10') + 12 * HOUR_MS;

function event(email: string, model: string, day: string, cents: number, requests: number, tokens = 1000): UsageEvent {
  return {
    timestampMs: dayStartMs(day) + 3_600_000, email, model, kind: 'Usage-based', maxMode: false, requestsCosts: requests,
    isTokenBasedCall: true, inputTokens: tokens, outputTokens: tokens / 10, cacheWriteTokens: 0, cacheReadTokens: tokens * 2,
    tokenMicro: centsToMicro(cents), chargedMicro: centsToMicro(cents), cursorFeeMicro: 0, isChargeable: true, isHeadless: false,
    conversationId: null,
  };
}

function active(email: string, day: string): DailyUsageRow {
  return {
    day, email, userId: null, isActive: true, linesAdded: 0, linesDeleted: 0, acceptedLinesAdded: 0, acceptedLinesDeleted: 0,
    applies: 0, accepts: 0, rejects: 0, tabsShown: 0, tabsAccepted: 0, composerRequests: 0, chatRequests: 0, agentRequests: 1,
    cmdkUsages: 0, subscriptionIncludedReqs: 0, apiKeyReqs: 0, usageBasedReqs: 0, bugbotUsages: 0, mostUsedModel: null,
    applyMostUsedExtension: null, tabMostUsedExtension: null, clientVersion: null,
  };
}

const spendRow = (email: string, totalCents: number, includedCents: number, limit: number | null = null) => ({
  email, userId: null, name: email, role: 'member', totalMicro: centsToMicro(totalCents), includedMicro: centsToMicro(includedCents),
  onDemandMicro: centsToMicro(totalCents - includedCents), fastPremiumRequests: 0, monthlyLimitDollars: limit,
  hardLimitOverrideDollars: 0, effectiveLimitDollars: limit,
});

/** A four-person team: alice (Eng, two models), bob (Sales), carol (never active), dave (removed). */
export function seedKnownTeam(db: Db): void {
  upsertMembers(
    db,
    [
      { email: 'alice@acme.dev', userId: 'user_a', name: 'Alice', role: 'owner', isRemoved: false },
      { email: 'bob@acme.dev', userId: 'user_b', name: 'Bob', role: 'member', isRemoved: false },
      { email: 'carol@acme.dev', userId: 'user_c', name: 'Carol', role: 'member', isRemoved: false },
      { email: 'dave@acme.dev', userId: 'user_d', name: 'Dave', role: 'member', isRemoved: true },
    ],
    NOW,
  );
  const member = (email: string) => ({ userId: null, email, name: email, joinedAtMs: null, leftAtMs: null, spendMicro: 0 });
  saveGroups(
    db,
    {
      groups: [
        { id: 'group_eng', name: 'Eng', type: 'BILLING', directoryGroupId: null, memberCount: 1, spendMicro: centsToMicro(12345.678901), currentMembers: [member('alice@acme.dev')], formerMembers: [], dailySpend: [] },
        { id: 'group_sales', name: 'Sales', type: 'BILLING', directoryGroupId: null, memberCount: 1, spendMicro: centsToMicro(250), currentMembers: [member('bob@acme.dev')], formerMembers: [], dailySpend: [] },
      ],
      cycle: { startMs: CYCLE_START, endMs: CYCLE_END },
    },
    NOW,
  );
  saveSpendSnapshot(
    db,
    { cycleStartMs: CYCLE_START, limitedUsersCount: null, rows: [spendRow('alice@acme.dev', 12345.678901, 2000, 500), spendRow('bob@acme.dev', 250, 250), spendRow('dave@acme.dev', 10, 10)] },
    NOW,
  );
  insertUsageEvents(
    db,
    [
      event('alice@acme.dev', 'claude-4-opus', '2026-02-20', 150, 1),
      event('alice@acme.dev', 'claude-4-opus', '2026-03-02', 150, 1),
      event('alice@acme.dev', 'claude-4-opus', '2026-03-03', 150.25, 2),
      event('alice@acme.dev', 'gpt-5', '2026-03-03', 12.5, 0.5),
      event('bob@acme.dev', 'gpt-5', '2026-03-04', 40, 1, 500),
    ],
    new EventKeyer(),
  );
  upsertDailyUsage(db, [active('alice@acme.dev', '2026-03-02'), active('bob@acme.dev', '2026-02-20')]);
  const run = startRun(db, 'collect', NOW - 60_000);
  finishRun(
    db, run,
    {
      status: 'ok', apiCalls: { '/teams/spend': { '200': 2 }, '/teams/members': { '200': 1, '429': 1 } }, rowsWritten: { usage_events: 5 },
      errors: [], rateLimitWaits: 3, rateLimitWaitMs: 4500,
    },
    NOW - 30_000,
  );
}

describe('metrics service exposition of a known team', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
    seedKnownTeam(db);
  });
  afterEach(() => db.close());

  it('exposes exact spend, usage, team and health values', async () => {
    const svc = createMetricsService(db, { now: () => NOW });
    await svc.rebuild();
    const s = parseExposition(svc.body().toString());

    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'alice@acme.dev', group: 'Eng' })).toBeCloseTo(123.45678901, 10);
    expect(sampleValue(s, 'cursor_user_cycle_on_demand_spend_usd', { user: 'alice@acme.dev' })).toBeCloseTo(103.45678901, 10);
    expect(sampleValue(s, 'cursor_user_spend_limit_usd', { user: 'alice@acme.dev' })).toBe(500);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'bob@acme.dev', group: 'Sales' })).toBe(2.5);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'dave@acme.dev', group: 'unassigned' })).toBe(0.1);
    expect(sampleValue(s, 'cursor_team_cycle_spend_usd')).toBeCloseTo(126.05678901, 10);
    expect(sampleValue(s, 'cursor_team_cycle_included_spend_usd')).toBe(22.6);
    expect(sampleValue(s, 'cursor_group_cycle_spend_usd', { group: 'Eng' })).toBeCloseTo(123.45678901, 10);

    // Counters span all time (the February event included); the gauge per model only this cycle.
    expect(sampleValue(s, 'cursor_usage_cost_usd_total', { user: 'alice@acme.dev', model: 'claude-4-opus' })).toBeCloseTo(4.5025, 10);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: 'alice@acme.dev', model: 'claude-4-opus' })).toBe(4);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: 'alice@acme.dev', model: 'gpt-5' })).toBe(0.5);
    expect(sampleValue(s, 'cursor_usage_events_total', { user: 'alice@acme.dev', model: 'claude-4-opus' })).toBe(3);
    expect(sampleValue(s, 'cursor_usage_tokens_total', { user: 'bob@acme.dev', model: 'gpt-5', kind: 'cache_read' })).toBe(1000);
    expect(sampleValue(s, 'cursor_model_cycle_spend_usd', { model: 'claude-4-opus' })).toBeCloseTo(3.0025, 10);

    expect(sampleValue(s, 'cursor_team_members', { role: 'owner' })).toBe(1);
    expect(sampleValue(s, 'cursor_team_members', { role: 'member' })).toBe(2); // dave is removed
    expect(sampleValue(s, 'cursor_team_seats', { state: 'active' })).toBe(1); // alice, this cycle
    expect(sampleValue(s, 'cursor_team_seats', { state: 'inactive' })).toBe(1); // bob, February only
    expect(sampleValue(s, 'cursor_team_seats', { state: 'never_active' })).toBe(1); // carol
    expect(sampleValue(s, 'cursor_billing_cycle_end_timestamp_seconds')).toBe(CYCLE_END / 1000);

    expect(sampleValue(s, 'cursor_exporter_last_collect_success')).toBe(1);
    expect(sampleValue(s, 'cursor_exporter_last_collect_timestamp_seconds')).toBe((NOW - 30_000) / 1000);
    expect(sampleValue(s, 'cursor_exporter_last_collect_duration_seconds')).toBe(30);
    expect(sampleValue(s, 'cursor_exporter_api_calls_total', { endpoint: '/teams/members', status: '429' })).toBe(1);
    expect(sampleValue(s, 'cursor_exporter_rate_limit_wait_seconds_total')).toBe(4.5);
    expect(sampleValue(s, 'cursor_exporter_rows_written_total', { table: 'usage_events' })).toBe(5);
    expect(sampleValue(s, 'cursor_exporter_newest_usage_event_age_seconds')).toBe((NOW - (dayStartMs('2026-03-04') + 3_600_000)) / 1000);
    expect(sampleValue(s, 'cursor_exporter_series_folded_users')).toBe(0);
    for (const f of ['health', 'team', 'spend', 'usage', 'detection', 'forecasts', 'mttx']) {
      expect(sampleValue(s, 'cursor_exporter_metrics_family_success', { family: f })).toBe(1);
    }
  });

  it('has no sample timestamps and no date labels', async () => {
    const svc = createMetricsService(db, { now: () => NOW });
    await svc.rebuild();
    const text = svc.body().toString();
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z0-9_]+(\{[^}]*\})? \S+$/); // name, labels, value: nothing after the value
      expect(line).not.toMatch(/="\d{4}-\d{2}-\d{2}/);
    }
  });

  it('passes promtool check metrics', async () => {
    if (!binaryAvailable(PROMTOOL_BIN)) return;
    const svc = createMetricsService(db, { now: () => NOW });
    await svc.rebuild();
    const r = await promtoolCheckMetrics(svc.body());
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
  });

  it('hashes users when asked, consistently across families', async () => {
    const svc = createMetricsService(db, { now: () => NOW, hashUsers: true });
    await svc.rebuild();
    const text = svc.body().toString();
    expect(text).not.toContain('@acme.dev');
    const s = parseExposition(text);
    const h = hashUser('alice@acme.dev');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: h })).toBeCloseTo(123.45678901, 10);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: h, model: 'claude-4-opus' })).toBe(4);
  });

  it('drops departed users on the next rebuild and keeps serving the old exposition meanwhile', async () => {
    const svc = createMetricsService(db, { now: () => NOW });
    await svc.rebuild();
    const before = svc.body();
    saveSpendSnapshot(db, { cycleStartMs: CYCLE_START, limitedUsersCount: null, rows: [spendRow('alice@acme.dev', 20000, 2000)] }, NOW);
    expect(svc.body()).toBe(before); // a scrape between rebuilds reads memory only
    await svc.rebuild();
    const s = parseExposition(svc.body().toString());
    expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd').map((x) => x.labels.user)).toEqual(['alice@acme.dev']);
    expect(s.some((x) => x.name === 'cursor_user_spend_limit_usd')).toBe(false);
  });

  it('reports a failing family and still serves the others', async () => {
    const errors: string[] = [];
    db.exec('DROP TABLE incidents');
    const svc = createMetricsService(db, { now: () => NOW, onFamilyError: (f) => errors.push(f) });
    await svc.rebuild();
    const s = parseExposition(svc.body().toString());
    expect(errors).toEqual(['detection', 'mttx']);
    expect(sampleValue(s, 'cursor_exporter_metrics_family_success', { family: 'detection' })).toBe(0);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'bob@acme.dev' })).toBe(2.5);
  });

  it('rejects a nonsensical series budget', () => {
    expect(() => createMetricsService(db, { maxSeries: 0 })).toThrow(/METRICS_MAX_SERIES/);
  });
});
