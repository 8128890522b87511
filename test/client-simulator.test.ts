/**
 * The real Cursor client against the real simulator's enforcement and faults: a 429 with Retry-After
 * is waited out exactly, 5xx are retried within the budget, and a malformed response fails its
 * collection step without writing anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectorStack } from '../exporter/src/collect/create';
import { loadConfig } from '../exporter/src/config';
import type { ApiCallInfo } from '../exporter/src/cursor/api';
import { createCursorClient } from '../exporter/src/cursor/client';
import { CursorError } from '../exporter/src/cursor/errors';
import { startSimulator } from '../exporter/src/simulator/server';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';
import { WatermarksRepo } from '../exporter/src/store/watermarks';

const END_DAY = '2026-03-10';
const START = Date.parse(`${END_DAY}T10:00:30.000Z`); // 30 s into a minute window
const CLIENT_FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };

describe('client against the simulator', () => {
  let clock = START;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  const calls: ApiCallInfo[] = [];
  const slept: number[] = [];

  // The client's sleep moves the simulator's clock: a Retry-After wait really ends the window.
  const client = (maxRetries = 4) =>
    createCursorClient({
      adminKey: 'key_sim_admin',
      baseUrl: sim.url,
      userAgent: 'test',
      limits: CLIENT_FAST,
      maxRetries,
      onCall: (c) => calls.push(c),
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
      random: () => 0.5,
    });

  beforeAll(async () => {
    sim = await startSimulator({
      users: 12,
      seed: 4,
      historyDays: 5,
      endDay: END_DAY,
      scenario: 'none',
      port: 0,
      host: '127.0.0.1',
      now: () => clock,
      limits: { admin: 2, usageEvents: 100_000, analytics: 100_000 },
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    calls.length = 0;
    slept.length = 0;
    sim.server.setFaults({ errorRate: 0, malformedRate: 0 });
    sim.server.resetRateLimits();
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    const api = client();
    await api.members();
    await api.members(); // the simulator allows 2 admin calls per minute
    const members = await api.members();
    expect(members.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 429, 200]);
    // Retry-After is the 30 s left in the simulator's minute window, honoured to the millisecond.
    expect(slept).toEqual([30_000]);
  });

  it('retries 5xx and gives up after the retry budget with a clear error', async () => {
    sim.server.setFaults({ errorRate: 1 });
    const err = await client(3)
      .groups()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CursorError);
    expect((err as CursorError).status).toBe(500);
    // 1 try + 3 retries of the 5xx budget; the simulator counts 5xx against its 2/min limit too, so a
    // 429 in between is waited out on its own budget and does not use up a 5xx retry.
    expect(calls.map((c) => c.status)).toEqual([500, 500, 429, 500, 500]);
    expect((err as CursorError).attempts).toBe(5);
    expect(slept.length).toBe(4);
    expect(String((err as Error).message)).not.toContain('key_sim_admin');
  });

  it('recovers when a 5xx is followed by a success', async () => {
    sim.server.setFaults({ errorRate: 0.5 });
    sim.server.resetRateLimits();
    const api = client(10);
    const groups = await api.groups();
    expect(groups.groups.length).toBeGreaterThan(0);
    expect(calls.at(-1)?.status).toBe(200);
  });

  it('reports a malformed response as a failed step and writes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-sim-'));
    const db = openDb(path.join(dir, 'm.db'));
    try {
      sim.server.setFaults({ malformedRate: 1 });
      const config = loadConfig({
        CURSOR_ADMIN_API_KEY: 'key_sim_admin',
        CURSOR_API_URL: sim.url,
        INITIAL_BACKFILL_DAYS: '2',
      });
      const collector = createCollectorStack({
        store: new Store(db),
        config,
        now: () => clock,
        client: { limits: CLIENT_FAST, maxRetries: 0, sleep: async () => undefined },
      });
      sim.server.resetRateLimits();
      const run = await collector.run();
      expect(run.status).toBe('failed');
      expect(run.errors.length).toBeGreaterThan(0);
      expect(run.errors.map((e) => e.message).join('\n')).toMatch(/invalid|malformed|JSON/i);
      for (const table of [
        'members',
        'usage_events',
        'usage_daily',
        'daily_usage',
        'spend_snapshots',
        'analytics_rows',
      ]) {
        expect({ table, rows: db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() }).toEqual({ table, rows: 0 });
      }
      expect(new WatermarksRepo(db).list()).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
