import type { Db } from '../store/db';
import { dayStartMs, DAY_MS } from '../domain/time';

export interface Freshness {
  schemaVersion: number;
  lastCollectionMs: number | null;
  lastCollectionStatus: string | null;
  latestUsageDay: string | null;
}

/** What "Save & test" needs: the store answers, and how old the newest collected data is. */
export function freshness(db: Db): Freshness {
  const run = db
    .prepare(
      `SELECT ended_ms, status FROM collection_runs WHERE ended_ms IS NOT NULL AND status IN ('ok', 'partial') ORDER BY ended_ms DESC LIMIT 1`,
    )
    .get() as { ended_ms: number; status: string } | undefined;
  const day = db.prepare('SELECT MAX(day) FROM usage_team_daily').pluck().get() as string | null;
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    lastCollectionMs: run?.ended_ms ?? null,
    lastCollectionStatus: run?.status ?? null,
    latestUsageDay: day,
  };
}

/** Age of the data: since the last successful collection, else since the end of the newest usage day. */
export function dataAgeMs(f: Freshness, nowMs: number): number | null {
  if (f.lastCollectionMs !== null) return Math.max(0, nowMs - f.lastCollectionMs);
  if (f.latestUsageDay !== null) return Math.max(0, nowMs - (dayStartMs(f.latestUsageDay) + DAY_MS));
  return null;
}
