/**
 * One logical Cursor request → as many HTTP exchanges as the retry policy allows. Owns auth,
 * pacing (RateLimiter), the per-exchange timeout, retries, call reporting and secret redaction;
 * knows nothing about endpoints' shapes. Retry rules (the opposite of the seed's defects, seed.md
 * §11 item 4): every retry is bounded; 429 honours Retry-After (seconds or HTTP-date) else backs
 * off with full jitter; 5xx, network errors and timeouts back off too; other 4xx fail at once.
 */
import { request, type Dispatcher } from 'undici';
import type { ApiCallInfo } from './api';
import { CursorError, type CursorErrorKind } from './errors';
import { RateLimiter, type RateLimits, type Sleep } from './rate-limiter';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter, type BackoffPolicy } from './retry';

/** The subset of a pino logger the client uses: one warning per retry. */
export interface ClientLogger {
  warn(obj: object, msg?: string): void;
}

export interface TransportOptions {
  baseUrl: string;
  userAgent: string;
  /** Every secret that could end up in text we produce (keys); redacted from all messages. */
  secrets: string[];
  timeoutMs: number;
  maxRetries: number; // for 5xx, network errors and timeouts
  maxRateLimitRetries: number; // for 429
  /** A Retry-After longer than this is not slept through: the step fails as 'rate-limited'. */
  maxRetryAfterMs: number;
  backoff: BackoffPolicy;
  limits?: Partial<RateLimits>;
  onCall?: (info: ApiCallInfo) => void;
  logger?: ClientLogger;
  dispatcher?: Dispatcher;
  /** Ends every request of this transport once aborted (shutdown): exchanges, limiter and backoff waits. */
  signal?: AbortSignal;
  sleep: Sleep;
  now: () => number;
  random: () => number;
}

export interface TransportRequest {
  method: 'GET' | 'POST';
  endpoint: string; // path template, e.g. '/teams/spend'
  path: string; // path + query actually requested
  key: string;
  body?: unknown;
  etag?: string; // sent as If-None-Match
  /** Abandons the request: checked before each attempt is sent, and aborts one in flight. */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number; // 2xx or 304
  /** The body's bytes, owning their whole buffer (so they can be moved to a worker thread). */
  body: Buffer;
  etag: string | undefined;
  attempts: number;
}

interface Exchange {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export const DEFAULT_TRANSPORT = {
  timeoutMs: 30_000,
  maxRetries: 4,
  maxRateLimitRetries: 5,
  maxRetryAfterMs: 5 * 60_000,
  backoff: DEFAULT_BACKOFF,
};

export class Transport {
  private readonly limiter: RateLimiter;
  private readonly redactions: string[];

  constructor(private readonly opts: TransportOptions) {
    this.limiter = new RateLimiter({ limits: opts.limits, now: opts.now, sleep: opts.sleep });
    // Redact each key and its Basic-auth encoding, longest first, so no form of a key survives.
    this.redactions = opts.secrets
      .filter((s) => s.length > 0)
      .flatMap((s) => [s, Buffer.from(`${s}:`).toString('base64')])
      .sort((a, b) => b.length - a.length);
  }

  /**
   * Sends, then parses the response. A 2xx body that does not parse (cut mid-JSON, a short page)
   * is a transient failure like a 5xx: the request is sent again, within the same retry budget.
   * A 304 replays a cached body, so a parse failure there is final.
   */
  async fetch<T>(request: TransportRequest, parse: (res: TransportResponse) => T | Promise<T>): Promise<T> {
    const req = this.withShutdown(request);
    const label = `${req.method} ${req.endpoint}`;
    // One budget for every transient failure of this request: 5xx, timeouts and bad bodies alike.
    const budget = { transient: 0 };
    for (;;) {
      const res = await this.send(req, budget);
      try {
        return await parse(res);
      } catch (err) {
        const retryable = err instanceof CursorError && err.kind === 'invalid-response' && res.status !== 304;
        if (!retryable || budget.transient >= this.opts.maxRetries) throw err;
        await this.backOff(
          label,
          `invalid ${res.status} response: ${err.reason}`,
          ++budget.transient,
          res.attempts,
          req.signal,
        );
      }
    }
  }

  private async send(req: TransportRequest, budget: { transient: number }): Promise<TransportResponse> {
    const label = `${req.method} ${req.endpoint}`;
    let rateLimitRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const rateLimitWaitMs = await this.limiter.acquire(req.endpoint, req.signal);
      req.signal?.throwIfAborted();
      const started = this.opts.now();
      let res: Exchange;
      try {
        res = await this.exchange(req);
      } catch (err) {
        if (req.signal?.aborted) throw err; // abandoned by the caller: not a failure to retry
        const kind: CursorErrorKind = err instanceof TimeoutError ? 'timeout' : 'network';
        this.report(req, 0, started, attempt, rateLimitWaitMs);
        const reason =
          kind === 'timeout'
            ? `timed out after ${this.opts.timeoutMs} ms`
            : `network error: ${describeNetworkError(err)}`;
        if (budget.transient >= this.opts.maxRetries)
          throw this.fail(reason, { kind, endpoint: label, attempts: attempt });
        await this.backOff(label, reason, ++budget.transient, attempt, req.signal);
        continue;
      }
      this.report(req, res.status, started, attempt, rateLimitWaitMs);
      if ((res.status >= 200 && res.status < 300) || res.status === 304) {
        const etag = res.headers.etag;
        return { status: res.status, body: res.body, etag: Array.isArray(etag) ? etag[0] : etag, attempts: attempt };
      }
      const upstreamMessage = this.redact(upstreamMessageOf(res.body.toString('utf8')));
      const details = { endpoint: label, status: res.status, attempts: attempt, upstreamMessage };
      if (res.status === 429) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.opts.now());
        if (rateLimitRetries >= this.opts.maxRateLimitRetries) {
          throw this.fail(`rate limited (429) after ${attempt} attempts`, { kind: 'rate-limited', ...details });
        }
        if (retryAfterMs !== undefined && retryAfterMs > this.opts.maxRetryAfterMs) {
          throw this.fail(
            `rate limited (429) with Retry-After ${retryAfterMs} ms, above the ${this.opts.maxRetryAfterMs} ms the client waits`,
            {
              kind: 'rate-limited',
              ...details,
            },
          );
        }
        rateLimitRetries++;
        if (retryAfterMs !== undefined)
          await this.wait(label, 'HTTP 429 (Retry-After)', retryAfterMs, attempt, req.signal);
        else await this.backOff(label, 'HTTP 429', rateLimitRetries, attempt, req.signal);
        continue;
      }
      if (res.status >= 500) {
        if (budget.transient >= this.opts.maxRetries) {
          throw this.fail(
            `HTTP ${res.status} after ${attempt} attempts${upstreamMessage ? `: ${upstreamMessage}` : ''}`,
            { kind: 'http', ...details },
          );
        }
        await this.backOff(label, `HTTP ${res.status}`, ++budget.transient, attempt, req.signal);
        continue;
      }
      // Any other status (400, 401, 403, 404, unexpected 1xx/3xx): retrying cannot help.
      throw this.fail(`HTTP ${res.status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`, {
        kind: 'http',
        ...details,
      });
    }
  }

  /** The request abandoned by its own signal or by the transport's (shutdown), whichever aborts first. */
  private withShutdown(req: TransportRequest): TransportRequest {
    const shutdown = this.opts.signal;
    if (shutdown === undefined) return req;
    return { ...req, signal: req.signal ? AbortSignal.any([req.signal, shutdown]) : shutdown };
  }

  /** One HTTP exchange with its own timeout covering headers and body. */
  private async exchange(req: TransportRequest): Promise<Exchange> {
    const controller = new AbortController();
    const timeout = new TimeoutError();
    const timer = setTimeout(() => controller.abort(timeout), this.opts.timeoutMs);
    const abandon = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', abandon, { once: true });
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${req.key}:`).toString('base64')}`,
      accept: 'application/json',
      'user-agent': this.opts.userAgent,
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.etag !== undefined) headers['if-none-match'] = req.etag;
    try {
      const res = await request(this.opts.baseUrl + req.path, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: controller.signal,
        dispatcher: this.opts.dispatcher,
      });
      // Bytes, not text: a usage-events page is decoded by the parse worker, off this thread.
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, body, headers: res.headers };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      throw controller.signal.aborted ? timeout : err;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', abandon);
    }
  }

  private async backOff(
    label: string,
    reason: string,
    retry: number,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.wait(label, reason, backoffDelay(retry, this.opts.backoff, this.opts.random), attempt, signal);
  }

  private async wait(
    label: string,
    reason: string,
    delayMs: number,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<void> {
    this.opts.logger?.warn({ endpoint: label, attempt, delayMs, reason: this.redact(reason) }, 'cursor api: retrying');
    await this.opts.sleep(delayMs, signal);
  }

  private report(
    req: TransportRequest,
    status: number,
    started: number,
    attempt: number,
    rateLimitWaitMs: number,
  ): void {
    this.opts.onCall?.({
      endpoint: req.endpoint,
      status,
      durationMs: this.opts.now() - started,
      attempt,
      rateLimitWaitMs,
    });
  }

  private fail(message: string, details: ConstructorParameters<typeof CursorError>[1]): CursorError {
    return new CursorError(this.redact(message), details);
  }

  redact(text: string): string;
  redact(text: string | undefined): string | undefined;
  redact(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    let out = text;
    for (const secret of this.redactions) out = out.split(secret).join('[REDACTED]');
    return out;
  }
}

class TimeoutError extends Error {
  constructor() {
    super('request timed out');
  }
}

/** The code and message of a socket/undici error; never its request options. */
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? ` (${cause.message})` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${inner}`.slice(0, 300);
}

/** Cursor error bodies carry `message` (and sometimes only `error`); fall back to a text snippet. */
function upstreamMessageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: use the text itself below
  }
  const snippet = text.trim().slice(0, 200);
  return snippet.length > 0 ? snippet : undefined;
}
