/** The daily-usage step's writes: rows Cursor sends again unchanged cost no write. */
import type { CursorApi, DailyUsageChunk } from '../../cursor/api';
import type { DailyUsageRow } from '../../domain/records';
import { active } from '../../domain/testing';
import { DAY_MS, utcDay } from '../../domain/time';
import { Store } from '../../store';
import { activityOf } from '../../store/activity-day-packs';
import { DEFAULT_COLLECT_OPTIONS, type StepContext } from '../context';
import { dailyUsageStep } from './daily-usage';

const NOW = Date.UTC(2026, 2, 31, 12);

/** 1,500 people × 3 days: one chunk of 4,500 rows. */
function chunk(): DailyUsageChunk {
  const rows: DailyUsageRow[] = [];
  for (let d = 3; d >= 1; d--)
    for (let p = 0; p < 1500; p++) rows.push(active(`p${p}@x.io`, utcDay(NOW - d * DAY_MS), p));
  return { fromMs: NOW - 3 * DAY_MS, toMs: NOW, rows };
}

function context(store: Store, chunks: DailyUsageChunk[]): StepContext {
  const api = {
    async *dailyUsage() {
      yield* chunks;
    },
  } as unknown as CursorApi;
  return { store, api, nowMs: NOW, options: DEFAULT_COLLECT_OPTIONS, heartbeat: () => {}, stopping: () => false };
}

describe('daily-usage step', () => {
  it('leaves a row Cursor sends again unchanged alone: no write, its day’s activity pack kept', async () => {
    const store = Store.open(':memory:');
    const c = chunk();
    await dailyUsageStep.run(context(store, [c]));
    const pack = store.activityDayPacks.packer();
    for (const day of store.activityDayPacks.unpacked('0000-01-01', '9999-12-31')) pack(day);
    const changes = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const n0 = changes();
    store.transaction(() => store.dailyUsage.upsert(c.rows));
    expect(changes()).toBe(n0);
    expect(store.activityDayPacks.unpacked('0000-01-01', '9999-12-31')).toEqual([]);
    // A revised row is written, its day's pack dropped, and the day's figures follow it.
    store.transaction(() => store.dailyUsage.upsert([{ ...c.rows[0], agentRequests: 1_000_000 }]));
    expect(changes()).toBeGreaterThan(n0);
    expect(store.activityDayPacks.unpacked('0000-01-01', '9999-12-31')).toEqual([c.rows[0].day]);
    expect(activityOf(store.db, c.rows[0].day, c.rows[0].day).find((a) => a.email === c.rows[0].email)).toMatchObject({
      requests: 1_000_000,
    });
    store.close();
  });
});
