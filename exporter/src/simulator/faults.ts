/**
 * Fault injection for exercising clients: 5xx, latency, hung requests, malformed JSON, truncated
 * pages and 429 storms. Decisions come from a seeded RNG, so a failing test replays the same faults.
 */
import { Rng } from '../domain/rng';

export interface FaultOptions {
  errorRate: number; // share of requests answered 500
  latencyMs: number; // added before every response
  timeoutRate: number; // share of requests never answered (the client has to give up)
  malformedRate: number; // share of 200s whose body is not valid JSON
  truncateRate: number; // share of 200s with a short page that claims more, or a missing field
  /** Setting it starts a storm: every request gets 429 for this many ms from now. */
  storm429Ms: number;
}

export interface FaultState extends Omit<FaultOptions, 'storm429Ms'> {
  storm429UntilMs: number;
}

/** Fields by which a list response says how much there is (usage events, spend, paged endpoints). */
const COUNT_CLAIMS = ['pagination', 'totalUsageEventsCount', 'totalMembers', 'totalPages'];

export const NO_FAULTS: FaultState = {
  errorRate: 0,
  latencyMs: 0,
  timeoutRate: 0,
  malformedRate: 0,
  truncateRate: 0,
  storm429UntilMs: 0,
};

export class Faults {
  readonly state: FaultState = { ...NO_FAULTS };

  constructor(
    private readonly rng: Rng,
    private readonly now: () => number,
  ) {}

  set(f: Partial<FaultOptions>): void {
    for (const [k, v] of Object.entries(f)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new Error(`fault ${k} must be a non-negative number`);
      if (k !== 'latencyMs' && k !== 'storm429Ms' && v > 1)
        throw new Error(`fault ${k} is a share and must be within 0..1`);
    }
    const { storm429Ms, ...rest } = f;
    Object.assign(this.state, rest);
    if (storm429Ms !== undefined) this.state.storm429UntilMs = storm429Ms > 0 ? this.now() + storm429Ms : 0;
  }

  stormRemainingMs(): number {
    return Math.max(0, this.state.storm429UntilMs - this.now());
  }

  roll(rate: number): boolean {
    return rate > 0 && this.rng.next() < rate;
  }

  /**
   * Damages a list response: either keeps half of the items while still claiming the full count (a
   * next page, the total), or drops one top-level field. A list that claims no count (analytics) only
   * loses a field: cutting it would be a different answer, not a damaged one. Returns a copy; the
   * input is not modified.
   */
  truncate(body: Record<string, unknown>, listKey: string): Record<string, unknown> {
    const out: Record<string, unknown> = { ...body };
    const list = out[listKey];
    const claimsCount = COUNT_CLAIMS.some((k) => k in out);
    if (claimsCount && Array.isArray(list) && list.length > 1 && this.rng.next() < 0.5) {
      out[listKey] = list.slice(0, Math.ceil(list.length / 2));
      const p = out.pagination;
      if (p && typeof p === 'object') out.pagination = { ...(p as object), hasNextPage: true };
      return out;
    }
    const keys = Object.keys(out);
    delete out[keys[Math.floor(this.rng.next() * keys.length)]];
    return out;
  }
}
