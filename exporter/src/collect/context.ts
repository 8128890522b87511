import type { CursorApi } from '../cursor/api';
import type { Logger } from '../logger';
import type { Store } from '../store';

/** Tunables of the incremental collector; every default has a reason. */
export interface CollectOptions {
  /** Re-fetch this much before the usage-events watermark: Cursor data arrives up to an hour late. */
  overlapMs: number;
  /**
   * Usage events are fetched and committed one window at a time, so a kill loses at most one window.
   * This is the first window; later ones are sized from its event count (see windowEvents).
   */
  windowMs: number;
  /**
   * Events a window is sized to hold once the first window showed how dense the data is: pages are
   * 1,000 events, so few big windows take the fewest calls, while a window's events stay in memory
   * until it commits. 0 keeps every window at windowMs (the default here, for tests that count
   * windows; the service's collector stack, create.ts, sizes them).
   */
  windowEvents: number;
  /** History fetched for a stream that has no watermark yet (INITIAL_BACKFILL_DAYS). */
  initialBackfillDays: number;
  /** Daily-usage rows for recent days are revised by Cursor; re-fetch from this many days before the watermark. */
  dailyUsageLookbackDays: number;
  /** Analytics days re-fetched by an incremental run (ETags make unchanged ones free). */
  analyticsDays: number;
  /** Analytics days fetched on a stream's first run. */
  analyticsBackfillDays: number;
}

export const DEFAULT_COLLECT_OPTIONS: CollectOptions = {
  overlapMs: 2 * 3_600_000,
  windowMs: 86_400_000,
  windowEvents: 0,
  initialBackfillDays: 30,
  dailyUsageLookbackDays: 2,
  analyticsDays: 3,
  analyticsBackfillDays: 30,
};

/** Events per usage-events window in the service: 25 pages, a few MB of batches held until the window commits. */
export const SERVICE_WINDOW_EVENTS = 25_000;

/** Cursor keeps usage history for about one billing cycle or more; 90 days is our upper bound. */
export const MAX_BACKFILL_DAYS = 90;

export interface BackfillProgress {
  window: number; // 1-based index of the window being fetched
  windows: number;
  pagesDone: number;
  /** Pages known from each fetched window's totalEvents, plus an average for windows not seen yet. */
  pagesEstimated: number;
  events: number;
}

export interface StepContext {
  store: Store;
  api: CursorApi;
  nowMs: number;
  options: CollectOptions;
  /** Set for `backfill --days N`: fetch at least this many days whatever the watermarks say. */
  backfillDays?: number;
  logger?: Logger;
  onProgress?: (p: BackfillProgress) => void;
  /** Called after every commit so the collector lease stays fresh during long runs. */
  heartbeat: () => void;
  /** True once a graceful stop was requested; steps stop at the next commit boundary. */
  stopping: () => boolean;
}

/** Rows written per table by one step. */
export type StepRows = Record<string, number>;

export interface CollectStep {
  name: string;
  run(ctx: StepContext): Promise<StepRows>;
}

export class StopRequested extends Error {
  constructor() {
    super('collection stopped by shutdown');
    this.name = 'StopRequested';
  }
}
