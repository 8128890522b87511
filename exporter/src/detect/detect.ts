import { burnRates } from './burn';
import { type Ctx, type Detector, type DetectorOutput, makeContext } from './context';
import { budgetBurn } from './detectors/budget-burn';
import { capRequestsDay } from './detectors/cap-requests-day';
import { capSpendCycle } from './detectors/cap-spend-cycle';
import { capTokensDay } from './detectors/cap-tokens-day';
import { costPerRequest } from './detectors/cost-per-request';
import { cycleOutlier } from './detectors/cycle-outlier';
import { drift } from './detectors/drift';
import { levelDrift } from './detectors/level-drift';
import { levelShift } from './detectors/level-shift';
import { modelShift } from './detectors/model-shift';
import { planExhausted } from './detectors/plan-exhausted';
import { spendSpike } from './detectors/spend-spike';
import { sustainedHigh } from './detectors/sustained-high';
import { sustainedTeam } from './detectors/sustained-team';
import { teamBudget } from './detectors/team-budget';
import { usersLimited } from './detectors/users-limited';
import { zscore } from './detectors/zscore';
import type { Facts } from './facts';
import { forecasts } from './forecast';
import { savings } from './savings';
import type { DetectionSettings } from './settings';
import type { DetectionResult, Finding, Severity, Signal } from './types';

/** The detectors a pass runs over its evaluated days, in order (exported for per-detector timings in bench/detect-speed). */
export const DAILY_DETECTORS: Detector[] = [
  capSpendCycle,
  capRequestsDay,
  capTokensDay,
  zscore,
  spendSpike,
  levelShift,
  cycleOutlier,
  costPerRequest,
  sustainedHigh,
  sustainedTeam,
  modelShift,
  drift,
  levelDrift,
  planExhausted,
  usersLimited,
  teamBudget,
];

/** Detection over facts, pure: the same facts, settings and instant always give the same result. */
export function detect(facts: Facts, settings: DetectionSettings, nowMs: number): DetectionResult {
  return detectWithCrossings(facts, settings, nowMs).result;
}

/** detect() plus, per finding, the spend at which its day crossed the threshold (for onset refinement). */
export function detectWithCrossings(
  facts: Facts,
  settings: DetectionSettings,
  nowMs: number,
): { result: DetectionResult; crossings: DetectorOutput['crossings'] } {
  const ctx: Ctx = makeContext(facts, settings, nowMs);
  const burn = burnRates(ctx);
  const outputs = [...DAILY_DETECTORS.map((run) => run(ctx)), budgetBurn(ctx, burn)];
  const findings = mergeByKey(outputs.flatMap((o) => o.findings));
  const kept = new Set(findings);
  return {
    result: {
      findings,
      signals: mergeSignals(outputs.flatMap((o) => o.signals)),
      forecasts: forecasts(ctx),
      burn,
      savings: savings(ctx),
    },
    crossings: outputs.flatMap((o) => o.crossings).filter((c) => kept.has(c.finding)),
  };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * One finding per key (the reference opened two incidents for two same-key detections in a run):
 * the most severe, then the latest day, carrying the earliest onset of the condition.
 */
function mergeByKey(all: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of all) {
    const cur = byKey.get(f.key);
    if (!cur) {
      byKey.set(f.key, f);
      continue;
    }
    const better =
      RANK[f.severity] > RANK[cur.severity] || (RANK[f.severity] === RANK[cur.severity] && f.day > cur.day) ? f : cur;
    better.onsetMs = Math.min(f.onsetMs, cur.onsetMs);
    better.notify = f.notify || cur.notify;
    byKey.set(f.key, better);
  }
  return [...byKey.values()];
}

function mergeSignals(all: Signal[]): Signal[] {
  const by = new Map<string, Signal>();
  for (const s of all) {
    const k = `${s.detector}\u0000${s.email}\u0000${s.groupId}`;
    const cur = by.get(k);
    if (!cur || s.value / s.threshold > cur.value / cur.threshold) by.set(k, s);
  }
  return [...by.values()];
}
