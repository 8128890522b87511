/**
 * bench/collection-calls: Cursor API calls of a first 30-day backfill and of a steady-state hourly
 * collection, through the service's collector stack against the simulator, each next to its lower
 * bound — the calls any client needs for the same data: one per collector in the registry, except
 * one per spend page of 100 members, one per daily-usage page of 500 members per 30-day chunk, one
 * per 1,000 usage events, one per analytics endpoint and 30-day range. Calls are counted, not timed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectorStack } from '../exporter/src/collect/create';
import { DEFAULT_COLLECT_OPTIONS } from '../exporter/src/collect/context';
import { COLLECTORS } from '../exporter/src/collect/registry';
import { lookbackStartMs } from '../exporter/src/collect/range';
import { loadConfig } from '../exporter/src/config';
import { startSimulator } from '../exporter/src/simulator';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';
import { hourlyCollectionCalls, lowerBoundByCollector, sum } from './_collection-calls';

const USERS = Number(process.env.BENCH_CALLS_USERS ?? 500);
const DAYS = 30;
const FAST = 100_000;

const total = (calls: Record<string, Record<string, number>>) =>
  Object.values(calls).reduce((n, s) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);

export async function run(): Promise<Record<string, unknown>> {
  const nowMs = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00.000Z`);
  const sim = await startSimulator({
    users: USERS,
    seed: 5,
    historyDays: DAYS + 5,
    scenario: 'none',
    now: () => nowMs,
    limits: { admin: FAST, usageEvents: FAST, analytics: FAST },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-collection-calls-'));
  const db = openDb(path.join(dir, 'calls.db'));
  try {
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: sim.url,
      INITIAL_BACKFILL_DAYS: String(DAYS),
    });
    const collector = createCollectorStack({
      store: new Store(db),
      config,
      now: () => nowMs,
      client: { limits: { default: FAST, usageEvents: FAST, analyticsTeam: FAST } },
    });
    const result = await collector.run({ kind: 'backfill', days: DAYS });
    if (result.status !== 'ok') throw new Error(`backfill ${result.status}: ${JSON.stringify(result.errors)}`);
    const events = sim.sim.expected.eventCount(lookbackStartMs(nowMs, DAYS), nowMs, nowMs);
    const chunks = Math.ceil(DAYS / 30);
    const analyticsRanges = Math.ceil(DEFAULT_COLLECT_OPTIONS.analyticsBackfillDays / 30);
    const bound = lowerBoundByCollector({
      spend: Math.ceil(USERS / 100),
      'daily-usage': chunks * Math.ceil(USERS / 500), // pages of members, each with its days
      'usage-events': Math.ceil(events / 1000),
      ...Object.fromEntries(
        COLLECTORS.filter((c) => c.name.startsWith('analytics:')).map((c) => [c.name, analyticsRanges]),
      ),
    });
    const lowerBound = sum(bound);
    const calls = total(result.apiCalls);
    const eventCalls = total({ e: result.apiCalls['/teams/filtered-usage-events'] ?? {} });
    const hourly = await hourlyCollectionCalls(USERS);
    const figures = {
      users: USERS,
      backfill_days: DAYS,
      backfill_events: events,
      backfill_api_calls: calls,
      backfill_lower_bound: lowerBound,
      backfill_ratio: Number((calls / lowerBound).toFixed(3)),
      backfill_event_calls: eventCalls,
      backfill_event_lower_bound: bound['usage-events'],
      backfill_calls_by_endpoint: result.apiCalls,
      hourly_api_calls: hourly.calls,
      hourly_lower_bound: hourly.lowerBound,
      hourly_ratio: Number((hourly.calls / hourly.lowerBound).toFixed(3)),
    };
    console.log(
      `backfill of ${DAYS} days, ${USERS} users, ${events.toLocaleString()} events: ${calls} API calls, lower bound ${lowerBound} ` +
        `(${JSON.stringify(bound)}) = ${figures.backfill_ratio}×; usage-event pages ${eventCalls} for a bound of ${bound['usage-events']}`,
    );
    console.log(
      `hourly collection: ${hourly.calls} API calls, lower bound ${hourly.lowerBound} = ${figures.hourly_ratio}× (${hourly.explain})`,
    );
    return figures;
  } finally {
    db.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
