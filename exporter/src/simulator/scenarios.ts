/**
 * Scenarios: anomalies (and benign look-alikes) injected into the synthetic usage, each with a
 * ground-truth entry saying who, when, what and how much. Resolution turns specs into concrete
 * per-user and team-wide effects; the usage generator asks `effectFor(user, day)`.
 */
import { dayStartMs, DAY_MS, isWeekend, utcDay } from '../domain/time';
import { MODEL_INDEX, MODELS, PERSONA_MIX, PERSONAS } from './catalog';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';
import { cycleOfDay, type SimMember, type SimTeam } from './team';

export type AnomalyKind = 'spend-spike' | 'model-switch' | 'drift' | 'team-surge' | 'cap-breach';
export type BenignKind = 'monday-after-quiet-weekend' | 'new-hire-first-week' | 'one-day-team-surge';
export type ScenarioKind = AnomalyKind | BenignKind;
/**
 * Facts about the team rather than injected events, listed in the 'default' ground truth so a
 * detector that reports them is not scored as a false alarm: a 'heavy-spender' spends, by
 * construction (persona × personal scale), at least HEAVY_SPENDER_MULTIPLE × the team's median —
 * exactly what the cycle outlier is documented to report (seed.md §3.3).
 */
export type StandingKind = 'heavy-spender';

export interface ScenarioSpec {
  kind: ScenarioKind;
  /** Default: a seeded pick of a regular, active user not used by another scenario. */
  email?: string;
  /** Start day; default: seeded within the last 21 days. */
  day?: string;
  days?: number;
  /**
   * spend-spike: × the user's baseline (default 3–12); team-surge / one-day-team-surge: × volume;
   * drift: weekly growth (0.15 = +15 %/week); cap-breach: the cap in dollars (default: just above
   * the user's on-demand spend so far); model-switch: computed ($/request ratio), not an input.
   */
  magnitude?: number;
  model?: string; // model-switch target (default claude-4.6-opus-max)
}

export interface GroundTruthEntry {
  kind: ScenarioKind | StandingKind;
  benign: boolean;
  email: string | null; // null = whole team
  startDay: string;
  endDay: string;
  magnitude: number;
  model?: string;
  /** spend-spike: the baseline the magnitude multiplies (median of the 14 prior days with spend), in cents. */
  baselineCents?: number;
}

export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'spend-spike',
  'model-switch',
  'drift',
  'team-surge',
  'cap-breach',
];
export const BENIGN_KINDS: readonly BenignKind[] = [
  'monday-after-quiet-weekend',
  'new-hire-first-week',
  'one-day-team-surge',
];

/** The cycle outlier's documented default: a heavy spender is at least this multiple of the team median. */
export const HEAVY_SPENDER_MULTIPLE = 10;

/** What a scenario does to one user on one day. Neutral values mean "no effect". */
export interface DayEffect {
  volumeMul: number; // × requests
  costMul: number; // × cost of each request (drift)
  activityMul: number; // × probability of being active at all
  forceActive: boolean;
  switchModel: number; // model index or -1
  switchShare: number; // share of requests moved to switchModel
  spikeMagnitude: number; // 0 = none; else the day's spend = magnitude × baseline
  capCents: number; // 0 = none; else on-demand spend passes this cap on the day
}

export const NEUTRAL_EFFECT: Readonly<DayEffect> = {
  volumeMul: 1,
  costMul: 1,
  activityMul: 1,
  forceActive: false,
  switchModel: -1,
  switchShare: 0,
  spikeMagnitude: 0,
  capCents: 0,
};

interface Window {
  fromDayNum: number;
  toDayNum: number; // inclusive; Infinity for effects that persist (drift keeps its level)
  apply(e: DayEffect, dayNum: number): void;
}

const DEFAULT_SWITCH_MODEL = 'claude-4.6-opus-max';
const SWITCH_SHARE = 0.85;

/**
 * The 'default' mix: every kind, several users for the per-user kinds, borderline magnitudes included.
 *
 * Spike magnitudes multiply the median of the user's last 14 days WITH spend (the ledger's baseline),
 * while the spike detector divides by the trailing 7-day average with quiet days as zero: for a steady
 * user (active ~5 weekdays, rarely at weekends) that average is well below the median on quiet weeks,
 * and daily spend is heavy-tailed (one dear day in the week lifts the average), so magnitude m reads
 * as roughly 0.7·m to 1.5·m on the detector's scale. The earlier 3.2 and 4 read mostly BELOW the
 * reference's 5× default — not anomalies by the product's own definition — so calling them
 * anomalies was a scenario error. Borderline now means near the threshold on the detector's scale:
 * on seeds 1–10, 6 reads 6.2–11.4× (median ~8×) and 7 reads 7.6–18.5× (median ~10×) — the lower
 * ones close to the 5× line, none under it; 9 and 12 are the clear ones. bench/detect-quality
 * prints each spike's ratio as the detector computes it.
 */
const DEFAULT_MIX: readonly ScenarioSpec[] = [
  { kind: 'spend-spike', magnitude: 6 },
  { kind: 'spend-spike', magnitude: 7 },
  { kind: 'spend-spike', magnitude: 9 },
  { kind: 'spend-spike', magnitude: 12 },
  { kind: 'model-switch', days: 6 },
  { kind: 'model-switch', days: 10, model: 'claude-4.5-opus' },
  { kind: 'drift', magnitude: 0.12, days: 28 },
  { kind: 'drift', magnitude: 0.2, days: 21 },
  { kind: 'cap-breach' },
  { kind: 'cap-breach' },
  { kind: 'team-surge', magnitude: 1.7, days: 4 },
  { kind: 'monday-after-quiet-weekend' },
  { kind: 'new-hire-first-week' },
  { kind: 'new-hire-first-week' },
  { kind: 'one-day-team-surge', magnitude: 1.8 },
];

export { isWeekend };

function dayNumOf(day: string): number {
  return Math.round(dayStartMs(day) / DAY_MS);
}

function dayOf(dayNum: number): string {
  return utcDay(dayNum * DAY_MS);
}

export interface ResolveContext {
  seed: number;
  team: SimTeam;
  startDayNum: number;
  endDayNum: number;
}

/** Resolved scenarios: the per-day effect lookup plus ground truth (cap-breach entries are completed by `finalizeCaps`). */
export class ScenarioSet {
  readonly groundTruth: GroundTruthEntry[] = [];
  private readonly perUser = new Map<number, Window[]>();
  private readonly teamWide: Window[] = [];
  /**
   * Entries whose numbers depend on the generated spend before their start day (a spike's
   * baseline, a default cap); the simulation completes them once its ledger exists.
   */
  readonly pending: {
    kind: 'spike' | 'cap';
    memberIndex: number;
    dayNum: number;
    entry: GroundTruthEntry;
    setCap?(cents: number): void;
  }[] = [];

  effectFor(userIndex: number, dayNum: number): DayEffect | null {
    const own = this.perUser.get(userIndex);
    if (!own && this.teamWide.length === 0) return null;
    let effect: DayEffect | null = null;
    for (const list of own ? [this.teamWide, own] : [this.teamWide]) {
      for (const w of list) {
        if (dayNum < w.fromDayNum || dayNum > w.toDayNum) continue;
        effect ??= { ...NEUTRAL_EFFECT };
        w.apply(effect, dayNum);
      }
    }
    return effect;
  }

  addUser(userIndex: number, w: Window): void {
    const list = this.perUser.get(userIndex) ?? [];
    list.push(w);
    this.perUser.set(userIndex, list);
  }

  addTeam(w: Window): void {
    this.teamWide.push(w);
  }

  teamWindows(): readonly Window[] {
    return this.teamWide;
  }
}

export function resolveScenarios(scenario: 'default' | 'none' | ScenarioSpec[], ctx: ResolveContext): ScenarioSet {
  const set = new ScenarioSet();
  const specs = scenario === 'none' ? [] : scenario === 'default' ? DEFAULT_MIX : scenario;
  const rng = new Rng(hash32(ctx.seed, STREAM.scenario));
  const used = new Set<number>();
  for (const spec of specs) {
    validateSpec(spec, ctx);
    const implicit = scenario === 'default';
    const applied = applySpec(spec, ctx, set, rng, used);
    if (!applied && !implicit)
      throw new Error(`scenario ${spec.kind}: no eligible user (team too small or all users taken)`);
  }
  if (scenario === 'default') listHeavySpenders(ctx, set);
  return set;
}

const PERSONA_BY_NAME = new Map(PERSONAS.map((p) => [p.name, p]));

/** Expected spend per calendar day by construction (persona volume, activity and model mix × personal scale), in cents. */
function expectedDailyCents(m: SimMember): number {
  const p = PERSONA_BY_NAME.get(m.persona)!;
  const activeShare = (5 * p.activeWeekday + 2 * p.activeWeekend * p.weekendVolume) / 7;
  return p.meanRequests * m.scale * PERSONA_MIX.get(m.persona)!.meanCents * activeShare;
}

/**
 * Standing 'heavy-spender' entries: members whose expected spend is at least HEAVY_SPENDER_MULTIPLE ×
 * the median expected spend of the members still working (the bulk of the cycle outlier's "active
 * users"). The personas keep nobody near that line (catalog.ts), so the list does not hinge on noise.
 * An entry spans the member's time on the team up to the end of the billing cycle of their last
 * active day: a member who went quiet or was removed keeps the cycle spend they ran up, and the
 * cycle outlier rightly reports it until that cycle ends.
 */
function listHeavySpenders(ctx: ResolveContext, set: ScenarioSet): void {
  const working = ctx.team.members.filter((m) => !m.neverActive && !m.isRemoved && m.lastActiveDayNum === null);
  if (working.length === 0) return;
  const sorted = working.map(expectedDailyCents).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  for (const m of ctx.team.members) {
    const expected = expectedDailyCents(m);
    if (m.neverActive || expected < HEAVY_SPENDER_MULTIPLE * median) continue;
    const last =
      m.lastActiveDayNum === null
        ? ctx.endDayNum
        : Math.min(ctx.endDayNum, cycleOfDay(ctx.team.cycleAnchorDay, m.lastActiveDayNum).endDayNum - 1);
    const first = Math.max(ctx.startDayNum, m.joinDayNum);
    if (last < first) continue;
    set.groundTruth.push({
      kind: 'heavy-spender',
      benign: false,
      email: m.email,
      startDay: dayOf(first),
      endDay: dayOf(last),
      magnitude: Math.round((expected / median) * 10) / 10,
    });
  }
}

function validateSpec(spec: ScenarioSpec, ctx: ResolveContext): void {
  const kinds: readonly string[] = [...ANOMALY_KINDS, ...BENIGN_KINDS];
  if (!kinds.includes(spec.kind))
    throw new Error(`unknown scenario kind '${String(spec.kind)}'; expected one of ${kinds.join(', ')}`);
  if (spec.day !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(spec.day))
      throw new Error(`scenario ${spec.kind}: invalid day '${spec.day}', expected YYYY-MM-DD`);
    const n = dayNumOf(spec.day);
    if (n < ctx.startDayNum || n > ctx.endDayNum)
      throw new Error(`scenario ${spec.kind}: day ${spec.day} is outside the simulated history`);
  }
  if (spec.days !== undefined && (!Number.isInteger(spec.days) || spec.days < 1))
    throw new Error(`scenario ${spec.kind}: days must be a positive integer`);
  if (spec.magnitude !== undefined && !(spec.magnitude > 0 && Number.isFinite(spec.magnitude)))
    throw new Error(`scenario ${spec.kind}: magnitude must be a positive number`);
  if (spec.model !== undefined && !MODEL_INDEX.has(spec.model))
    throw new Error(`scenario ${spec.kind}: unknown model '${spec.model}'`);
  if (spec.email !== undefined && !ctx.team.members.some((m) => m.email === spec.email!.toLowerCase()))
    throw new Error(`scenario ${spec.kind}: no member with email '${spec.email}'`);
}

/**
 * A spike needs someone with a baseline to spike from: by the product's definition (seed.md §3.3)
 * a trailing average under $1 a day is no baseline at all, and a few dollars over it are below any
 * notification floor. Spike victims are steady users expected (by construction) to spend at least
 * twice that minimum a day, so their real trailing average clears it.
 */
const MIN_SPIKE_BASELINE_CENTS = 200;

function isSteadyUser(m: SimMember, ctx: ResolveContext): boolean {
  return (
    !m.isRemoved &&
    !m.neverActive &&
    m.lastActiveDayNum === null &&
    m.joinDayNum <= ctx.startDayNum - 14 &&
    (m.persona === 'regular' || m.persona === 'power')
  );
}

function pickMember(
  spec: ScenarioSpec,
  ctx: ResolveContext,
  rng: Rng,
  used: Set<number>,
  eligible: (m: SimMember) => boolean,
): SimMember | null {
  if (spec.email) return ctx.team.members.find((m) => m.email === spec.email!.toLowerCase())!;
  const pool = ctx.team.members.filter((m) => !used.has(m.index) && eligible(m));
  return pool.length === 0 ? null : rng.pick(pool);
}

/** A start day: the spec's, else seeded so that the whole window fits in the last 21 days (longer windows end at endDay). */
function pickStart(spec: ScenarioSpec, ctx: ResolveContext, rng: Rng, days: number, weekday: boolean): number {
  if (spec.day) return dayNumOf(spec.day);
  const latest = ctx.endDayNum - days + 1;
  const earliest = Math.max(ctx.startDayNum + 14, Math.min(latest, ctx.endDayNum - 20));
  for (let attempt = 0; attempt < 20; attempt++) {
    const d = rng.int(Math.min(earliest, latest), latest);
    if (!weekday || !isWeekend(d)) return d;
  }
  return latest;
}

function applySpec(spec: ScenarioSpec, ctx: ResolveContext, set: ScenarioSet, rng: Rng, used: Set<number>): boolean {
  const entry = (
    email: string | null,
    from: number,
    days: number,
    magnitude: number,
    benign: boolean,
  ): GroundTruthEntry => {
    const e: GroundTruthEntry = {
      kind: spec.kind,
      benign,
      email,
      startDay: dayOf(from),
      endDay: dayOf(from + days - 1),
      magnitude,
    };
    set.groundTruth.push(e);
    return e;
  };
  switch (spec.kind) {
    case 'spend-spike': {
      const m = pickMember(
        spec,
        ctx,
        rng,
        used,
        (x) => isSteadyUser(x, ctx) && expectedDailyCents(x) >= MIN_SPIKE_BASELINE_CENTS,
      );
      if (!m) return false;
      used.add(m.index);
      const days = spec.days ?? 1;
      const magnitude = spec.magnitude ?? Math.round((3 + rng.next() * 9) * 10) / 10;
      const from = pickStart(spec, ctx, rng, days, true);
      // The week before is an ordinary working week (every weekday worked, weekends as the persona
      // has them), so the detector's 7-day average and the ledger's median baseline describe the
      // same habit and the magnitude reads the same on both scales, give or take daily noise.
      set.addUser(m.index, {
        fromDayNum: from - 7,
        toDayNum: from - 1,
        apply: (e, d) => {
          e.forceActive ||= !isWeekend(d);
        },
      });
      // Team-wide windows apply first: on a day the whole team surges, the spike is magnitude × what
      // the person would have spent that day (magnitude × baseline alone would be a smaller anomaly).
      set.addUser(m.index, {
        fromDayNum: from,
        toDayNum: from + days - 1,
        apply: (e) => {
          e.spikeMagnitude = magnitude * e.volumeMul;
          e.forceActive = true;
        },
      });
      set.pending.push({
        kind: 'spike',
        memberIndex: m.index,
        dayNum: from,
        entry: entry(m.email, from, days, magnitude, false),
      });
      return true;
    }
    case 'model-switch': {
      const m = pickMember(spec, ctx, rng, used, (x) => isSteadyUser(x, ctx));
      if (!m) return false;
      used.add(m.index);
      const days = spec.days ?? rng.int(5, 10);
      const model = spec.model ?? DEFAULT_SWITCH_MODEL;
      const modelIndex = MODEL_INDEX.get(model)!;
      const usual = PERSONA_MIX.get(m.persona)!.meanCents;
      const ratio = (SWITCH_SHARE * MODELS[modelIndex].meanCents + (1 - SWITCH_SHARE) * usual) / usual;
      const from = pickStart(spec, ctx, rng, days, false);
      set.addUser(m.index, {
        fromDayNum: from,
        toDayNum: from + days - 1,
        apply: (e) => {
          e.switchModel = modelIndex;
          e.switchShare = SWITCH_SHARE;
        },
      });
      entry(m.email, from, days, Math.round(ratio * 100) / 100, false).model = model;
      return true;
    }
    case 'drift': {
      // Like a spike, drift needs spend to drift from: a user at ~$6 a week is below drift's $10/week
      // minimum (growth from nothing is not drift), so victims have the same material baseline.
      const m = pickMember(
        spec,
        ctx,
        rng,
        used,
        (x) => isSteadyUser(x, ctx) && expectedDailyCents(x) >= MIN_SPIKE_BASELINE_CENTS,
      );
      if (!m) return false;
      used.add(m.index);
      const days = spec.days ?? rng.int(21, 28);
      const weekly = spec.magnitude ?? 0.1 + rng.next() * 0.1;
      const from = spec.day
        ? dayNumOf(spec.day)
        : Math.max(ctx.startDayNum + 14, ctx.endDayNum - days + 1 - rng.int(0, 3));
      // Growth compounds daily (no step on any single day) and the level reached is kept afterwards.
      set.addUser(m.index, {
        fromDayNum: from,
        toDayNum: Infinity,
        apply: (e, d) => {
          e.costMul *= Math.pow(1 + weekly, Math.min(d - from, days - 1) / 7);
        },
      });
      entry(m.email, from, days, Math.round(weekly * 1000) / 1000, false);
      return true;
    }
    case 'cap-breach': {
      const m = pickMember(spec, ctx, rng, used, (x) => isSteadyUser(x, ctx));
      if (!m) return false;
      used.add(m.index);
      const from = pickStart(spec, ctx, rng, 1, true);
      const days = 1; // the breach happens on one day
      let capCents = spec.magnitude !== undefined ? spec.magnitude * 100 : 0;
      set.addUser(m.index, {
        fromDayNum: from,
        toDayNum: from,
        apply: (e) => {
          e.capCents = capCents;
          e.forceActive = true;
        },
      });
      const e = entry(m.email, from, days, capCents / 100, false);
      m.monthlyLimitDollars = spec.magnitude ?? null;
      if (spec.magnitude === undefined) {
        set.pending.push({
          kind: 'cap',
          memberIndex: m.index,
          dayNum: from,
          entry: e,
          setCap: (c) => {
            capCents = c;
            m.monthlyLimitDollars = c / 100;
          },
        });
      }
      return true;
    }
    case 'team-surge':
    case 'one-day-team-surge': {
      const oneDay = spec.kind === 'one-day-team-surge';
      const days = oneDay ? 1 : (spec.days ?? rng.int(3, 5));
      const magnitude = spec.magnitude ?? Math.round((1.5 + rng.next() * 0.5) * 100) / 100;
      const from = pickStart(spec, ctx, rng, days, true);
      set.addTeam({
        fromDayNum: from,
        toDayNum: from + days - 1,
        apply: (e) => {
          e.volumeMul *= magnitude;
        },
      });
      entry(null, from, days, magnitude, oneDay);
      return true;
    }
    case 'monday-after-quiet-weekend': {
      let monday = spec.day ? dayNumOf(spec.day) : pickStart(spec, ctx, rng, 1, true);
      while ((monday + 4) % 7 !== 1) monday++; // move forward to a Monday
      if (monday > ctx.endDayNum) monday -= 7;
      // A quiet weekend inside a team-wide surge would cancel the surge it is listed next to (the
      // ground truth would claim a surge the data does not have): take the weekend before it.
      const overlaps = (d: number) => set.teamWindows().some((w) => d >= w.fromDayNum && d <= w.toDayNum);
      while (
        !spec.day &&
        (overlaps(monday - 2) || overlaps(monday - 1) || overlaps(monday)) &&
        monday - 7 > ctx.startDayNum + 14
      )
        monday -= 7;
      set.addTeam({
        fromDayNum: monday - 2,
        toDayNum: monday - 1,
        apply: (e) => {
          e.activityMul *= 0.25;
          e.volumeMul *= 0.3;
        },
      });
      entry(null, monday, 1, 1, true);
      return true;
    }
    case 'new-hire-first-week': {
      // Not a max-mode user: their first partial cycle can pass the cycle outlier's 10× line within
      // days (a heavy spender from the start, rightly reported), which is not the ramp-up this
      // benign pattern is about — whether a member with no history trips the personal detectors.
      const m = pickMember(
        spec,
        ctx,
        rng,
        used,
        (x) =>
          x.role !== 'owner' && x.persona !== 'max' && !x.isRemoved && !x.neverActive && x.lastActiveDayNum === null,
      );
      if (!m) return false;
      used.add(m.index);
      const days = spec.days ?? 7;
      const from = pickStart(spec, ctx, rng, days, true);
      m.joinDayNum = from; // the member's history starts here
      set.addUser(m.index, {
        fromDayNum: from,
        toDayNum: from + days - 1,
        apply: (e, d) => {
          e.forceActive = !isWeekend(d);
        },
      });
      entry(m.email, from, days, 1, true);
      return true;
    }
  }
}
