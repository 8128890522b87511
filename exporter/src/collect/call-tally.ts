import type { ApiCallInfo } from '../cursor/api';
import type { ApiCallCounts } from '../store/runs';

/**
 * Counts the client's HTTP exchanges (wired as the client's onCall) for the current run: calls per
 * endpoint and status, and how often and how long the rate limiter made us wait.
 */
export class CallTally {
  private calls: ApiCallCounts = {};
  private waits = 0;
  private waitMs = 0;

  /** Bound, so it can be passed straight to createCursorClient({ onCall }). */
  readonly record = (info: ApiCallInfo): void => {
    const byStatus = (this.calls[info.endpoint] ??= {});
    const status = String(info.status);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (info.rateLimitWaitMs > 0) {
      this.waits++;
      this.waitMs += info.rateLimitWaitMs;
    }
  };

  /** Returns the counts since the last take() and starts over. */
  take(): { apiCalls: ApiCallCounts; rateLimitWaits: number; rateLimitWaitMs: number } {
    const out = { apiCalls: this.calls, rateLimitWaits: this.waits, rateLimitWaitMs: Math.round(this.waitMs) };
    this.calls = {};
    this.waits = 0;
    this.waitMs = 0;
    return out;
  }
}
