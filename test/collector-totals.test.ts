/**
 * The real client against the real simulator: two overlapping incremental runs must end with
 * exactly the simulator's ground truth — spend per user to the cent and the event count.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { CallTally } from '../exporter/src/collect/call-tally';
import { lookbackStartMs } from '../exporter/src/collect/range';
import { createCollector } from '../exporter/src/collect/runner';
import { createCursorClient } from '../exporter/src/cursor/client';
import { HOUR_MS } from '../exporter/src/domain/time';
import { startSimulator } from '../exporter/src/simulator/server';
import { EtagsRepo } from '../exporter/src/store/etags';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { RunsRepo } from '../exporter/src/store/runs';

const END_DAY = '2026-03-10';
const T1 = Date.parse(`${END_DAY}T09:20:00.000Z`);
const T2 = T1 + 3 * HOUR_MS; // the second run overlaps the first by the 2 h window
const DAYS = 10;
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };

describe('collector against the simulator', () => {
  let clock = T1;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let db: Db;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({
      users: 25,
      seed: 11,
      historyDays: 20,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      now: () => clock,
      limits: SIM_FAST,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-totals-'));
    db = openDb(path.join(dir, 'c.db'));
  });
  afterAll(async () => {
    db.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function collector() {
    const calls = new CallTally();
    const api = createCursorClient({
      adminKey: 'key_sim_admin',
      baseUrl: sim.url,
      userAgent: 'test',
      limits: FAST,
      onCall: calls.record,
      etagCache: new EtagsRepo(db),
    });
    return createCollector({
      store: new Store(db),
      api,
      calls,
      now: () => clock,
      options: { initialBackfillDays: DAYS },
    });
  }

  it('two overlapping runs give exactly the simulator totals', async () => {
    const first = await collector().run();
    expect(first.errors).toEqual([]);
    expect(first.status).toBe('ok');
    clock = T2;
    const second = await collector().run();
    expect(second.status).toBe('ok');
    // Late events of the first run's last hour arrive by T2 and are picked up by the overlap.
    expect(second.rowsWritten.usage_events).toBeGreaterThan(0);

    const fromMs = lookbackStartMs(T1, DAYS);
    const count = db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get() as number;
    expect(count).toBe(sim.sim.expected.eventCount(fromMs, T2, T2));
    expect(db.prepare('SELECT SUM(events) FROM usage_daily').pluck().get()).toBe(count);

    const ours = new Map(
      (
        db.prepare('SELECT email, SUM(charged_micro) AS micro FROM usage_daily GROUP BY email').all() as {
          email: string;
          micro: number;
        }[]
      ).map((r) => [r.email, r.micro / 1e6]),
    );
    let checked = 0;
    for (const m of sim.sim.members) {
      const expected = sim.sim.expected.userSpendCents(m.email, fromMs, T2, T2);
      expect({ email: m.email, cents: Math.round((ours.get(m.email) ?? 0) * 100) / 100 }).toEqual({
        email: m.email,
        cents: Math.round(expected * 100) / 100,
      });
      if (expected > 0) checked++;
    }
    expect(checked).toBeGreaterThan(10);

    // Every run is recorded with its calls and rows.
    const runs = new RunsRepo(db).list();
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(runs[1].apiCalls['/teams/filtered-usage-events']?.['200']).toBeGreaterThanOrEqual(DAYS);
    expect(runs[1].rowsWritten.usage_events).toBe(first.rowsWritten.usage_events);
  });

  it('a third run with nothing new writes no events', async () => {
    const third = await collector().run();
    expect(third.rowsWritten.usage_events).toBe(0);
  });
});
