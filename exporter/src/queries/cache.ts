import type { Memo } from '../store/cycle-usage';
import type { Db } from '../store/db';

/** How much a QueryCache keeps, and how soon it looks at the store again. */
export interface QueryCacheOptions {
  /** Results kept (0: none, every answer computed), at most maxRows frame rows in all. */
  maxEntries?: number;
  maxRows?: number;
  /** Intermediates shared within a generation (see share). */
  maxShared?: number;
  /**
   * The store's generation is looked at no more often than this (ms); 0: on every read. A recheck()
   * makes the next read look at once.
   */
  lagMs?: number;
  clock?: () => number;
}

/**
 * Memoises read results until the store changes. The generation is PRAGMA data_version (bumps when
 * ANOTHER connection commits) plus total_changes() (rows this connection changed), so any write by
 * the collector, detection or an API mutation invalidates everything, and reads stay exact.
 * Dashboards re-ask the same questions on every refresh and for every viewer; windows are whole
 * UTC days (see window.ts), so "now-30d → now" maps to the same key all day.
 *
 * With lagMs the generation is looked at no more often than that: a backfill commits every second
 * or so, and each commit recomputing every whole-team answer a dashboard asks for (and the garbage
 * of it) was most of the service's CPU and memory under load (bench/load). The service rechecks at
 * once after its own API changes and after each collection cycle, so only a collection under way
 * shows up to lagMs late.
 */
export class QueryCache {
  private generation = '';
  private checkedAt = -Infinity;
  private readonly entries: Lru;
  private readonly intermediates: Lru;
  private readonly version;
  private readonly lagMs: number;
  private readonly clock: () => number;

  /**
   * maxEntries results of at most maxRows frame rows in all (a members page of 1,000 rows is ~0.4 MB:
   * a count alone let a client paging through every sort hold ~190 MB until the next write), and
   * maxShared intermediates.
   */
  constructor(
    private readonly db: Db,
    { maxEntries = 500, maxShared = 24, maxRows = 50_000, lagMs = 0, clock = Date.now }: QueryCacheOptions = {},
  ) {
    this.version = db.prepare('SELECT total_changes() AS c');
    this.entries = new Lru(maxEntries, maxRows, frameRows);
    this.intermediates = new Lru(maxShared);
    this.lagMs = lagMs;
    this.clock = clock;
  }

  private currentGeneration(): string {
    const dv = this.db.pragma('data_version', { simple: true }) as number;
    const tc = (this.version.get() as { c: number }).c;
    return `${dv}:${tc}`;
  }

  /** Empties both maps when the store has changed since the last look (looked at once per lagMs at most). */
  private sync(): void {
    if (this.lagMs > 0) {
      const t = this.clock();
      if (t - this.checkedAt < this.lagMs) return;
      this.checkedAt = t;
    }
    const gen = this.currentGeneration();
    if (gen !== this.generation) {
      this.entries.clear();
      this.intermediates.clear();
      this.generation = gen;
    }
  }

  /** The next read looks at the store at once: after a write that must show now (an API change, a finished cycle). */
  recheck(): void {
    this.checkedAt = -Infinity;
  }

  /**
   * An intermediate result several queries build on (the plan-exhaustion digest, a window's usage per
   * person, its member figures), kept for the store's current generation even when result caching is
   * off: the different tables a dashboard asks for at once after a collection then read the store
   * once for it. A few MB each at 10,000 people, so at most `maxShared` (~90 MB), the least recently
   * used going first: a dashboard of three ranges uses 15, five 23, and those in use stay while a
   * dragged range passes through.
   */
  readonly share: Memo = <T>(key: string, compute: () => T): T => {
    this.sync();
    return this.intermediates.get(key, compute);
  };

  get<T>(key: string, compute: () => T): T {
    this.sync();
    return this.entries.get(key, compute);
  }
}

/** A frame's rows (every API answer is a frame); 1 for anything else. */
function frameRows(v: unknown): number {
  const rows = (v as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? Math.max(1, rows.length) : 1;
}

/**
 * Values by key, computed when absent: at most `maxCount` of them and `maxWeight` in all (a value
 * heavier than that is returned, not kept), the least recently used going first.
 */
class Lru {
  private readonly map = new Map<string, { value: unknown; weight: number }>();
  private total = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxWeight = Infinity,
    private readonly weigh: (v: unknown) => number = () => 1,
  ) {}

  get<T>(key: string, compute: () => T): T {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit.value as T;
    }
    const value = compute();
    const weight = this.weigh(value);
    if (this.maxCount < 1 || weight > this.maxWeight) return value;
    this.map.set(key, { value, weight });
    this.total += weight;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.maxCount && this.total <= this.maxWeight) break;
      this.map.delete(k);
      this.total -= e.weight;
    }
    return value;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
