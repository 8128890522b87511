import type { Memo } from '../store/cycle-usage';
import type { Db } from '../store/db';

/**
 * Memoises read results until the store changes. The generation is PRAGMA data_version (bumps when
 * ANOTHER connection commits) plus total_changes() (rows this connection changed), so any write by
 * the collector, detection or an API mutation invalidates everything, and reads stay exact.
 * Dashboards re-ask the same questions on every refresh and for every viewer; windows are whole
 * UTC days (see window.ts), so "now-30d → now" maps to the same key all day.
 */
export class QueryCache {
  private generation = '';
  private readonly entries = new Map<string, unknown>();
  private readonly intermediates = new Map<string, unknown>();
  private readonly version;

  constructor(
    private readonly db: Db,
    private readonly maxEntries = 500,
    private readonly maxShared = 24,
  ) {
    this.version = db.prepare('SELECT total_changes() AS c');
  }

  private currentGeneration(): string {
    const dv = this.db.pragma('data_version', { simple: true }) as number;
    const tc = (this.version.get() as { c: number }).c;
    return `${dv}:${tc}`;
  }

  /** Empties both maps when the store has changed since the last look. */
  private sync(): void {
    const gen = this.currentGeneration();
    if (gen !== this.generation) {
      this.entries.clear();
      this.intermediates.clear();
      this.generation = gen;
    }
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
    return leastRecentlyUsed(this.intermediates, this.maxShared, key, compute);
  };

  get<T>(key: string, compute: () => T): T {
    this.sync();
    return leastRecentlyUsed(this.entries, this.maxEntries, key, compute);
  }
}

/** `key`'s value in `map`, computed when absent; a map of at most `max` keys, the least recently used going first. */
function leastRecentlyUsed<T>(map: Map<string, unknown>, max: number, key: string, compute: () => T): T {
  if (map.has(key)) {
    const v = map.get(key) as T;
    // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
    map.delete(key);
    map.set(key, v);
    return v;
  }
  const v = compute();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value as string);
  return v;
}
