/**
 * The exporter against a Cursor that fails about 30% of requests (5xx, hung requests, bodies cut
 * mid-JSON, pages cut short that still claim the full count, a 429 storm): a whole backfill and the
 * hourly collections after it end with exactly the usage and spend of a fault-free run, /metrics
 * answers 200 throughout, and the health series show the trouble.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectorStack } from '../exporter/src/collect/create';
import { loadConfig } from '../exporter/src/config';
import { HOUR_MS } from '../exporter/src/domain/time';
import { serve, type ServeHandle } from '../exporter/src/server';
import { startSimulator, type RunningSimulator } from '../exporter/src/simulator/server';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { parseExposition } from './helpers/prometheus';

jest.setTimeout(240_000);

const END_DAY = '2026-03-10';
const T0 = Date.parse(`${END_DAY}T09:20:00.000Z`);
const DAYS = 12;
const HOURLY_RUNS = 3;
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
// 30% of requests fail one way or another (the storm comes on top).
const FAULTS = { errorRate: 0.1, timeoutRate: 0.05, malformedRate: 0.08, truncateRate: 0.07 };
// Hung requests give up after 300 ms; backoff is scaled down so the test takes seconds, not minutes.
const CLIENT = { limits: FAST, timeoutMs: 300, backoff: { baseMs: 5, capMs: 40 } };

/** What the runs must agree on: usage to the micro-cent and the spend snapshot of every member. */
function totals(db: Db) {
  return {
    events: db.prepare('SELECT COUNT(*) AS n, SUM(charged_micro) AS micro FROM usage_events').get(),
    usageDaily: db
      .prepare(
        'SELECT day, email, model, events, charged_micro, input_tokens, output_tokens FROM usage_daily ORDER BY day, email, model',
      )
      .raw()
      .all(),
    spend: db
      .prepare(
        'SELECT cycle_start_ms, email, total_micro, on_demand_micro, included_micro FROM spend_snapshots ORDER BY 1, 2',
      )
      .raw()
      .all(),
    members: db.prepare('SELECT email, name, role, is_removed FROM members ORDER BY email').raw().all(),
    dailyUsage: db.prepare('SELECT * FROM daily_usage ORDER BY day, email').raw().all(),
    analytics: db.prepare('SELECT * FROM analytics_rows ORDER BY endpoint, day, key').raw().all(),
  };
}

describe('a 30% faulty Cursor', () => {
  let clock = T0;
  let clean: RunningSimulator;
  let faulty: RunningSimulator;
  let dir: string;
  let reference: Db;
  let handle: ServeHandle | undefined;

  beforeAll(async () => {
    const sim = {
      users: 30,
      seed: 21,
      historyDays: 20,
      endDay: END_DAY,
      scenario: 'default' as const,
      port: 0,
      host: '127.0.0.1',
      now: () => clock,
      limits: SIM_FAST,
    };
    clean = await startSimulator(sim);
    faulty = await startSimulator({ ...sim, faults: FAULTS });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-faults-'));
    reference = openDb(path.join(dir, 'reference.db'));
  });
  afterAll(async () => {
    await handle?.close();
    reference.close();
    await clean.close();
    await faulty.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends every run with the fault-free totals, and /metrics stays up and shows the trouble', async () => {
    // The reference: the same backfill and hourly runs against the same team, without faults.
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: clean.url,
      INITIAL_BACKFILL_DAYS: String(DAYS),
    });
    const ref = createCollectorStack({ store: new Store(reference), config, now: () => clock, client: CLIENT });
    const expected: ReturnType<typeof totals>[] = [];
    expect((await ref.run()).status).toBe('ok');
    expected.push(totals(reference));
    for (let h = 1; h <= HOURLY_RUNS; h++) {
      clock = T0 + h * HOUR_MS;
      expect((await ref.run()).status).toBe('ok');
      expected.push(totals(reference));
    }

    clock = T0;
    handle = await serve({
      env: {
        CURSOR_ADMIN_API_KEY: 'key_sim_admin',
        CURSOR_API_URL: faulty.url,
        DATABASE_PATH: path.join(dir, 'faulty.db'),
        PORT: '0',
        HOST: '127.0.0.1',
        API_AUTH: 'off',
        INITIAL_BACKFILL_DAYS: String(DAYS),
        COLLECT_INTERVAL: '1d',
        LOG_LEVEL: 'silent',
      },
      client: CLIENT,
      now: () => clock,
    });
    const h = handle;
    // A scraper running the whole time.
    const scrapes: number[] = [];
    let scraping = true;
    const scraper = (async () => {
      while (scraping) {
        scrapes.push(
          await fetch(`${h.url}/metrics`).then(
            (r) => r.status,
            () => -1,
          ),
        );
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    try {
      await h.firstCycle;
      const statuses: string[] = [];
      const runs = [];
      const last = () =>
        h.store.db.prepare('SELECT status FROM collection_runs ORDER BY id DESC LIMIT 1').pluck().get() as string;
      statuses.push(last());
      expect(totals(h.store.db)).toEqual(expected[0]);
      for (let i = 1; i <= HOURLY_RUNS; i++) {
        clock = T0 + i * HOUR_MS;
        // A 429 storm over the second hourly run's first second: Retry-After is waited out.
        if (i === 2) faulty.server.setFaults({ storm429Ms: 1000 });
        runs.push(await h.pipeline.runCycle());
        statuses.push(runs.at(-1)!.run.status);
        expect(totals(h.store.db)).toEqual(expected[i]);
      }
      expect(statuses).toEqual(Array(HOURLY_RUNS + 1).fill('ok'));
    } finally {
      scraping = false;
      await scraper;
    }
    expect(scrapes.length).toBeGreaterThan(10);
    expect(scrapes.filter((s) => s !== 200)).toEqual([]);

    // The exporter's own health series record what it went through.
    const samples = parseExposition(await (await fetch(`${h.url}/metrics`)).text());
    const calls = (status: string) =>
      samples
        .filter((x) => x.name === 'cursor_exporter_api_calls_total' && x.labels.status === status)
        .reduce((n, x) => n + x.value, 0);
    expect(calls('500')).toBeGreaterThan(0);
    expect(calls('0')).toBeGreaterThan(0); // hung requests that timed out
    expect(calls('429')).toBeGreaterThan(0);
    expect(calls('200')).toBeGreaterThan(calls('500'));
    const waits = samples.find((x) => x.name === 'cursor_exporter_rate_limit_waits_total');
    expect(waits?.value ?? 0).toBeGreaterThanOrEqual(0);
    expect(samples.find((x) => x.name === 'cursor_exporter_last_collect_success')?.value).toBe(1);
  });
});
