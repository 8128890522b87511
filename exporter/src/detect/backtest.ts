import { DAY_MS, dayStartMs, daysBetween } from '../domain/time';
import { detect } from './detect';
import type { Facts } from './facts';
import type { DetectionSettings } from './settings';
import type { Finding } from './types';

export interface BacktestDay {
  day: string;
  findings: Finding[]; // what a detection run at the end of that day returns
}

export interface BacktestResult {
  fromDay: string;
  toDay: string;
  days: BacktestDay[];
  /**
   * The alerts those runs would have raised: a notifying finding whose key has no open incident.
   * An incident stays open while its key keeps being found (with or without notify) and resolves
   * after settings.autoResolveAfterRuns runs without it, as the incident lifecycle does.
   */
  alerts: Finding[];
}

/**
 * Replays detection once per day over [fromDay, toDay] with the given settings, each run at the
 * last millisecond of its day, so each day's findings equal those of a real run at that moment.
 * The facts must cover the lookback before fromDay.
 */
export function backtest(facts: Facts, settings: DetectionSettings, fromDay: string, toDay: string): BacktestResult {
  const days: BacktestDay[] = [];
  const alerts: Finding[] = [];
  const clearRuns = new Map<string, number>(); // open incident key → consecutive runs without it
  for (const day of daysBetween(fromDay, toDay)) {
    const findings = detect(facts, settings, dayStartMs(day) + DAY_MS - 1).findings;
    days.push({ day, findings });
    const seen = new Set(findings.map((f) => f.key));
    for (const [key, n] of clearRuns) {
      if (seen.has(key)) continue;
      if (n + 1 >= settings.autoResolveAfterRuns) clearRuns.delete(key);
      else clearRuns.set(key, n + 1);
    }
    for (const f of findings) {
      if (clearRuns.has(f.key)) clearRuns.set(f.key, 0);
      else if (f.notify) {
        alerts.push(f);
        clearRuns.set(f.key, 0);
      }
    }
  }
  return { fromDay, toDay, days, alerts };
}
