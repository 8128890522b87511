import { setImmediate } from 'node:timers/promises';
import { DAILY_USAGE_STREAM } from '../../store/watermarks';
import { StopRequested, type CollectStep } from '../context';
import { lookbackStartMs, streamStartMs } from '../range';

/** ~0.1 s of writes on a slow machine: the longest the event loop waits for this step. */
const ROWS_PER_COMMIT = 2000;

/**
 * Daily usage from the watermark's day minus a few days (Cursor revises recent days) to now. Each
 * chunk the client yields (≤ 30 days, all pages: 60,000 rows for 2,000 people, each firing the
 * running totals' triggers) is written ROWS_PER_COMMIT rows to a transaction with a turn of the
 * event loop between — in one, `serve` answered no scrape or query for a second or more
 * (bench/load) — and the watermark with the last part: a stop between parts re-reads the chunk,
 * whose stored rows then change nothing. The commits in between do not each empty the API's read
 * cache: it follows a collection under way at most every API_CACHE_LAG_SECONDS.
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
      // At least one part: an empty chunk still moves the watermark.
      for (let i = 0; i === 0 || i < chunk.rows.length; i += ROWS_PER_COMMIT) {
        const part = chunk.rows.slice(i, i + ROWS_PER_COMMIT);
        const last = i + ROWS_PER_COMMIT >= chunk.rows.length;
        rows += store.transaction(() => {
          const n = store.dailyUsage.upsert(part);
          if (last) store.watermarks.advance(DAILY_USAGE_STREAM, Math.min(chunk.toMs, nowMs), nowMs);
          return n;
        });
        if (!last) await setImmediate();
      }
      ctx.heartbeat();
      if (ctx.stopping()) throw new StopRequested();
    }
    return { daily_usage: rows };
  },
};
