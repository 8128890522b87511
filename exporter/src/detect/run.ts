import { addDays, dayStartMs, utcDay } from '../domain/time';
import type { Db } from '../store/db';
import { backtest, type BacktestResult } from './backtest';
import { cycleAt } from './context';
import { detectWithCrossings } from './detect';
import { crossingTimes, loadCycles, loadFacts } from './facts';
import type { DetectionSettings } from './settings';
import type { DetectionResult } from './types';

/** Days of history before the evaluated day that the widest detector window needs. */
export function lookbackDays(s: DetectionSettings): number {
  return Math.max(
    s.zscore.windowDays,
    s.trends.spendSpikeLookbackDays + s.levelShift.windowDays,
    s.costPerRequest.lookbackDays,
    s.sustained.windowDays,
    s.sustained.teamDays + 21,
    s.modelShift.recentDays + s.modelShift.baselineDays,
    s.drift.weeks * 7,
    s.drift.levelWeeks * 7,
    s.forecast.lookbackDays,
  ) + 1; // +1: daily detectors evaluate yesterday as well as today
}

/** First day to load for a run at `atMs`: the lookback, or the cycle start if earlier. */
function windowStart(db: Db, settings: DetectionSettings, day: string): string {
  const cycleStart = utcDay(cycleAt(loadCycles(db), dayStartMs(day)).startMs);
  const lookback = addDays(day, -lookbackDays(settings));
  return cycleStart < lookback ? cycleStart : lookback;
}

/**
 * One detection pass over the store as of `nowMs`. Findings' onsets are refined from the raw
 * events: the moment the day's spend crossed the threshold, so MTTD measures the lag behind the
 * data itself and not the few milliseconds between detection and incident.
 */
export function runDetection(db: Db, settings: DetectionSettings, nowMs: number): DetectionResult {
  const today = utcDay(nowMs);
  const facts = loadFacts(db, { fromDay: windowStart(db, settings, today), toDay: today, hourlyUntilMs: nowMs });
  const { result, crossings } = detectWithCrossings(facts, settings, nowMs);
  // Only alerts need a precise onset (MTTD); one indexed query each.
  const asks = crossings.filter((c) => c.finding.email !== null && c.finding.notify);
  const times = crossingTimes(db, asks.map((c) => ({ email: c.finding.email as string, day: c.finding.day, micro: c.micro })));
  asks.forEach((c, i) => {
    const t = times[i];
    if (t !== null && t >= dayStartMs(c.finding.day)) c.finding.onsetMs = Math.min(Math.max(c.finding.onsetMs, t), nowMs);
  });
  return result;
}

/** Backtest over the store: loads the period plus its lookback and replays detection day by day. */
export function backtestStore(db: Db, settings: DetectionSettings, fromDay: string, toDay: string): BacktestResult {
  if (fromDay > toDay) throw new Error(`backtest period ${fromDay}…${toDay} is empty`);
  const facts = loadFacts(db, { fromDay: windowStart(db, settings, fromDay), toDay, hourlyWholeWindow: true });
  return backtest(facts, settings, fromDay, toDay);
}
