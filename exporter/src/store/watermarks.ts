import type { Db } from './db';

/** Stream names used by the collector; analytics streams are `analytics:<endpoint>`. */
export const USAGE_EVENTS_STREAM = 'usage_events';
export const DAILY_USAGE_STREAM = 'daily_usage';
export const analyticsStream = (endpoint: string): string => `analytics:${endpoint}`;
/** Where a stream's gap-free range starts (its watermark is where it ends), stored as its own row. */
export const coverageStream = (stream: string): string => `${stream}:from`;

/** How far each collected stream reaches (watermarks). */
export class WatermarksRepo {
  constructor(private readonly db: Db) {}

  get(stream: string): number | undefined {
    const row = this.db.prepare('SELECT value_ms FROM watermarks WHERE stream = ?').get(stream) as
      { value_ms: number } | undefined;
    return row?.value_ms;
  }

  /**
   * Advances a stream's watermark. It never moves back: a backfill of older days must not make the
   * next incremental run re-fetch everything since then.
   */
  advance(stream: string, valueMs: number, nowMs: number = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO watermarks (stream, value_ms, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT(stream) DO UPDATE SET value_ms = MAX(value_ms, excluded.value_ms), updated_ms = excluded.updated_ms`,
      )
      .run(stream, valueMs, nowMs);
  }

  list(): { stream: string; valueMs: number; updatedMs: number }[] {
    return this.db
      .prepare('SELECT stream, value_ms AS valueMs, updated_ms AS updatedMs FROM watermarks ORDER BY stream')
      .all() as { stream: string; valueMs: number; updatedMs: number }[];
  }

  /** Moves the start of a stream's gap-free range back (never forward): see coverageStream. */
  extendCoverage(stream: string, fromMs: number, nowMs: number = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO watermarks (stream, value_ms, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT(stream) DO UPDATE SET value_ms = MIN(value_ms, excluded.value_ms), updated_ms = excluded.updated_ms`,
      )
      .run(coverageStream(stream), fromMs, nowMs);
  }
}
