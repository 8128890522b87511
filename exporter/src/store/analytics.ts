import type { AnalyticsRow } from '../domain/records';
import type { Db } from './db';

/** Flattened Analytics API rows (analytics_rows). */
export class AnalyticsRepo {
  constructor(private readonly db: Db) {}

  /** Upserts rows keyed (endpoint, day, key); values are kept as a JSON object. */
  upsert(rows: AnalyticsRow[]): number {
    const stmt = this.db.prepare(
      `INSERT INTO analytics_rows (endpoint, day, key, data) VALUES (?, ?, ?, ?)
       ON CONFLICT(endpoint, day, key) DO UPDATE SET data = excluded.data`,
    );
    this.db.transaction(() => {
      for (const r of rows) stmt.run(r.endpoint, r.day, r.key, JSON.stringify(r.values));
    })();
    return rows.length;
  }
}
