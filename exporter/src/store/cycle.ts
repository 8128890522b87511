import { DAY_MS, dayStartMs, utcDay } from '../domain/time';
import type { Db } from './db';

/**
 * The one answer to "which billing cycle are we in?" for metrics, digests and the JSON API.
 *
 * Rule (CyclesRepo.resolve):
 * 1. the billing_cycles row (groups endpoint) that contains now;
 * 2. but if the spend endpoint reports a newer cycle start than that row's, that start, with
 *    end = start + 1 calendar month (endKnown false): the two endpoints are collected separately and
 *    the spend one may already be in the next cycle;
 * 3. with no billing_cycles row containing now, the latest spend cycle start + 1 calendar month
 *    (Cursor cycles are monthly; endKnown false);
 * 4. else null: nothing collected yet.
 * Spend starts after now are not in force yet and are ignored.
 */
export interface CycleInfo {
  startMs: number;
  /** Exclusive. */
  endMs: number;
  /** false when endMs was derived as start + 1 month rather than reported by the groups endpoint. */
  endKnown: boolean;
  startDay: string;
  /** Last UTC day inside the cycle (inclusive). */
  lastDay: string;
  lengthDays: number;
  /** Day of the cycle `now` falls on: 1-based, clamped to the cycle. */
  dayOfCycle: number;
  /** ceil((end − now) / day), never negative: the reference's "days remaining". */
  daysLeft: number;
}

function addMonthUtc(ms: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.getTime();
}

export function describeCycle(startMs: number, endMs: number, nowMs: number, endKnown: boolean): CycleInfo {
  const lengthDays = Math.max(1, Math.ceil((endMs - startMs) / DAY_MS));
  return {
    startMs,
    endMs,
    endKnown,
    startDay: utcDay(startMs),
    lastDay: utcDay(endMs - 1),
    lengthDays,
    dayOfCycle: Math.min(lengthDays, Math.max(1, Math.floor((nowMs - startMs) / DAY_MS) + 1)),
    daysLeft: Math.max(0, Math.ceil((endMs - nowMs) / DAY_MS)),
  };
}

/** Which billing cycle is in force, from billing_cycles and spend_snapshots (rule above). */
export class CyclesRepo {
  constructor(private readonly db: Db) {}

  /** The billing cycle in force at `nowMs` (rule above), or null when no cycle was ever collected. */
  resolve(nowMs: number): CycleInfo | null {
    const row = this.db
      .prepare(
        'SELECT start_ms AS startMs, end_ms AS endMs FROM billing_cycles WHERE start_ms <= ? AND ? < end_ms ORDER BY start_ms DESC LIMIT 1',
      )
      .get(nowMs, nowMs) as { startMs: number; endMs: number } | undefined;
    const spendStart = this.db
      .prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots WHERE cycle_start_ms <= ?')
      .pluck()
      .get(nowMs) as number | null;
    if (row && (spendStart === null || spendStart <= row.startMs))
      return describeCycle(row.startMs, row.endMs, nowMs, true);
    return spendStart === null ? null : describeCycle(spendStart, addMonthUtc(spendStart), nowMs, false);
  }

  /** The cycle before `cycle`: the stored one if known, else one of the same length ending at its start. */
  previous(cycle: CycleInfo): CycleInfo {
    const startMs = this.db
      .prepare('SELECT MAX(start_ms) FROM billing_cycles WHERE start_ms < ?')
      .pluck()
      .get(cycle.startMs) as number | null;
    return describeCycle(
      startMs ?? cycle.startMs - (cycle.endMs - cycle.startMs),
      cycle.startMs,
      cycle.startMs,
      startMs !== null,
    );
  }
}

/** 1-based day of the cycle a data day falls on (the reference's "day N of cycle"); not clamped. */
export function dayOfCycle(cycle: Pick<CycleInfo, 'startDay'>, day: string): number {
  return Math.floor((dayStartMs(day) - dayStartMs(cycle.startDay)) / DAY_MS) + 1;
}

/** The last data day to read: the cycle's last day or today, whichever comes first. */
export function lastDataDay(cycle: Pick<CycleInfo, 'lastDay'>, nowMs: number): string {
  const today = utcDay(nowMs);
  return today < cycle.lastDay ? today : cycle.lastDay;
}
