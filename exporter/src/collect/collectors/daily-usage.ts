import { setImmediate as nextTurn } from 'node:timers/promises';
import { DAILY_USAGE_STREAM } from '../../store/watermarks';
import { StopRequested, type CollectStep } from '../context';
import { lookbackStartMs, streamStartMs } from '../range';

/**
 * Rows written per transaction. A new row costs ~50 µs with the running totals its triggers keep
 * (schema/015): a 30-day chunk of a 10,000-person team written at once would hold the event loop
 * for seconds, and with it every scrape and query.
 */
const ROWS_PER_WRITE = 2000;

/**
 * Daily usage from the watermark's day minus a few days (Cursor revises recent days) to now. Each
 * chunk the client yields (≤ 30 days, all pages) is written ROWS_PER_WRITE rows at a time with a
 * turn of the event loop between, the watermark with the last of them: a crash in between leaves
 * rows the next run fetches and upserts again to the same values.
 */
export const dailyUsageStep: CollectStep = {
  name: 'daily-usage',
  async run(ctx) {
    const { store, api, nowMs, options } = ctx;
    const wm = store.watermarks.get(DAILY_USAGE_STREAM);
    // Cursor revises recent days, so an incremental run starts a few days before the watermark's day.
    const fromMs = streamStartMs(
      nowMs,
      wm === undefined ? undefined : lookbackStartMs(Math.min(wm, nowMs), options.dailyUsageLookbackDays + 1),
      0,
      options.initialBackfillDays,
      ctx.backfillDays,
    );
    let rows = 0;
    for await (const chunk of api.dailyUsage(fromMs, nowMs)) {
      for (let i = 0; ; i += ROWS_PER_WRITE) {
        const last = i + ROWS_PER_WRITE >= chunk.rows.length;
        rows += store.transaction(() => {
          const n = store.dailyUsage.upsert(chunk.rows.slice(i, i + ROWS_PER_WRITE));
          if (last) store.watermarks.advance(DAILY_USAGE_STREAM, Math.min(chunk.toMs, nowMs), nowMs);
          return n;
        });
        if (last) break;
        await nextTurn();
      }
      ctx.heartbeat();
      if (ctx.stopping()) throw new StopRequested();
    }
    return { daily_usage: rows };
  },
};
