import type { UsageEvent } from '../domain/records';
import { EventKeyer } from '../store/event-key';
import { insertUsageEvents } from '../store/usage-events';
import { USAGE_EVENTS_STREAM, advanceWatermark, getWatermark } from '../store/watermarks';
import { StopRequested, type BackfillProgress, type CollectStep } from './context';
import { streamStartMs } from './range';

const PAGE_SIZE = 1000; // the client asks for Cursor's maximum page size

/**
 * Usage events from the watermark minus the overlap window to now, window by window. A window's
 * pages are held in memory until its last page arrives; then its events and the watermark advance
 * commit in one transaction, so a kill at any point leaves only whole windows behind, and the
 * natural event key makes the re-fetch of the overlap (or of a half-fetched window) a no-op.
 */
export const usageEventsStep: CollectStep = {
  name: 'usage-events',
  async run(ctx) {
    const { db, api, nowMs, options } = ctx;
    const fromMs = streamStartMs(nowMs, getWatermark(db, USAGE_EVENTS_STREAM), options.overlapMs, options.initialBackfillDays, ctx.backfillDays);
    const windows = Math.max(1, Math.ceil((nowMs - fromMs + 1) / options.windowMs));
    const progress: BackfillProgress = { window: 1, windows, pagesDone: 0, pagesEstimated: windows, events: 0 };
    let seenPages = 0; // pages of windows whose first page has arrived
    let seenWindows = 0;
    let pending: UsageEvent[] = [];
    let fetched = 0;
    let inserted = 0;
    for await (const page of api.usageEvents(fromMs, nowMs, options.windowMs)) {
      if (page.page === 1) {
        seenWindows++;
        seenPages += Math.max(1, page.totalPages, Math.ceil(page.totalEvents / PAGE_SIZE));
        progress.window = seenWindows;
      }
      for (const e of page.events) pending.push(e);
      fetched += page.events.length;
      progress.pagesDone++;
      progress.events = fetched;
      progress.pagesEstimated = Math.max(progress.pagesDone, Math.round(seenPages + (windows - seenWindows) * (seenPages / seenWindows)));
      ctx.onProgress?.({ ...progress });
      if (!page.lastPage) continue;
      const batch = pending;
      pending = [];
      inserted += db.transaction(() => {
        const n = insertUsageEvents(db, batch, new EventKeyer());
        advanceWatermark(db, USAGE_EVENTS_STREAM, Math.min(page.windowEndMs, nowMs), nowMs);
        return n;
      })();
      ctx.heartbeat();
      if (ctx.stopping()) throw new StopRequested();
    }
    ctx.logger?.debug({ fetched, inserted, fromMs, toMs: nowMs }, 'usage events collected');
    return { usage_events: inserted };
  },
};
