/** The daily-usage step's writes: in parts with turns between; rows Cursor sends again unchanged cost no write. */
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
  it('writes a chunk in parts with turns of the event loop between, the watermark with the last', async () => {
    const store = Store.open(':memory:');
    const c = chunk();
    const advances: number[] = [];
    const advance = store.watermarks.advance.bind(store.watermarks);
    store.watermarks.advance = (stream, ms, now) => {
      advances.push(store.db.prepare('SELECT count(*) FROM daily_usage').pluck().get() as number);
      advance(stream, ms, now);
    };
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      expect(await dailyUsageStep.run(context(store, [c, { fromMs: NOW, toMs: NOW, rows: [] }]))).toEqual({
        daily_usage: 4500,
      });
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0); // a timer ran while the chunk was being written
    expect(advances).toEqual([4500, 4500]); // once every row of the chunk was in; the empty chunk too
    expect(store.watermarks.get('daily_usage')).toBe(NOW);
    store.close();
  });

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
