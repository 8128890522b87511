/**
 * API calls of one steady-state hourly collection against the simulator, and the lower bound: one
 * call per collector in the registry (members, groups, daily usage, 9 analytics, …), except the
 * spend pages and the usage-event pages needed for the events that arrived since the previous run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../exporter/src/config';
import { createCollectorStack } from '../exporter/src/collect/create';
import { COLLECTORS } from '../exporter/src/collect/registry';
import { HOUR_MS } from '../exporter/src/domain/time';
import { startSimulator } from '../exporter/src/simulator';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';
import { RunsRepo } from '../exporter/src/store/runs';

const FAST = 100_000; // per-minute limits for the setup backfill only

/** The calls any client needs, per collector of the registry: `calls[name]` where given, else one. */
export function lowerBoundByCollector(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(COLLECTORS.map((c) => [c.name, calls[c.name] ?? 1]));
}

export const sum = (xs: Record<string, number>): number => Object.values(xs).reduce((a, b) => a + b, 0);

export async function hourlyCollectionCalls(
  users: number,
): Promise<{ calls: number; lowerBound: number; explain: string }> {
  let nowMs = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00.000Z`);
  const sim = await startSimulator({
    users,
    seed: 5,
    historyDays: 7,
    scenario: 'none',
    now: () => nowMs,
    limits: { admin: FAST, usageEvents: FAST, analytics: FAST },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-calls-'));
  const db = openDb(path.join(dir, 'calls.db'));
  try {
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: sim.url,
      INITIAL_BACKFILL_DAYS: '7',
    });
    const collector = createCollectorStack({
      store: new Store(db),
      config,
      now: () => nowMs,
      client: { limits: { default: FAST, usageEvents: FAST, analyticsTeam: FAST } },
    });
    await collector.run();
    const before = sim.sim.expected.eventCount(0, nowMs, nowMs);
    nowMs += HOUR_MS;
    const after = sim.sim.expected.eventCount(0, nowMs, nowMs);
    const result = await collector.run();
    const run = new RunsRepo(db).list(1)[0];
    if (run.id !== result.id) throw new Error('unexpected run order');
    const calls = Object.values(run.apiCalls).reduce(
      (n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0),
      0,
    );
    const newEvents = after - before;
    const eventPages = Math.max(1, Math.ceil(newEvents / 1000));
    const spendPages = Math.ceil(users / 100);
    const bound = lowerBoundByCollector({ spend: spendPages, 'usage-events': eventPages });
    const lowerBound = sum(bound);
    const explain = `${JSON.stringify(bound)} (${newEvents} new events); ours by endpoint: ${JSON.stringify(run.apiCalls)}`;
    return { calls, lowerBound, explain };
  } finally {
    db.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
