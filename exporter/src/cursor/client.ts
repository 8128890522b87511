/**
 * createCursorClient: the CursorApi over HTTP. Endpoint paths, request bodies, chunking and
 * pagination live here; HTTP mechanics (auth, pacing, timeouts, retries) in transport.ts; shapes
 * in normalize.ts. Each method returns complete normalised data or throws a CursorError.
 */
import type { Dispatcher } from 'undici';
import {
  ANALYTICS_ENDPOINTS,
  type AnalyticsEndpoint,
  type AnalyticsRow,
  type GroupsSnapshot,
  type Member,
  type SpendRow,
  type SpendSnapshot,
} from '../domain/records';
import type { EtagCache } from '../domain/etag-cache';
import type { AnalyticsResult, ApiCallInfo, CursorApi, CursorRequest, DailyUsageChunk, UsageEventPage } from './api';
import { dayWindows, MAX_RANGE_MS, msWindows, type MsWindow } from './chunks';
import { readEventPages } from './event-pages';
import { CursorError } from './errors';
import {
  checkPageBudget,
  ENDPOINTS,
  hasMorePages,
  parseAnalytics,
  parseDailyUsagePage,
  parseGroups,
  parseMembers,
  parseSpendPage,
} from './normalize';
import { sharedPageParser, type ParsedEventsPage } from './page-parser';
import { defaultSleep, type RateLimits, type Sleep } from './rate-limiter';
import type { BackoffPolicy } from './retry';
import { DEFAULT_TRANSPORT, Transport, type ClientLogger, type TransportRequest } from './transport';

export const DEFAULT_BASE_URL = 'https://api.cursor.com';
export const SPEND_PAGE_SIZE = 100;
export const DAILY_USAGE_PAGE_SIZE = 500;
export const USAGE_EVENTS_PAGE_SIZE = 1000; // the documented maximum
/** Usage-event pages fetched and parsed ahead of the one being consumed (event-pages.ts). */
export const USAGE_EVENTS_READ_AHEAD = 64;

export interface CursorClientOptions {
  adminKey: string;
  /** Key for /analytics/*; defaults to adminKey. */
  analyticsKey?: string;
  baseUrl?: string; // default https://api.cursor.com
  userAgent: string;
  timeoutMs?: number; // per HTTP exchange, default 30 s
  maxRetries?: number; // 5xx / network / timeout retries, default 4
  maxRateLimitRetries?: number; // 429 retries, default 5
  maxRetryAfterMs?: number; // default 5 min
  backoff?: Partial<BackoffPolicy>;
  limits?: Partial<RateLimits>; // requests per minute; defaults are Cursor's documented limits
  etagCache?: EtagCache;
  onCall?: (info: ApiCallInfo) => void;
  logger?: ClientLogger;
  dispatcher?: Dispatcher; // undici dispatcher; the global one by default
  /** Once aborted (shutdown), every request in flight and every wait ends at once, and none starts. */
  signal?: AbortSignal;
  /** Injectable for tests: waiting (limiter, backoff, Retry-After), the clock, and jitter. */
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
}

export function createCursorClient(opts: CursorClientOptions): CursorApi {
  if (typeof opts.adminKey !== 'string' || opts.adminKey.trim() === '')
    throw new TypeError('createCursorClient: adminKey is required');
  const adminKey = opts.adminKey;
  const analyticsKey = opts.analyticsKey !== undefined && opts.analyticsKey !== '' ? opts.analyticsKey : adminKey;
  const baseUrl = checkBaseUrl(opts.baseUrl ?? DEFAULT_BASE_URL);
  const transport = new Transport({
    baseUrl,
    userAgent: opts.userAgent,
    secrets: [adminKey, analyticsKey],
    timeoutMs: positive('timeoutMs', opts.timeoutMs ?? DEFAULT_TRANSPORT.timeoutMs),
    maxRetries: nonNegative('maxRetries', opts.maxRetries ?? DEFAULT_TRANSPORT.maxRetries),
    maxRateLimitRetries: nonNegative(
      'maxRateLimitRetries',
      opts.maxRateLimitRetries ?? DEFAULT_TRANSPORT.maxRateLimitRetries,
    ),
    maxRetryAfterMs: nonNegative('maxRetryAfterMs', opts.maxRetryAfterMs ?? DEFAULT_TRANSPORT.maxRetryAfterMs),
    backoff: { ...DEFAULT_TRANSPORT.backoff, ...opts.backoff },
    limits: opts.limits,
    onCall: opts.onCall,
    logger: opts.logger,
    dispatcher: opts.dispatcher,
    signal: opts.signal,
    sleep: opts.sleep ?? defaultSleep,
    now: opts.now ?? Date.now,
    random: opts.random ?? Math.random,
  });

  /** Sends, then parses (a body that does not parse is fetched again); parse errors get the exchange's status/attempt and are redacted too. */
  async function call<T>(req: TransportRequest, parse: (body: Buffer | string) => T): Promise<T> {
    return transport.fetch(req, (res) => parseBody(res.body, res.status, res.attempts, req, parse));
  }

  function parseBody<T>(
    body: Buffer | string,
    status: number,
    attempts: number,
    req: TransportRequest,
    parse: (body: Buffer | string) => T,
  ): T {
    try {
      return parse(body);
    } catch (err) {
      throw parseFailure(err, status, attempts, req);
    }
  }

  function parseFailure(err: unknown, status: number, attempts: number, req: TransportRequest): unknown {
    if (!(err instanceof CursorError)) return err;
    return new CursorError(transport.redact(err.reason), {
      kind: err.kind,
      endpoint: `${req.method} ${req.endpoint}`,
      status,
      attempts,
      path: err.path,
    });
  }

  /** One usage-events page, parsed on the parse worker (page-parser.ts). */
  async function eventPage(w: MsWindow, page: number, signal: AbortSignal): Promise<ParsedEventsPage> {
    const body = { startDate: w.startMs, endDate: w.endMs, page, pageSize: USAGE_EVENTS_PAGE_SIZE };
    const req: TransportRequest = { ...admin('POST', '/teams/filtered-usage-events', body), signal };
    return transport.fetch(req, async (res) => {
      try {
        const parsed = checkPageClaims(ENDPOINTS.usageEvents, page, await sharedPageParser().parse(res.body));
        checkPageFull(
          ENDPOINTS.usageEvents,
          page,
          parsed.pagination.pageSize ?? USAGE_EVENTS_PAGE_SIZE,
          parsed.batch.n,
          parsed.total,
        );
        return parsed;
      } catch (err) {
        throw parseFailure(err, res.status, res.attempts, req);
      }
    });
  }

  function admin(method: 'GET' | 'POST', endpoint: string, body?: unknown): TransportRequest {
    return { method, endpoint, path: endpoint, key: adminKey, body };
  }

  return {
    async members(): Promise<Member[]> {
      return call(admin('GET', '/teams/members'), parseMembers);
    },

    async spend(): Promise<SpendSnapshot> {
      // Keyed by email so a member who shifts between pages while we page is counted once.
      const rows = new Map<string, SpendRow>();
      let cycleStartMs: number | undefined;
      let limitedUsersCount: number | null = null;
      for (let page = 1; ; page++) {
        const p = await call(admin('POST', '/teams/spend', { page, pageSize: SPEND_PAGE_SIZE }), (b) => {
          const parsed = parseSpendPage(b);
          // /teams/spend does not echo its page size; whatever it is, a page before the last holds
          // at least totalMembers / totalPages rows.
          if (page < parsed.totalPages && parsed.totalRows !== null) {
            checkPageFull(
              ENDPOINTS.spend,
              1,
              Math.ceil(parsed.totalRows / parsed.totalPages),
              parsed.rows.length,
              parsed.totalRows,
            );
          }
          return parsed;
        });
        if (cycleStartMs !== undefined && p.cycleStartMs !== cycleStartMs) {
          // The billing cycle rolled over mid-paging: mixing two cycles' rows would be wrong.
          throw new CursorError('subscriptionCycleStart changed between pages (cycle rollover); retry the step', {
            kind: 'invalid-response',
            endpoint: 'POST /teams/spend',
            status: 200,
            path: '/subscriptionCycleStart',
          });
        }
        cycleStartMs = p.cycleStartMs;
        limitedUsersCount = p.limitedUsersCount ?? limitedUsersCount;
        for (const row of p.rows) rows.set(row.email, row);
        if (page >= p.totalPages) break;
        checkPageBudget('POST /teams/spend', page);
      }
      return { cycleStartMs: cycleStartMs as number, rows: [...rows.values()], limitedUsersCount };
    },

    async groups(): Promise<GroupsSnapshot> {
      return call(admin('GET', '/teams/groups'), parseGroups);
    },

    async *dailyUsage(fromMs: number, toMs: number): AsyncIterable<DailyUsageChunk> {
      for (const w of msWindows(fromMs, toMs, MAX_RANGE_MS)) {
        const rows = [];
        for (let page = 1; ; page++) {
          const body = { startDate: w.startMs, endDate: w.endMs, page, pageSize: DAILY_USAGE_PAGE_SIZE };
          const p = await call(admin('POST', '/teams/daily-usage-data', body), (b) =>
            checkPageClaims(ENDPOINTS.dailyUsage, page, parseDailyUsagePage(b)),
          );
          rows.push(...p.rows);
          if (!hasMorePages(p.pagination, page)) break;
          checkPageBudget('POST /teams/daily-usage-data', page);
        }
        yield { fromMs: w.startMs, toMs: w.endMs, rows };
      }
    },

    async *usageEvents(fromMs: number, toMs: number, windowMs: number): AsyncIterable<UsageEventPage> {
      yield* readEventPages(msWindows(fromMs, toMs, windowMs), eventPage, USAGE_EVENTS_READ_AHEAD);
    },

    async analytics(endpoint: AnalyticsEndpoint, fromDay: string, toDay: string): Promise<AnalyticsResult> {
      if (!ANALYTICS_ENDPOINTS.includes(endpoint))
        throw new RangeError(`unknown analytics endpoint '${String(endpoint)}'`);
      const template = `/analytics/team/${endpoint}`;
      const parse = (body: Buffer | string) => parseAnalytics(endpoint, body);
      const rows: AnalyticsRow[] = [];
      let allNotModified = true;
      for (const w of dayWindows(fromDay, toDay)) {
        const path = `${template}?startDate=${w.fromDay}&endDate=${w.toDay}`;
        const cacheKey = baseUrl + path;
        const cached = opts.etagCache?.get(cacheKey);
        const req: TransportRequest = {
          method: 'GET',
          endpoint: template,
          path,
          key: analyticsKey,
          etag: cached?.etag,
        };
        const got = await transport.fetch(req, (res) => {
          if (res.status === 304) {
            if (cached === undefined) {
              throw new CursorError('304 Not Modified for a request sent without If-None-Match', {
                kind: 'invalid-response',
                endpoint: `GET ${template}`,
                status: 304,
              });
            }
            return { rows: parseBody(cached.body, 304, res.attempts, req, parse), res };
          }
          return { rows: parseBody(res.body, res.status, res.attempts, req, parse), res };
        });
        rows.push(...got.rows);
        if (got.res.status === 304) continue;
        allNotModified = false;
        // Cache only bodies that parsed, so a bad body is never replayed on a later 304.
        if (got.res.etag !== undefined) opts.etagCache?.set(cacheKey, got.res.etag, got.res.body.toString('utf8'));
      }
      return { rows, notModified: allNotModified };
    },

    async request<T>(r: CursorRequest, parse: (body: Buffer | string) => T): Promise<T> {
      const path = r.query ? `${r.path}?${r.query}` : r.path;
      return call(
        { method: r.method, endpoint: r.path, path, key: r.analytics ? analyticsKey : adminKey, body: r.body },
        parse,
      );
    },
  };
}

/**
 * A page holds min(pageSize, what is left of the total): fewer means the response was cut short
 * (a transient fault, fetched again), not that the data shrank.
 */
function checkPageFull(endpoint: string, page: number, pageSize: number, got: number, total: number): void {
  const expected = Math.min(pageSize, Math.max(0, total - (page - 1) * pageSize));
  if (got < expected) {
    throw new CursorError(`page ${page} holds ${got} items where ${expected} were due (short page)`, {
      kind: 'invalid-response',
      endpoint,
      status: 200,
    });
  }
}

/** "There is a next page" on the page the count says is the last: a damaged response, fetched again. */
function checkPageClaims<P extends { pagination: { hasNextPage: boolean | null; totalPages: number | null } }>(
  endpoint: string,
  page: number,
  parsed: P,
): P {
  const { hasNextPage, totalPages } = parsed.pagination;
  if (hasNextPage === true && totalPages !== null && page >= totalPages) {
    throw new CursorError(`page ${page} of ${totalPages} says a next page exists`, {
      kind: 'invalid-response',
      endpoint,
      status: 200,
    });
  }
  return parsed;
}

function checkBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError('invalid Cursor API base URL (expected e.g. https://api.cursor.com)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`Cursor API base URL must be http(s), got '${url.protocol}'`);
  if (url.username !== '' || url.password !== '')
    throw new TypeError('Cursor API base URL must not contain credentials; pass the key as adminKey');
  return text.replace(/\/+$/, '');
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`createCursorClient: ${name} must be > 0, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0))
    throw new RangeError(`createCursorClient: ${name} must be an integer ≥ 0, got ${value}`);
  return value;
}
