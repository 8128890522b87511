import type { EtagCache } from '../domain/etag-cache';
import type { Db } from './db';

/** ETag cache for Analytics responses (http_etags), persisted so a restart still gets free 304s. */
export class EtagsRepo implements EtagCache {
  private readonly getStmt;
  private readonly setStmt;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
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
