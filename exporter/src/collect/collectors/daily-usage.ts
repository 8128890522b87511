import { DAILY_USAGE_STREAM } from '../../store/watermarks';
import { StopRequested, type CollectStep } from '../context';
import { lookbackStartMs, streamStartMs } from '../range';

/**
 * Daily usage from the watermark's day minus a few days (Cursor revises recent days) to now. Each
 * chunk the client yields (≤ 30 days, all pages) is written with the watermark in one transaction:
 * one commit, so one emptying of the API's read cache per chunk, not one per part of it.
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
      rows += store.transaction(() => {
        const n = store.dailyUsage.upsert(chunk.rows);
        store.watermarks.advance(DAILY_USAGE_STREAM, Math.min(chunk.toMs, nowMs), nowMs);
        return n;
      });
      ctx.heartbeat();
      if (ctx.stopping()) throw new StopRequested();
    }
    return { daily_usage: rows };
  },
};
