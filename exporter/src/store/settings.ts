import type { Db } from './db';

export interface SettingsRow {
  /** The saved document, as JSON text (validation is the settings module's). */
  value: string;
  updatedMs: number;
}

/** Documents saved through the API (the detection settings), one row per key. */
export class SettingsRepo {
  constructor(private readonly db: Db) {}

  get(key: string): SettingsRow | undefined {
    return this.db.prepare('SELECT value, updated_ms AS updatedMs FROM settings WHERE key = ?').get(key) as
      SettingsRow | undefined;
  }

  put(key: string, value: string, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`,
      )
      .run(key, value, nowMs);
  }
}
