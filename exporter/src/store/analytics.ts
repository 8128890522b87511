import type { EtagCache } from '../domain/etag-cache';
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

/** ETag cache for Analytics responses (http_etags), persisted so a restart still gets free 304s. */
export class SqliteEtagCache implements EtagCache {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.getStmt = db.prepare('SELECT etag, body FROM http_etags WHERE url = ?');
    this.setStmt = db.prepare(
      `INSERT INTO http_etags (url, etag, body, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, body = excluded.body, updated_ms = excluded.updated_ms`,
    );
  }

  get(url: string): { etag: string; body: string } | undefined {
    return this.getStmt.get(url) as { etag: string; body: string } | undefined;
  }

  set(url: string, etag: string, body: string): void {
    this.setStmt.run(url, etag, body, this.now());
  }
}
