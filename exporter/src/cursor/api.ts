import type { EventBatch } from '../domain/event-batch';
import type {
  AnalyticsEndpoint,
  AnalyticsRow,
  DailyUsageRow,
  GroupsSnapshot,
  Member,
  SpendSnapshot,
} from '../domain/records';

/**
 * What the collector needs from Cursor. The undici client (client.ts) implements it; every method
 * validates responses and returns normalised records, or throws a CursorError for that step.
 */
export interface CursorApi {
  members(): Promise<Member[]>;
  /** POST /teams/spend, all pages. */
  spend(): Promise<SpendSnapshot>;
  /** GET /teams/groups (current cycle). */
  groups(): Promise<GroupsSnapshot>;
  /**
   * POST /teams/daily-usage-data over [fromMs, toMs], in chunks of at most 30 days, every page
   * (page + pageSize so inactive members come back too). Yields one batch per chunk, after all
   * of the chunk's pages were fetched, so the caller can commit a chunk atomically.
   */
  dailyUsage(fromMs: number, toMs: number): AsyncIterable<DailyUsageChunk>;
  /**
   * POST /teams/filtered-usage-events over [fromMs, toMs] split into windows of `windowMs`
   * (at most 30 days), pageSize 1000, all pages, in order, each page's events as an EventBatch.
   * Later pages may already be fetched and parsed while one is consumed. `lastPage` marks the end
   * of a window, which is the unit the collector commits its watermark at.
   */
  usageEvents(fromMs: number, toMs: number, windowMs: number): AsyncIterable<UsageEventPage>;
  /** GET /analytics/team/<endpoint>, at most 30 days per call, with ETag reuse. */
  analytics(endpoint: AnalyticsEndpoint, fromDay: string, toDay: string): Promise<AnalyticsResult>;
  /**
   * One exchange with an endpoint that has no method of its own (a collector's own endpoint): the
   * right key, pacing, retries and call records as for every method. `parse` validates the body
   * against the endpoint's schema and converts it (cursor/validate.ts); a body it rejects with a
   * CursorError is fetched again, like any damaged response.
   */
  request<T>(req: CursorRequest, parse: (body: Buffer | string) => T): Promise<T>;
}

export interface CursorRequest {
  method: 'GET' | 'POST';
  /** Path template, e.g. '/teams/members'; also the endpoint's name in call counts and its rate-limit budget. */
  path: string;
  /** Query string without '?', if any. */
  query?: string;
  body?: unknown;
  /** The Analytics key (CURSOR_ANALYTICS_API_KEY) instead of the admin key. */
  analytics?: boolean;
}

export interface DailyUsageChunk {
  fromMs: number;
  toMs: number;
  rows: DailyUsageRow[];
}

export interface UsageEventPage {
  windowStartMs: number;
  windowEndMs: number; // inclusive
  page: number;
  totalPages: number;
  lastPage: boolean;
  /** Total events the API reports for the window (for progress bars). */
  totalEvents: number;
  events: EventBatch;
}

export interface AnalyticsResult {
  rows: AnalyticsRow[];
  notModified: boolean; // served from the ETag cache (a 304 upstream)
}

/** One HTTP exchange, reported to the caller for run records and health metrics. */
export interface ApiCallInfo {
  endpoint: string; // path template, e.g. '/teams/spend', '/analytics/team/dau'
  status: number; // HTTP status, or 0 for a network error / timeout
  durationMs: number;
  attempt: number; // 1 for the first try
  rateLimitWaitMs: number; // time spent waiting for the client-side limiter before sending
}
