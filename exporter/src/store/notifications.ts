import type { Db } from './db';

/** Digests delivered, one row per kind, period and channel: what makes a digest go out once. */
export class NotificationsRepo {
  constructor(private readonly db: Db) {}

  wasSent(kind: string, period: string, channel: string): boolean {
    return !!this.db
      .prepare('SELECT 1 FROM notifications WHERE kind = ? AND period = ? AND channel = ?')
      .get(kind, period, channel);
  }

  recordSent(kind: string, period: string, channel: string, sentMs: number, attempts: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO notifications (kind, period, channel, sent_ms, attempts) VALUES (?, ?, ?, ?, ?)')
      .run(kind, period, channel, sentMs, attempts);
  }
}
