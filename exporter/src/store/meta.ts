import type { Db } from './db';

/** Small key/value settings and bookkeeping (limited-users count, collector lease, …). */
export class MetaRepo {
  constructor(private readonly db: Db) {}

  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string, nowMs: number = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO meta (key, value, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`,
      )
      .run(key, value, nowMs);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }
}
