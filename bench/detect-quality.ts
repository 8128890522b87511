/**
 * bench/detect-quality: detection quality against the simulator's ground truth. For several seeds,
 * a simulated team (default scenario: borderline and clear anomalies plus benign look-alikes — a
 * Monday after a quiet weekend, new hires' first weeks, a one-day surge of the whole team) goes
 * through the real path: raw events → normalize → store → backtest with the DEFAULT settings, day
 * by day over the last 4 weeks. The alerts that backtest would have raised (notifying findings that
 * open an incident) are matched to ground truth by person (or team) and day window.
 *
 * - precision = alerts matching an injected anomaly ÷ all alerts (benign patterns and natural
 *   variation both count against it);
 * - recall = injected anomalies caught by at least one alert ÷ injected anomalies;
 * - per detector: precision of its alerts, recall over the kinds it is meant to catch.
 */
import { toUsageEvent } from '../exporter/src/cursor/normalize';
import { DAY_MS, addDays, dayStartMs, daysBetween } from '../exporter/src/domain/time';
import { backtestStore } from '../exporter/src/detect/run';
import { DEFAULT_SETTINGS } from '../exporter/src/detect/settings';
import { DETECTOR_IDS, type DetectorId, type Finding } from '../exporter/src/detect/types';
import { createSimulation, type GroundTruthEntry, type Simulation } from '../exporter/src/simulator';
import { openDb, type Db } from '../exporter/src/store/db';
import { EventKeyer } from '../exporter/src/store/event-key';
import { upsertMembers } from '../exporter/src/store/members';
import { insertUsageEvents } from '../exporter/src/store/usage-events';

const SEEDS = [1, 2, 3, 4, 5];
const USERS = 120;
const HISTORY_DAYS = 60;
const END_DAY = '2026-03-31';
const BACKTEST_DAYS = 28;
/** An alert up to this many days after an anomaly's last day still counts as catching it. */
const SLACK_DAYS = 2;

/** Which detectors are meant to catch which injected kind (for per-detector recall). */
const TARGETS: Record<string, DetectorId[]> = {
  'spend-spike': ['spend_spike', 'zscore'],
  'model-switch': ['cost_per_request', 'model_shift'],
  drift: ['drift'],
  'cap-breach': ['cap_spend_cycle'],
  'team-surge': ['sustained_high'],
};

interface Counts {
  alerts: number;
  truePositives: number;
  targeted: number;
  caught: number;
}

function loadStore(sim: Simulation): Db {
  const db = openDb(':memory:');
  const now = dayStartMs(sim.endDay) + DAY_MS;
  upsertMembers(
    db,
    sim.members.map((m) => ({ email: m.email, userId: m.id, name: m.name, role: m.role, isRemoved: m.isRemoved })),
    now,
  );
  const insGroup = db.prepare('INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, ?)');
  for (const g of sim.groups) insGroup.run(g.id, g.name, now);
  const insMember = db.prepare('INSERT INTO group_members (email, group_id) VALUES (?, ?)');
  for (const m of sim.members) if (m.groupIndex !== null) insMember.run(m.email, sim.groups[m.groupIndex].id);
  const cycles = new Map<number, number>();
  for (const day of daysBetween(sim.startDay, sim.endDay)) {
    const c = sim.cycleAt(dayStartMs(day));
    cycles.set(c.startMs, c.endMs);
  }
  const insCycle = db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)');
  for (const [s, e] of cycles) insCycle.run(s, e);
  // The per-person limits, as the collector stores them from /teams/spend.
  const cycleStart = sim.cycleAt(dayStartMs(sim.endDay)).startMs;
  const insLimit = db.prepare(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, monthly_limit_dollars, collected_ms)
     VALUES (?, ?, 0, 0, 0, ?, ?)`,
  );
  for (const m of sim.members) if (m.monthlyLimitDollars !== null) insLimit.run(cycleStart, m.email, m.monthlyLimitDollars, now);
  const keyer = new EventKeyer();
  for (const day of daysBetween(sim.startDay, sim.endDay)) {
    const events = sim.eventsForDay(day).map(toUsageEvent);
    db.transaction(() => insertUsageEvents(db, events, keyer))();
  }
  return db;
}

function matches(f: Finding, t: GroundTruthEntry, simEnd: string): boolean {
  if (t.benign) return false;
  const who = t.email === null ? f.subject === 'team' : f.email === t.email;
  // Drift keeps the level it reached, so its effect (and a fair alert) lasts to the end.
  const last = t.kind === 'drift' ? simEnd : addDays(t.endDay, SLACK_DAYS);
  return who && f.day >= t.startDay && f.day <= last;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : Math.round((a / b) * 1000) / 1000;
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : Math.round(((2 * p * r) / (p + r)) * 1000) / 1000;
}

export async function run(): Promise<Record<string, unknown>> {
  const per: Record<string, Counts> = Object.fromEntries(DETECTOR_IDS.map((d) => [d, { alerts: 0, truePositives: 0, targeted: 0, caught: 0 }]));
  const byKind: Record<string, { injected: number; caught: number }> = {};
  const falsePositives: Record<string, number> = {};
  let alerts = 0;
  let truePositives = 0;
  let injected = 0;
  let caught = 0;
  const t0 = Date.now();
  for (const seed of SEEDS) {
    const sim = createSimulation({ seed, users: USERS, historyDays: HISTORY_DAYS, endDay: END_DAY, scenario: 'default' });
    const db = loadStore(sim);
    const from = addDays(sim.endDay, -(BACKTEST_DAYS - 1));
    const result = backtestStore(db, DEFAULT_SETTINGS, from, sim.endDay);
    db.close();
    const truth = sim.groundTruth.filter((t) => t.benign || t.endDay >= from);
    for (const f of result.alerts) {
      alerts++;
      per[f.detector].alerts++;
      const hit = truth.some((t) => matches(f, t, sim.endDay));
      if (hit) {
        truePositives++;
        per[f.detector].truePositives++;
      } else {
        const benign = truth.find((t) => t.benign && (t.email === null || t.email === f.email) && f.day >= t.startDay && f.day <= addDays(t.endDay, SLACK_DAYS));
        const label = `${f.detector}${benign ? ` on ${benign.kind}` : ''}`;
        falsePositives[label] = (falsePositives[label] ?? 0) + 1;
      }
    }
    for (const t of truth.filter((x) => !x.benign)) {
      injected++;
      byKind[t.kind] ??= { injected: 0, caught: 0 };
      byKind[t.kind].injected++;
      const found = result.alerts.filter((f) => matches(f, t, sim.endDay));
      if (found.length > 0) {
        caught++;
        byKind[t.kind].caught++;
      }
      for (const d of TARGETS[t.kind] ?? []) {
        per[d].targeted++;
        if (found.some((f) => f.detector === d)) per[d].caught++;
      }
    }
  }
  const precision = ratio(truePositives, alerts);
  const recall = ratio(caught, injected);
  const detectors = Object.fromEntries(
    Object.entries(per)
      .filter(([, c]) => c.alerts > 0 || c.targeted > 0)
      .map(([d, c]) => {
        const p = ratio(c.truePositives, c.alerts);
        const r = c.targeted > 0 ? ratio(c.caught, c.targeted) : null;
        return [d, { alerts: c.alerts, true_positives: c.truePositives, precision: p, recall: r, f1: r === null ? null : f1(p, r) }];
      }),
  );
  const kinds = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { ...v, recall: ratio(v.caught, v.injected) }]));
  const seconds = (Date.now() - t0) / 1000;

  console.log(`detect-quality: ${SEEDS.length} seeds × ${USERS} users, default scenario, backtest of the last ${BACKTEST_DAYS} days (${seconds.toFixed(1)} s)`);
  console.log(`overall: precision ${precision}  recall ${recall}  F1 ${f1(precision, recall)}  (${truePositives}/${alerts} alerts true, ${caught}/${injected} anomalies caught)`);
  for (const [d, v] of Object.entries(detectors))
    console.log(`  ${d.padEnd(18)} alerts ${String(v.alerts).padStart(3)}  precision ${v.precision}  recall ${v.recall ?? '–'}`);
  for (const [k, v] of Object.entries(kinds)) console.log(`  kind ${k.padEnd(14)} caught ${v.caught}/${v.injected}`);
  if (Object.keys(falsePositives).length) console.log(`  false positives: ${JSON.stringify(falsePositives)}`);

  return {
    seeds: SEEDS,
    users: USERS,
    backtest_days: BACKTEST_DAYS,
    overall: { precision, recall, f1: f1(precision, recall) },
    detectors,
    kinds,
    false_positives: falsePositives,
    seconds,
  };
}
