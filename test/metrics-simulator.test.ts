/**
 * The whole stack against the simulator: `serve` collects a known simulated team, runs detection and
 * rebuilds the exposition. /metrics must then carry the simulator's own ground truth (spend to the
 * cent, request and event counts per user and model), pass `promtool check metrics`, answer PromQL
 * through a real Prometheus, and keep answering 200 with every series while Cursor returns only 500s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookbackStartMs } from '../exporter/src/collect/range';
import { createLogger } from '../exporter/src/logger';
import { DAY_MS, HOUR_MS, utcDay } from '../exporter/src/domain/time';
import { serve, type ServeHandle } from '../exporter/src/server';
import { startSimulator, type RunningSimulator } from '../exporter/src/simulator/server';
import type { CycleSpend } from '../exporter/src/simulator/simulation';
import type { SimMember } from '../exporter/src/simulator/team';
import {
  binaryAvailable,
  parseExposition,
  PROMETHEUS_BIN,
  promtoolCheckMetrics,
  PROMTOOL_BIN,
  sampleValue,
  startPrometheus,
  type PrometheusHandle,
  type Sample,
} from './helpers/prometheus';

jest.setTimeout(120_000);

const END_DAY = '2026-03-10';
const START = Date.parse(`${END_DAY}T12:00:00.000Z`);
const BACKFILL_DAYS = 7;
const ADMIN_KEY = `key_${'s1M'.repeat(21)}m`;
const METRICS_TOKEN = 'metrics-scrape-token-for-tests';
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };

interface PairTruth {
  cost: number; // USD
  requests: number;
  events: number;
}

/**
 * Per-model totals of one user's events in the collected window, walked from the simulator's
 * generation (not its HTTP answers): what usage_daily and so the counters must hold.
 */
function usageTruth(sim: RunningSimulator, email: string, fromMs: number, nowMs: number): Map<string, PairTruth> {
  const out = new Map<string, PairTruth>();
  for (let d = fromMs; d <= nowMs; d += DAY_MS) {
    for (const e of sim.sim.timelineForDay(utcDay(d))) {
      if (e.event.userEmail !== email || e.timestampMs < fromMs || e.timestampMs > nowMs || e.arrivalMs > nowMs)
        continue;
      const t = out.get(e.event.model) ?? { cost: 0, requests: 0, events: 0 };
      t.cost += e.chargedMicro / 1e8;
      t.requests += e.event.requestsCosts;
      t.events += 1;
      out.set(e.event.model, t);
    }
  }
  return out;
}

const seriesKey = (x: Sample) => `${x.name}${JSON.stringify(Object.entries(x.labels).sort())}`;
const cents = (usd: number) => Math.round(usd * 100);

describe('the exporter serving a simulated team', () => {
  let clock = START;
  let sim: RunningSimulator;
  let handle: ServeHandle;
  let dir: string;
  let text: string;
  let s: Sample[];
  let prom: PrometheusHandle | undefined;

  const scrape = async () => {
    const res = await fetch(`${handle.url}/metrics`, {
      headers: { 'accept-encoding': 'gzip', authorization: `Bearer ${METRICS_TOKEN}` },
    });
    return { status: res.status, text: await res.text() };
  };
  const active = () => sim.sim.members.filter((m) => !m.isRemoved);

  beforeAll(async () => {
    sim = await startSimulator({
      users: 30,
      seed: 17,
      historyDays: 30,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      keys: [ADMIN_KEY],
      now: () => clock,
      limits: SIM_FAST,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-sim-'));
    handle = await serve({
      env: {
        CURSOR_ADMIN_API_KEY: ADMIN_KEY,
        CURSOR_API_URL: sim.url,
        DATABASE_PATH: path.join(dir, 'exporter.db'),
        PORT: '0',
        HOST: '127.0.0.1',
        INITIAL_BACKFILL_DAYS: String(BACKFILL_DAYS),
        API_AUTH: 'off',
        COLLECT_INTERVAL: '1d',
        METRICS_TOKEN,
      },
      logger: createLogger({ level: 'silent', secrets: [ADMIN_KEY, METRICS_TOKEN] }),
      now: () => clock,
      client: { maxRetries: 0, limits: FAST },
    });
    await handle.firstCycle;
    const r = await scrape();
    expect(r.status).toBe(200);
    text = r.text;
    s = parseExposition(text);
    groundTruth();
  });
  afterAll(async () => {
    await prom?.stop();
    await handle?.close();
    await sim?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The users the exact checks use (the biggest spender, the biggest on-demand spender and a small
   * one) with their ground truth. Computed once before Prometheus starts: walking the generation
   * takes seconds and would stall the exporter's event loop (this process) under its scrapes.
   */
  interface Truth {
    member: SimMember;
    group: string;
    spend: CycleSpend;
    usage: Map<string, PairTruth>;
  }
  let chosen: Truth[];
  let teamUsd: number;
  const fromMs = lookbackStartMs(START, BACKFILL_DAYS);

  function groundTruth(): void {
    const spend = new Map(active().map((m) => [m.email, sim.sim.expected.cycleSpend(m.email, START)]));
    teamUsd = [...spend.values()].reduce((n, x) => n + x.overallCents, 0) / 100;
    const paying = active().filter((m) => spend.get(m.email)!.overallCents > 0 && m.groupIndex !== null);
    const by = (f: (x: CycleSpend) => number) =>
      [...paying].sort((a, b) => f(spend.get(b.email)!) - f(spend.get(a.email)!))[0];
    const picks = [...new Set([by((x) => x.overallCents), by((x) => x.onDemandCents), by((x) => -x.overallCents)])];
    chosen = picks.map((m) => ({
      member: m,
      group: sim.sim.groups[m.groupIndex!].name,
      spend: spend.get(m.email)!,
      usage: usageTruth(sim, m.email, fromMs, START),
    }));
  }

  it('collected successfully', () => {
    expect(sampleValue(s, 'cursor_exporter_last_collect_success')).toBe(1);
    expect(sampleValue(s, 'cursor_exporter_last_collect_timestamp_seconds')).toBe(START / 1000);
    expect(sampleValue(s, 'cursor_exporter_last_detection_success')).toBe(1);
    for (const x of s.filter((x) => x.name === 'cursor_exporter_metrics_family_success'))
      expect([x.labels.family, x.value]).toEqual([x.labels.family, 1]);
  });

  it("exposes the simulator's cycle spend to the cent for chosen users and the team", () => {
    expect(chosen.some((t) => t.spend.onDemandCents > 0)).toBe(true);
    for (const { member, group, spend } of chosen) {
      const labels = { user: member.email, group };
      expect({ user: member.email, cents: cents(sampleValue(s, 'cursor_user_cycle_spend_usd', labels)) }).toEqual({
        user: member.email,
        cents: Math.round(spend.overallCents),
      });
      expect(sampleValue(s, 'cursor_user_cycle_spend_usd', labels)).toBeCloseTo(spend.overallCents / 100, 6);
      expect(sampleValue(s, 'cursor_user_cycle_on_demand_spend_usd', labels)).toBeCloseTo(spend.onDemandCents / 100, 6);
    }
    expect(teamUsd).toBeGreaterThan(0);
    expect(cents(sampleValue(s, 'cursor_team_cycle_spend_usd'))).toBe(Math.round(teamUsd * 100));
    expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd')).toHaveLength(active().length);
    const members = s.filter((x) => x.name === 'cursor_team_members').reduce((n, x) => n + x.value, 0);
    expect(members).toBe(active().length);
  });

  it('exposes exact cost, request and event counters per model for chosen users', () => {
    let pairs = 0;
    for (const { member, usage } of chosen) {
      expect(usage.size).toBeGreaterThan(0);
      const exposedModels = s
        .filter((x) => x.name === 'cursor_usage_requests_total' && x.labels.user === member.email)
        .map((x) => x.labels.model)
        .sort();
      expect(exposedModels).toEqual([...usage.keys()].sort());
      for (const [model, t] of usage) {
        const labels = { user: member.email, model };
        expect(cents(sampleValue(s, 'cursor_usage_cost_usd_total', labels))).toBe(Math.round(t.cost * 100));
        expect(sampleValue(s, 'cursor_usage_cost_usd_total', labels)).toBeCloseTo(t.cost, 6);
        expect(sampleValue(s, 'cursor_usage_requests_total', labels)).toBeCloseTo(t.requests, 9);
        expect(sampleValue(s, 'cursor_usage_events_total', labels)).toBe(t.events);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(3);
    const events = s.filter((x) => x.name === 'cursor_usage_events_total').reduce((n, x) => n + x.value, 0);
    expect(events).toBe(sim.sim.expected.eventCount(fromMs, START, START));
  });

  it('passes promtool check metrics on the real exposition', async () => {
    if (!binaryAvailable(PROMTOOL_BIN)) return;
    const r = await promtoolCheckMetrics(text);
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
  });

  it('answers PromQL through a real Prometheus with the team spend and a per-user value', async () => {
    if (!binaryAvailable(PROMETHEUS_BIN)) return;
    prom = await startPrometheus(new URL(handle.url!).host, { bearerToken: METRICS_TOKEN });
    // Gzip, the bearer token and the exposition format are all accepted.
    const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
    const team = await prom.query('sum(cursor_user_cycle_spend_usd)');
    expect(Number(team[0].value[1])).toBeCloseTo(teamUsd, 6);
    const [top] = chosen;
    const user = await prom.query(`cursor_user_cycle_spend_usd{user="${top.member.email}"}`);
    expect(user).toHaveLength(1);
    expect(user[0].metric.group).toBe(top.group);
    expect(Number(user[0].value[1])).toBeCloseTo(top.spend.overallCents / 100, 6);
    const reqs = await prom.query(`sum(cursor_usage_requests_total{user="${top.member.email}"})`);
    expect(Number(reqs[0].value[1])).toBeCloseTo(
      [...top.usage.values()].reduce((n, t) => n + t.requests, 0),
      6,
    );
  });

  it('keeps /metrics 200 with every series while the simulator answers 500 to everything', async () => {
    const before = new Map(s.map((x) => [seriesKey(x), x.value]));
    sim.server.setFaults({ errorRate: 1 });
    clock = START + HOUR_MS;
    // Scrape continuously while the failing collection runs, as Prometheus would.
    let running = true;
    const statuses: number[] = [];
    const scraper = (async () => {
      while (running) statuses.push((await scrape()).status);
    })();
    const cycle = await handle.pipeline.runCycle();
    running = false;
    await scraper;
    expect(cycle.hooks.map((h) => [h.name, h.ok])).toContainEqual(['metrics', true]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 200)).toBe(true);

    const r = await scrape();
    expect(r.status).toBe(200);
    const after = parseExposition(r.text);
    expect(sampleValue(after, 'cursor_exporter_last_collect_success')).toBe(0);
    expect(sampleValue(after, 'cursor_exporter_last_collect_timestamp_seconds')).toBe(clock / 1000);
    expect(sampleValue(after, 'cursor_exporter_last_successful_collect_timestamp_seconds')).toBe(START / 1000);
    expect(sampleValue(after, 'cursor_exporter_collect_failed_runs_total')).toBe(1);
    expect(
      sampleValue(after, 'cursor_exporter_api_calls_total', { endpoint: '/teams/members', status: '500' }),
    ).toBeGreaterThanOrEqual(1);
    const collectors = after.filter((x) => x.name === 'cursor_exporter_collector_success');
    expect(collectors.length).toBeGreaterThan(0);
    expect(collectors.filter((x) => x.value === 0).map((x) => x.labels.collector)).toContain('members');
    // Every series of the healthy exposition is still there, and the data series keep their values.
    const now = new Map(after.map((x) => [seriesKey(x), x.value]));
    const missing = [...before.keys()].filter((k) => !now.has(k));
    expect(missing).toEqual([]);
    for (const x of s.filter((x) => /^cursor_(user_cycle|team_cycle|usage)_/.test(x.name)))
      expect(now.get(seriesKey(x))).toBe(x.value);

    if (prom) {
      await prom.waitFor('cursor_exporter_last_collect_success == 0');
      // No scrape failed at any point of the test (a failed one would have made up 0 and staled every series).
      const up = await prom.query('min_over_time(up{job="exporter"}[10m])');
      expect(up[0].value[1]).toBe('1');
      expect(Number((await prom.query('sum(cursor_user_cycle_spend_usd)'))[0].value[1])).toBeGreaterThan(0);
    }
  });
});
