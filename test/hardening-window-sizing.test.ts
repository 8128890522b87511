/**
 * The service's backfill sizes usage-event windows from the data, so it takes about as many calls
 * as 1,000-event pages require (day windows took one call per day however few events it held),
 * and still stores exactly the simulator's events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectorStack } from '../exporter/src/collect/create';
import { lookbackStartMs } from '../exporter/src/collect/range';
import { nextWindowMs } from '../exporter/src/collect/collectors/usage-events';
import { loadConfig } from '../exporter/src/config';
import { DAY_MS, HOUR_MS } from '../exporter/src/domain/time';
import { startSimulator } from '../exporter/src/simulator/server';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';

jest.setTimeout(120_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T09:20:00.000Z`);
const DAYS = 30;
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };

describe('usage-event window sizing', () => {
  it('a 30-day backfill takes close to one call per 1,000 events', async () => {
    const sim = await startSimulator({
      users: 40,
      seed: 3,
      historyDays: 40,
      endDay: END_DAY,
      scenario: 'none',
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      limits: SIM_FAST,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-windows-'));
    const db = openDb(path.join(dir, 'w.db'));
    try {
      const config = loadConfig({
        CURSOR_ADMIN_API_KEY: 'key_sim_admin',
        CURSOR_API_URL: sim.url,
        INITIAL_BACKFILL_DAYS: String(DAYS),
      });
      const progress: { pagesDone: number; pagesEstimated: number; window: number; windows: number }[] = [];
      const run = await createCollectorStack({
        store: new Store(db),
        config,
        now: () => NOW,
        client: { limits: FAST },
      }).run({ kind: 'backfill', days: DAYS, onProgress: (p) => void progress.push(p) });
      expect(run.status).toBe('ok');
      // The bar's estimate holds up although windows grow: from half way on, within 25% of the end.
      const pages = progress.at(-1)!.pagesDone;
      for (const p of progress.filter((x) => x.pagesDone >= pages / 2)) {
        expect(Math.abs(p.pagesEstimated - pages) / pages).toBeLessThanOrEqual(0.25);
        expect(p.window).toBeLessThanOrEqual(p.windows);
      }
      const events = sim.sim.expected.eventCount(lookbackStartMs(NOW, DAYS), NOW, NOW);
      expect(db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get()).toBe(events);
      const calls = Object.values(run.apiCalls['/teams/filtered-usage-events'] ?? {}).reduce((a, b) => a + b, 0);
      const lowerBound = Math.ceil(events / 1000);
      expect(lowerBound).toBeLessThan(DAYS); // the case that matters: fewer pages than days
      // Each window may end with a part-filled page; a window grows at most 4x per step from one day.
      expect(calls).toBeLessThanOrEqual(lowerBound + 4);
    } finally {
      db.close();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sizes the next window from the last one, growing at most 4x, within 1 h and 30 days', () => {
    expect(nextWindowMs(DAY_MS, 500, 25_000, DAY_MS)).toBe(4 * DAY_MS);
    expect(nextWindowMs(4 * DAY_MS, 2_000, 25_000, DAY_MS)).toBe(16 * DAY_MS);
    expect(nextWindowMs(16 * DAY_MS, 8_000, 25_000, DAY_MS)).toBe(30 * DAY_MS);
    expect(nextWindowMs(DAY_MS, 100_000, 25_000, DAY_MS)).toBe(6 * HOUR_MS);
    expect(nextWindowMs(DAY_MS, 10_000_000, 25_000, DAY_MS)).toBe(HOUR_MS);
    expect(nextWindowMs(DAY_MS, 0, 25_000, DAY_MS)).toBe(4 * DAY_MS);
    expect(nextWindowMs(DAY_MS, 500, 0, DAY_MS)).toBe(DAY_MS);
  });
});
