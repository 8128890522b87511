import type { CursorApi } from '../../cursor/api';
import { USAGE_EVENTS_PAGE_SIZE } from '../../cursor/client';
import { batchEvents, type EventBatch } from '../../domain/event-batch';
import { USAGE_EVENTS_STREAM, coverageStream } from '../../store/watermarks';
import { StopRequested, type BackfillProgress, type CollectStep } from '../context';
import { streamStartMs } from '../range';
import { MAX_RANGE_MS } from '../../cursor/chunks';
import { HOUR_MS } from '../../domain/time';

/** Re-fetches of a window whose pages did not add up before the step gives up (until the next run). */
const WINDOW_RETRIES = 2;

/**
 * Fetches one window again, whole. Returns its pages if they were consistent this time.
 * Cursor pages newest-first: an event arriving mid-paging shifts later pages, so one event can
 * show up twice (stored as two events) or be skipped. Arrivals only ever add events, so
 * "every page reports the same total and the pages hold exactly that many" proves a clean read.
 */
async function refetchWindow(api: CursorApi, startMs: number, endMs: number): Promise<EventBatch[] | null> {
  const batches: EventBatch[] = [];
  let total = -1;
  let consistent = true;
  for await (const page of api.usageEvents(startMs, endMs, endMs - startMs + 1)) {
    if (total === -1) total = page.totalEvents;
    consistent &&= page.totalEvents === total;
    batches.push(page.events);
  }
  return consistent && batchEvents(batches) === total ? batches : null;
}

/**
 * The next window's length from the last one's event density: about `targetEvents` events, in
 * whole hours, growing at most 4× a step (a quiet day must not size a month-long window), at most
 * Cursor's 30-day range.
 */
export function nextWindowMs(
  lastWindowMs: number,
  lastEvents: number,
  targetEvents: number,
  firstWindowMs: number,
): number {
  if (targetEvents <= 0) return firstWindowMs;
  const perMs = Math.max(lastEvents, 1) / lastWindowMs;
  const sized = Math.floor(targetEvents / perMs / HOUR_MS) * HOUR_MS;
  return Math.min(MAX_RANGE_MS, 4 * Math.max(lastWindowMs, firstWindowMs), Math.max(HOUR_MS, sized));
}

/**
 * Usage events from the watermark minus the overlap window to now, window by window. A window's
 * pages are held in memory until its last page arrives; then its events and the watermark advance
 * commit in one transaction, so a kill at any point leaves only whole windows behind, and the
 * natural event key makes the re-fetch of the overlap (or of a half-fetched window) a no-op.
 * The first window is `windowMs` long; each next one is sized to hold about `windowEvents` events
 * at the previous window's density (a 1,000-event page is one call, whatever the window's length).
 */
export const usageEventsStep: CollectStep = {
  name: 'usage-events',
  async run(ctx) {
    const { store, api, nowMs, options } = ctx;
    const watermark = store.watermarks.get(USAGE_EVENTS_STREAM);
    const coveredFrom = store.watermarks.get(coverageStream(USAGE_EVENTS_STREAM));
    const fromMs = streamStartMs(
      nowMs,
      watermark,
      options.overlapMs,
      options.initialBackfillDays,
      ctx.backfillDays,
      coveredFrom,
    );
    // The range fetched here joins the stored one once a committed window reaches it (at once on
    // an empty stream); from then on the stream holds every event since fromMs.
    const joins = (windowEndMs: number) => watermark === undefined || windowEndMs + 1 >= (coveredFrom ?? watermark);
    const progress: BackfillProgress = {
      window: 1,
      windows: Math.max(1, Math.ceil((nowMs - fromMs + 1) / options.windowMs)),
      pagesDone: 0,
      pagesEstimated: 1,
      events: 0,
    };
    let seenPages = 0; // pages of windows whose first page has arrived
    let seenWindows = 0;
    let seenEvents = 0; // events those windows hold
    let seenMs = 0; // time they cover
    let seenUntilMs = fromMs - 1; // where the last of them ends
    let windowsBefore = 0; // windows of earlier passes
    let fetched = 0;
    let inserted = 0;

    /** One pass over [startMs, endMs] in windows of windowMs; returns the events it committed. */
    const pass = async (startMs: number, endMs: number, windowMs: number): Promise<number> => {
      let pending: EventBatch[] = [];
      let windowTotal = -1; // totalEvents of the window's first page; -2 once a later page disagreed
      let events = 0;
      const windows = Math.max(1, Math.ceil((endMs - startMs + 1) / windowMs));
      progress.windows = Math.max(progress.windows, windowsBefore + windows);
      for await (const page of api.usageEvents(startMs, endMs, windowMs)) {
        if (page.page === 1) {
          seenWindows++;
          seenPages += Math.max(1, page.totalPages, Math.ceil(page.totalEvents / USAGE_EVENTS_PAGE_SIZE));
          seenEvents += page.totalEvents;
          seenMs += page.windowEndMs - page.windowStartMs + 1;
          seenUntilMs = Math.max(seenUntilMs, page.windowEndMs);
          progress.window = seenWindows;
          windowTotal = page.totalEvents;
        } else if (page.totalEvents !== windowTotal) {
          windowTotal = -2;
        }
        pending.push(page.events);
        fetched += page.events.n;
        progress.pagesDone++;
        progress.events = fetched;
        // Pages known so far, plus the events of the rest of the range at the density seen, in full
        // pages (windows differ in length, so windows are no unit to count in).
        const eventsLeft = Math.max(0, nowMs - seenUntilMs) * (seenEvents / seenMs);
        progress.pagesEstimated = Math.max(
          progress.pagesDone,
          seenPages + Math.ceil(eventsLeft / USAGE_EVENTS_PAGE_SIZE),
        );
        ctx.onProgress?.({ ...progress });
        if (!page.lastPage) continue;
        let batches: EventBatch[] | null = batchEvents(pending) === windowTotal ? pending : null;
        pending = [];
        for (let attempt = 0; batches === null && attempt < WINDOW_RETRIES; attempt++) {
          batches = await refetchWindow(api, page.windowStartMs, page.windowEndMs);
        }
        if (batches === null) {
          throw new Error(
            `usage events of ${new Date(page.windowStartMs).toISOString()}…${new Date(page.windowEndMs).toISOString()} kept changing while paging; the next run retries from here`,
          );
        }
        const window = batches;
        events += batchEvents(window);
        inserted += store.transaction(() => {
          const n = store.usageEvents.insertBatches(window);
          store.watermarks.advance(USAGE_EVENTS_STREAM, Math.min(page.windowEndMs, nowMs), nowMs);
          if (joins(page.windowEndMs)) store.watermarks.extendCoverage(USAGE_EVENTS_STREAM, fromMs, nowMs);
          return n;
        });
        ctx.heartbeat();
        if (ctx.stopping()) throw new StopRequested();
      }
      windowsBefore += windows;
      return events;
    };

    if (options.windowEvents <= 0) {
      await pass(fromMs, nowMs, options.windowMs);
    } else {
      // One window per pass: each pass's read-ahead covers its window's pages, and the next window is
      // sized from what this one held.
      let windowMs = options.windowMs;
      for (let startMs = fromMs; startMs <= nowMs;) {
        const endMs = Math.min(nowMs, startMs + windowMs - 1);
        const events = await pass(startMs, endMs, windowMs);
        windowMs = nextWindowMs(endMs - startMs + 1, events, options.windowEvents, options.windowMs);
        progress.windows = windowsBefore + Math.ceil((nowMs - endMs) / windowMs);
        startMs = endMs + 1;
      }
    }
    ctx.logger?.debug({ fetched, inserted, fromMs, toMs: nowMs }, 'usage events collected');
    return { usage_events: inserted };
  },
};
