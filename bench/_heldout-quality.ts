/**
 * The held-out family of bench/detect-quality (bench/_heldout-team.ts): for each seed, the team's
 * usage goes into a store as collection leaves it, and the store backtest (the code behind
 * POST /api/v1/settings/backtest) replays detection day by day over the last 28 days with the given
 * settings. Its alerts are matched to the ground truth by person and day:
 * - an alert matches an anomaly on the same person dated from its first day to 2 days after its
 *   last (growth and cycle outliers: to the end of the data, their level stays);
 * - a cycle_outlier alert (the person's cycle-to-date total against the team's) also matches an
 *   anomaly of that person lying in the cycle it summed: a week of a 7× model switch puts a person
 *   over 10× the median for the rest of the cycle, and the alert is about that spend. Precision
 *   without this rule is reported too (precision_strict);
 * - a team-wide busy week is a look-alike for the personal detectors, and for the team what
 *   sustained_high's team rule reports by design (the tuned family's team-surge): a team alert
 *   whose condition began in it is counted apart (team_alerts_on_busy_week), neither true nor false;
 * - precision = matching alerts ÷ all alerts (natural variation counts against it);
 * - recall per kind and per tier (borderline, clear);
 * - a look-alike is flagged when an alert that matches no anomaly falls on it: on its person from
 *   its first day to a day after its last; a team-wide one (release day, weekend lull, busy week)
 *   when such an alert's condition began on those days (its onset: a weeks-long drift or a
 *   cycle total reported on a release day is not the release day's doing).
 */
import { DAY_MS, addDays, dayStartMs, utcDay } from '../exporter/src/domain/time';
import { backtestFrom } from '../exporter/src/detect/run';
import type { DetectionSettings } from '../exporter/src/detect/settings';
import type { Finding } from '../exporter/src/detect/types';
import { openDb, type Db } from '../exporter/src/store/db';
import { DetectionFactsRepo } from '../exporter/src/store/detection-facts';
import { MembersRepo } from '../exporter/src/store/members';
import { addUsageDaily } from '../exporter/src/store/usage-daily';
import {
  HELDOUT_CALENDAR,
  HELDOUT_SEEDS,
  HELDOUT_USERS,
  heldoutTeam,
  type HeldoutCalendar,
  type HeldoutTeam,
  type HeldoutTruth,
} from './_heldout-team';

const BACKTEST_DAYS = 28;
const SLACK_DAYS = 2;
const LASTING = new Set<HeldoutTruth['kind']>(['growth', 'cycle-outlier']);

function store(team: HeldoutTeam): Db {
  const db = openDb(':memory:');
  const now = dayStartMs(team.endDay) + DAY_MS;
  new MembersRepo(db).upsert(
    team.members.map((m) => ({ email: m.email, userId: null, name: m.name, role: 'member', isRemoved: false })),
    now,
  );
  const insGroup = db.prepare('INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, ?)');
  for (const g of team.groups) insGroup.run(g.id, g.name, now);
  const insMember = db.prepare('INSERT INTO group_members (email, group_id) VALUES (?, ?)');
  for (const m of team.members) insMember.run(m.email, m.groupId);
  const insCycle = db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)');
  for (const c of team.cycles) insCycle.run(c.startMs, c.endMs);
  addUsageDaily(db, team.rows);
  return db;
}

function matchesAnomaly(f: Finding, t: HeldoutTruth, team: HeldoutTeam, strict = false): boolean {
  if (t.tier === 'benign' || f.email !== t.email) return false;
  if (f.day >= t.startDay && f.day <= (LASTING.has(t.kind) ? team.endDay : addDays(t.endDay, SLACK_DAYS))) return true;
  if (strict || f.detector !== 'cycle_outlier') return false;
  const at = dayStartMs(f.day);
  const cycle = team.cycles.find((c) => c.startMs <= at && at < c.endMs);
  return cycle !== undefined && t.startDay <= f.day && dayStartMs(t.endDay) >= cycle.startMs;
}

function fallsOn(f: Finding, t: HeldoutTruth): boolean {
  const last = addDays(t.endDay, 1);
  if (t.email !== null) return f.email === t.email && f.day >= t.startDay && f.day <= last;
  // A team-wide day is blamed for what began on it, not for a weeks-long trend reported that day.
  const onset = utcDay(f.onsetMs);
  return onset >= t.startDay && onset <= last;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

export function heldoutFamily(
  settings: DetectionSettings,
  seeds: number[] = HELDOUT_SEEDS,
  calendar: HeldoutCalendar = HELDOUT_CALENDAR,
  label = 'held-out family',
): Record<string, unknown> {
  const t0 = Date.now();
  const kinds: Record<string, { injected: number; caught: number }> = {};
  const benign: Record<string, { total: number; flagged: number }> = {};
  const byDetector: Record<string, { alerts: number; true_positives: number }> = {};
  const falseAlarms: {
    seed: number;
    day: string;
    detector: string;
    email: string | null;
    on: string;
    message: string;
  }[] = [];
  const misses: { seed: number; kind: string; tier: string; email: string | null; day: string; magnitude: number }[] =
    [];
  const perSeed: {
    seed: number;
    alerts: number;
    true_positives: number;
    anomalies: number;
    caught: number;
    benign_flagged: number;
  }[] = [];
  let alerts = 0;
  let tp = 0;
  let tpStrict = 0;
  let teamOnBusy = 0;
  let injected = 0;
  let caught = 0;
  for (const seed of seeds) {
    const team = heldoutTeam(seed, calendar);
    const db = store(team);
    const from = addDays(team.endDay, -(BACKTEST_DAYS - 1));
    const { alerts: all } = backtestFrom(new DetectionFactsRepo(db), settings, from, team.endDay);
    db.close();
    const busyWeeks = team.truth.filter((t) => t.kind === 'busy-week');
    const found = all.filter((f) => !(f.subject === 'team' && busyWeeks.some((t) => fallsOn(f, t))));
    teamOnBusy += all.length - found.length;
    const anomalies = team.truth.filter((t) => t.tier !== 'benign');
    const s = {
      seed,
      alerts: found.length,
      true_positives: 0,
      anomalies: anomalies.length,
      caught: 0,
      benign_flagged: 0,
    };
    const unmatched: Finding[] = [];
    for (const f of found) {
      const d = (byDetector[f.detector] ??= { alerts: 0, true_positives: 0 });
      d.alerts++;
      if (anomalies.some((t) => matchesAnomaly(f, t, team, true))) tpStrict++;
      if (anomalies.some((t) => matchesAnomaly(f, t, team))) {
        d.true_positives++;
        s.true_positives++;
      } else {
        unmatched.push(f);
        const on = team.truth.find((t) => t.tier === 'benign' && fallsOn(f, t));
        falseAlarms.push({
          seed,
          day: f.day,
          detector: f.detector,
          email: f.email,
          on: on?.kind ?? 'natural variation',
          message: f.message,
        });
      }
    }
    for (const t of anomalies) {
      const k = (kinds[`${t.kind} ${t.tier}`] ??= { injected: 0, caught: 0 });
      k.injected++;
      // Caught: an alert about it in time (a later cycle total that includes it is no catch).
      if (found.some((f) => matchesAnomaly(f, t, team, true))) {
        k.caught++;
        s.caught++;
      } else misses.push({ seed, kind: t.kind, tier: t.tier, email: t.email, day: t.startDay, magnitude: t.magnitude });
    }
    for (const t of team.truth.filter((x) => x.tier === 'benign')) {
      const b = (benign[t.kind] ??= { total: 0, flagged: 0 });
      b.total++;
      if (unmatched.some((f) => fallsOn(f, t))) {
        b.flagged++;
        s.benign_flagged++;
      }
    }
    alerts += s.alerts;
    tp += s.true_positives;
    injected += s.anomalies;
    caught += s.caught;
    perSeed.push(s);
    console.error(
      `  ${label} seed ${seed}: ${s.alerts} alerts (${s.alerts - s.true_positives} false), ${s.caught}/${s.anomalies} anomalies, ${s.benign_flagged} look-alikes flagged`,
    );
  }
  const perKind: Record<string, { injected: number; caught: number; recall: number }> = {};
  for (const [k, v] of Object.entries(kinds)) {
    const kind = k.split(' ')[0];
    const all = (perKind[kind] ??= { injected: 0, caught: 0, recall: 0 });
    all.injected += v.injected;
    all.caught += v.caught;
  }
  for (const v of Object.values(perKind)) v.recall = ratio(v.caught, v.injected);
  const tiers = Object.fromEntries(
    Object.entries(kinds)
      .sort()
      .map(([k, v]) => [k, { ...v, recall: ratio(v.caught, v.injected) }]),
  );
  const benignTotal = Object.values(benign).reduce((a, b) => a + b.total, 0);
  const benignFlagged = Object.values(benign).reduce((a, b) => a + b.flagged, 0);
  const precision = ratio(tp, alerts);
  const precisionStrict = ratio(tpStrict, alerts);
  const recall = ratio(caught, injected);
  const seconds = (Date.now() - t0) / 1000;
  console.log(
    `${label}: ${seeds.length} seeds × ${HELDOUT_USERS} users (bench/_heldout-team.ts), backtest of the last ${BACKTEST_DAYS} days (${seconds.toFixed(1)} s)`,
  );
  if (teamOnBusy > 0)
    console.log(`team alerts on the busy week (sustained_high, by design; not counted): ${teamOnBusy}`);
  console.log(
    `overall: precision ${precision} (strict ${precisionStrict})  recall ${recall}  (${tp}/${alerts} alerts true, ${caught}/${injected} anomalies caught); look-alikes flagged ${benignFlagged}/${benignTotal}`,
  );
  for (const [k, v] of Object.entries(perKind))
    console.log(`  kind ${k.padEnd(14)} caught ${v.caught}/${v.injected}  recall ${v.recall}`);
  for (const [k, v] of Object.entries(tiers)) console.log(`    ${k.padEnd(24)} ${v.caught}/${v.injected}`);
  for (const [k, v] of Object.entries(benign))
    console.log(`  look-alike ${k.padEnd(18)} flagged ${v.flagged}/${v.total}`);
  for (const [d, v] of Object.entries(byDetector))
    console.log(
      `  ${d.padEnd(18)} alerts ${String(v.alerts).padStart(3)}  precision ${ratio(v.true_positives, v.alerts)}`,
    );
  return {
    seeds,
    users: HELDOUT_USERS,
    backtest_days: BACKTEST_DAYS,
    overall: {
      precision,
      precision_strict: precisionStrict,
      recall,
      team_alerts_on_busy_week: teamOnBusy,
      benign_flagged: benignFlagged,
      benign_total: benignTotal,
      benign_flagged_rate: ratio(benignFlagged, benignTotal),
    },
    kinds: perKind,
    tiers,
    benign,
    detectors: Object.fromEntries(
      Object.entries(byDetector).map(([d, v]) => [d, { ...v, precision: ratio(v.true_positives, v.alerts) }]),
    ),
    per_seed: perSeed,
    misses,
    false_alarms: falseAlarms,
    seconds,
  };
}
