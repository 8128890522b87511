/**
 * The JSON API end to end over a simulated team: the simulator serves a team with injected anomalies,
 * the real collector stores it, detection runs, and every read route is checked against figures
 * computed independently from the simulator's own generation (its expectations and raw events),
 * never against our store. Money is compared to 1e-6 $ (well below a cent).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { auth, buildTestApp, call } from '../exporter/src/api/testing';
import { createCollectorStack } from '../exporter/src/collect/create';
import { loadConfig } from '../exporter/src/config';
import { runDetectionCycle } from '../exporter/src/detection-cycle';
import { DAY_MS, dayStartMs } from '../exporter/src/domain/time';
import type { RawUsageEvent } from '../exporter/src/simulator/shapes';
import { startSimulator } from '../exporter/src/simulator/server';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';

jest.setTimeout(60_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T12:00:00Z`);
const FROM = Date.parse('2026-02-20T00:00:00Z'); // inside the 30-day backfill
const range = `from=${FROM}&to=${NOW}`;
const SPIKE = 'kofi.wong@acme.dev';
const SCENARIOS = [
  { kind: 'spend-spike' as const, email: SPIKE, day: '2026-03-09', magnitude: 8 },
  { kind: 'cap-breach' as const, day: '2026-03-09' },
  { kind: 'model-switch' as const, day: '2026-03-03', days: 7 },
];
const FAST_SIM = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
const FAST_CLIENT = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const usd = (cents: number) => cents / 100;

let sim: Awaited<ReturnType<typeof startSimulator>>;
let db: Db;
let dir: string;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  sim = await startSimulator({
    users: 40,
    seed: 7,
    historyDays: 45,
    endDay: END_DAY,
    scenario: SCENARIOS,
    port: 0,
    host: '127.0.0.1',
    now: () => NOW,
    limits: FAST_SIM,
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-sim-'));
  db = openDb(path.join(dir, 'api.db'));
  const config = loadConfig({
    CURSOR_ADMIN_API_KEY: 'key_sim_admin',
    CURSOR_API_URL: sim.url,
    INITIAL_BACKFILL_DAYS: '30',
  });
  const run = await createCollectorStack({
    store: new Store(db),
    config,
    now: () => NOW,
    client: { limits: FAST_CLIENT },
  }).run();
  if (run.status !== 'ok') throw new Error(`collection ${run.status}: ${JSON.stringify(run.errors)}`);
  await runDetectionCycle(new Store(db), { nowMs: NOW });
  ({ app, base } = await buildTestApp(db, { nowMs: () => NOW }));
});
afterAll(async () => {
  await app?.close();
  db?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function get(url: string): Promise<any> {
  const r = await call(base, 'GET', `/api/v1${url}`, { headers: auth });
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The simulator's raw events of one person that had arrived by NOW, timestamps in [fromMs, NOW]. */
function rawEvents(email: string, fromMs = FROM): RawUsageEvent[] {
  return sim.sim.queryEvents({ fromMs, toMs: NOW, nowMs: NOW, email, offset: 0, limit: 1_000_000 }).events;
}

const current = () => sim.sim.members.filter((m) => !m.isRemoved);
const windowSpendUsd = (email: string) => usd(sim.sim.expected.userSpendCents(email, FROM, NOW, NOW));
/** Current members, and removed ones where they spent in the window (their money was spent). */
const inWindow = () => sim.sim.members.filter((m) => !m.isRemoved || windowSpendUsd(m.email) > 0);
/** Members in the window by window spend, largest first, ties by email (the API's order). */
const bySpend = () =>
  inWindow()
    .map((m) => ({ email: m.email, spend: windowSpendUsd(m.email) }))
    .sort((a, b) => b.spend - a.spend || (a.email < b.email ? -1 : 1));

describe('tables over a simulated team', () => {
  test('members: one row per current member and per removed one who spent in the window; window spend, requests and cycle spend exact', async () => {
    const body = await get(`/tables/members?${range}&limit=500`);
    const team = inWindow();
    expect(team.some((m) => m.isRemoved)).toBe(true); // the scenario has a leaver who spent in the window
    expect(body.meta.total).toBe(team.length);
    expect(body.rows.map((r: { email: string }) => r.email).sort()).toEqual(team.map((m) => m.email).sort());
    const groupName = (i: number | null) => (i === null ? 'Unassigned' : sim.sim.groups[i].name);
    let spenders = 0;
    for (const m of team) {
      const row = body.rows.find((r: { email: string }) => r.email === m.email);
      expect({ email: row.email, name: row.name, role: row.role, group: row.group }).toEqual({
        email: m.email,
        name: m.name,
        role: m.role,
        group: m.isRemoved ? null : groupName(m.groupIndex),
      }); // a leaver is in no group any more
      expect(row.spend_usd).toBeCloseTo(windowSpendUsd(m.email), 6);
      expect(row.requests).toBeCloseTo(
        rawEvents(m.email).reduce((s, e) => s + e.requestsCosts, 0),
        6,
      );
      const cycle = sim.sim.expected.cycleSpend(m.email, NOW);
      if (row.cycle_spend_usd !== null) {
        expect(row.cycle_spend_usd).toBeCloseTo(usd(cycle.overallCents), 6);
        expect(row.on_demand_usd).toBeCloseTo(usd(cycle.onDemandCents), 6);
      } else if (!m.isRemoved) {
        expect(cycle.overallCents).toBe(0); // no snapshot only for people without spend this cycle (the spend API lists no removed members)
      }
      if (row.spend_usd > 0) spenders++;
    }
    expect(spenders).toBeGreaterThan(20);
    // The default sort is window spend, descending.
    expect(body.rows.map((r: { email: string }) => r.email)).toEqual(bySpend().map((x) => x.email));
  });

  test('top spenders: order, spend and share of the team', async () => {
    const body = await get(`/tables/top-spenders?${range}&limit=5`);
    const expected = bySpend().filter((x) => x.spend > 0);
    const total = expected.reduce((s, x) => s + x.spend, 0);
    expect(body.rows.map((r: { rank: number; email: string }) => [r.rank, r.email])).toEqual(
      expected.slice(0, 5).map((x, i) => [i + 1, x.email]),
    );
    body.rows.forEach((r: { spend_usd: number; share: number }, i: number) => {
      expect(r.spend_usd).toBeCloseTo(expected[i].spend, 6);
      expect(r.share).toBeCloseTo(expected[i].spend / total, 9);
    });
  });

  test('cycle summary: the billed cycle total of the current members (the spend API lists no removed ones)', async () => {
    const body = await get('/tables/cycle-summary');
    const cycle = sim.sim.cycleAt(NOW);
    const row = body.rows[0];
    expect([row.cycle_start, row.cycle_end]).toEqual([cycle.startMs, cycle.endMs]);
    expect(row.cycle_day).toBe(Math.floor((NOW - cycle.startMs) / DAY_MS) + 1);
    const total = current().reduce((s, m) => s + sim.sim.expected.cycleSpend(m.email, NOW).overallCents, 0);
    expect(row.spend_usd).toBeCloseTo(usd(total), 6);
    expect(row.members).toBe(current().length);
    // Removed members' activity is no seat: active members are current ones.
    expect(row.active_members).toBeLessThanOrEqual(row.members);
    expect(row.unused_seats).toBe(row.members - row.active_members);
  });

  test("a user's model breakdown matches their raw events", async () => {
    const body = await get(`/users/${SPIKE}/models?${range}`);
    const perModel = new Map<
      string,
      { events: number; requests: number; cents: number; usageBased: number; maxMode: number }
    >();
    for (const e of rawEvents(SPIKE)) {
      const m = perModel.get(e.model) ?? { events: 0, requests: 0, cents: 0, usageBased: 0, maxMode: 0 };
      m.events += 1;
      m.requests += e.requestsCosts;
      m.cents += e.chargedCents;
      m.usageBased += e.kind === 'Usage-based' ? 1 : 0;
      m.maxMode += e.maxMode ? 1 : 0;
      perModel.set(e.model, m);
    }
    expect(body.rows.map((r: { model: string }) => r.model).sort()).toEqual([...perModel.keys()].sort());
    for (const r of body.rows) {
      const m = perModel.get(r.model)!;
      expect({
        model: r.model,
        events: r.events,
        usage_based: r.usage_based_events,
        max_mode: r.max_mode_events,
      }).toEqual({ model: r.model, events: m.events, usage_based: m.usageBased, max_mode: m.maxMode });
      expect(r.requests).toBeCloseTo(m.requests, 6);
      expect(r.spend_usd).toBeCloseTo(usd(m.cents), 6);
    }
    // Biggest spend first.
    const spends = body.rows.map((r: { spend_usd: number }) => r.spend_usd);
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
  });

  test('user summary carries the same window spend and spend rank', async () => {
    const body = await get(`/users/${SPIKE}?${range}`);
    const rank = bySpend().findIndex((x) => x.email === SPIKE) + 1;
    expect(body.rows[0].spend_usd).toBeCloseTo(windowSpendUsd(SPIKE), 6);
    expect(body.rows[0].spend_rank).toBe(rank);
  });
});

describe('series over a simulated team', () => {
  test('team spend per day equals the sum of every member that day', async () => {
    const body = await get(`/series?metric=spend&${range}`);
    const days = (dayStartMs(END_DAY) - FROM) / DAY_MS + 1;
    expect(body.rows).toHaveLength(days);
    body.rows.forEach((r: { time: number; team: number }, i: number) => {
      const dayFrom = FROM + i * DAY_MS;
      expect(r.time).toBe(dayFrom);
      const cents = sim.sim.members.reduce(
        (s, m) => s + sim.sim.expected.userSpendCents(m.email, dayFrom, Math.min(dayFrom + DAY_MS - 1, NOW), NOW),
        0,
      );
      expect(r.team).toBeCloseTo(usd(cents), 6);
    });
  });

  test('by user: the top series are the top spenders, and everything sums to the team', async () => {
    const body = await get(`/series?metric=spend&by=user&limit=3&${range}`);
    const names = body.columns.slice(1).map((c: { name: string }) => c.name);
    expect(names).toEqual([
      ...bySpend()
        .slice(0, 3)
        .map((x) => x.email),
      'other',
    ]);
    const sum = (col: string) => body.rows.reduce((s: number, r: Record<string, number>) => s + r[col], 0);
    for (const email of names.slice(0, 3)) expect(sum(email)).toBeCloseTo(windowSpendUsd(email), 6);
    const all = names.reduce((s: number, n: string) => s + sum(n), 0);
    expect(all).toBeCloseTo(
      sim.sim.members.reduce((s, m) => s + windowSpendUsd(m.email), 0),
      6,
    );
  });

  test('requests of one user per day equal their raw events', async () => {
    const body = await get(`/series?metric=requests&user=${SPIKE}&${range}`);
    const events = rawEvents(SPIKE);
    body.rows.forEach((r: { time: number; team: number }) => {
      const reqs = events
        .filter((e) => Number(e.timestamp) >= r.time && Number(e.timestamp) < r.time + DAY_MS)
        .reduce((s, e) => s + e.requestsCosts, 0);
      expect(r.team).toBeCloseTo(reqs, 6);
    });
  });
});

describe('variables over a simulated team', () => {
  test('users, groups and models', async () => {
    const users = await get('/variables/users?limit=500');
    expect(users.rows.map((r: { value: string }) => r.value).sort()).toEqual(
      current()
        .map((m) => m.email)
        .sort(),
    );
    const groups = await get('/variables/groups');
    expect(groups.rows.map((r: { text: string }) => r.text).sort()).toEqual(
      [...sim.sim.groups.map((g) => g.name), 'Unassigned'].sort(),
    );
    const models = await get('/variables/models');
    const seen = new Set(
      sim.sim.members.flatMap((m) => rawEvents(m.email, dayStartMs('2026-02-09')).map((e) => e.model)),
    );
    expect(models.rows.map((r: { value: string }) => r.value)).toEqual([...seen].sort());
    const search = await get(`/variables/users?q=${encodeURIComponent('KOFI.W')}`);
    expect(search.rows.map((r: { value: string }) => r.value)).toEqual([SPIKE]);
  });
});

describe('incidents over a simulated team', () => {
  test('the injected spike and cap breach are open incidents of the right people', async () => {
    const truth = sim.sim.groundTruth;
    const capUser = truth.find((t) => t.kind === 'cap-breach')!.email;
    const body = await get('/incidents?status=open');
    const pairs = body.rows.map((r: { detector: string; email: string }) => `${r.detector} ${r.email}`);
    expect(pairs).toEqual(expect.arrayContaining([`spend_spike ${SPIKE}`, `cap_spend_cycle ${capUser}`]));
    const mine = await get(`/users/${SPIKE}/anomalies`);
    expect(mine.rows.map((r: { detector: string }) => r.detector)).toContain('spend_spike');
    const spike = body.rows.find(
      (r: { detector: string; email: string }) => r.detector === 'spend_spike' && r.email === SPIKE,
    );
    // The incident's value is the spike day's spend, which the simulator knows independently.
    expect(spike.value).toBeCloseTo(usd(sim.sim.expected.userDayCents(SPIKE, '2026-03-09')), 2);
  });
});
