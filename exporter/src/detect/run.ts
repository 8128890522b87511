import type { BillingCycle } from '../domain/records';
import { addDays, dayStartMs, utcDay } from '../domain/time';
import { backtest, type BacktestResult } from './backtest';
import { cycleAt } from './context';
import { detectWithCrossings } from './detect';
import { FactsBuilder, type Facts, type FactsSink, type FactsWindow } from './facts';
import type { DetectionSettings } from './settings';
import type { DetectionResult } from './types';

/** Days of history before the evaluated day that the widest detector window needs. */
export function lookbackDays(s: DetectionSettings): number {
  return (
    Math.max(
      s.zscore.windowDays,
      s.trends.spendSpikeLookbackDays + s.levelShift.windowDays,
      s.costPerRequest.lookbackDays,
      s.sustained.windowDays,
      s.sustained.teamDays + 21,
      s.modelShift.recentDays + s.modelShift.baselineDays,
      s.drift.weeks * 7,
      s.drift.levelWeeks * 7,
      s.forecast.lookbackDays,
    ) + 1
  ); // +1: daily detectors evaluate yesterday as well as today
}

/**
 * The days to load for detection evaluating [firstDay, toDay]: the lookback before firstDay, or the
 * start of its cycle if earlier; limits from the cycle the loaded window starts in.
 */
function factsWindow(
  cycles: BillingCycle[],
  settings: DetectionSettings,
  firstDay: string,
  toDay: string,
): FactsWindow {
  const cycleStart = utcDay(cycleAt(cycles, dayStartMs(firstDay)).startMs);
  const lookback = addDays(firstDay, -lookbackDays(settings));
  const fromDay = cycleStart < lookback ? cycleStart : lookback;
  return { fromDay, toDay, limitsFromMs: cycleAt(cycles, dayStartMs(fromDay)).startMs };
}

/** The facts a detection run at `nowMs` reads (with the hourly spend its burn rates need). */
export function runWindow(cycles: BillingCycle[], settings: DetectionSettings, nowMs: number): FactsWindow {
  const today = utcDay(nowMs);
  return { ...factsWindow(cycles, settings, today, today), hourlyUntilMs: nowMs };
}

/** The facts a backtest of [fromDay, toDay] reads: the period plus its lookback, hourly spend throughout. */
function backtestWindow(
  cycles: BillingCycle[],
  settings: DetectionSettings,
  fromDay: string,
  toDay: string,
): FactsWindow {
  if (fromDay > toDay) throw new Error(`backtest period ${fromDay}…${toDay} is empty`);
  return { ...factsWindow(cycles, settings, fromDay, toDay), hourlyWholeWindow: true };
}

/** A user's day whose spend crossed `micro`: the onset a finding's alert should carry. */
export interface CrossingAsk {
  email: string;
  day: string;
  micro: number;
}

/** When each asked day's spend first went above its amount (ms), or null; the store answers it from the raw events. */
export type CrossingTimes = (asks: CrossingAsk[]) => (number | null)[];

/**
 * One detection pass over `facts` as of `nowMs`. With `crossingTimes`, alerting findings' onsets
 * are refined to the moment the day's spend crossed the threshold, so MTTD measures the lag behind
 * the data itself and not the few milliseconds between detection and incident.
 */
export function runDetection(
  facts: Facts,
  settings: DetectionSettings,
  nowMs: number,
  crossingTimes?: CrossingTimes,
): DetectionResult {
  const { result, crossings } = detectWithCrossings(facts, settings, nowMs);
  if (!crossingTimes) return result;
  // Only alerts need a precise onset (MTTD); the store answers with one indexed query each.
  const asks = crossings.filter((c) => c.finding.email !== null && c.finding.notify);
  const times = crossingTimes(
    asks.map((c) => ({ email: c.finding.email as string, day: c.finding.day, micro: c.micro })),
  );
  asks.forEach((c, i) => {
    const t = times[i];
    if (t !== null && t >= dayStartMs(c.finding.day))
      c.finding.onsetMs = Math.min(Math.max(c.finding.onsetMs, t), nowMs);
  });
  return result;
}

/**
 * Where a pass's facts come from: the store's DetectionFactsRepo. An interface, so detect/ names
 * no store code and its tests need no database.
 */
export interface FactsSource {
  cycles(): BillingCycle[];
  /** The facts of window `w`, built by `into` (a FactsBuilder for w). */
  load(w: FactsWindow, into: FactsSink): Facts;
  crossingTimes(asks: CrossingAsk[]): (number | null)[];
}

/** A detection run at `nowMs` over the source's facts: its window loaded, alert onsets refined from the source. */
export function detectFrom(source: FactsSource, settings: DetectionSettings, nowMs: number): DetectionResult {
  const w = runWindow(source.cycles(), settings, nowMs);
  return runDetection(source.load(w, new FactsBuilder(w)), settings, nowMs, (asks) => source.crossingTimes(asks));
}

/** A backtest of [fromDay, toDay] over the source's facts (the period and its lookback). */
export function backtestFrom(
  source: Pick<FactsSource, 'cycles' | 'load'>,
  settings: DetectionSettings,
  fromDay: string,
  toDay: string,
): BacktestResult {
  const w = backtestWindow(source.cycles(), settings, fromDay, toDay);
  return backtest(source.load(w, new FactsBuilder(w)), settings, fromDay, toDay);
}
