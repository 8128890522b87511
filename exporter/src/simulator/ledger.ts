/**
 * The money side of the simulation. `plan` draws one user-day's requests (model, cost, tokens)
 * from the cost stream (seed, user, day) alone; the ledger memoises per-day totals so that
 * cycle-to-date spend (which decides Included vs Usage-based) costs a few lookups, and so that a
 * whole day for 10,000 users can be produced without generating the history in full.
 */
import {
  CURSOR_FEE_MICRO_PER_TOKEN,
  ERROR_RATE,
  INCLUDED_ALLOWANCE_CENTS,
  MODELS,
  PERSONA_MIX,
  PERSONAS,
  TOKEN_MIX,
} from './catalog';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';
import { isWeekend, type DayEffect, type ScenarioSet } from './scenarios';
import { canBeActive, cycleOfDay, type Cycle, type SimMember, type SimTeam } from './team';

export type { Cycle } from './team';

const PERSONA_BY_NAME = new Map(PERSONAS.map((p) => [p.name, p]));

export const ALLOWANCE_MICRO = INCLUDED_ALLOWANCE_CENTS * 1_000_000;

export const KIND_INCLUDED = 'Included in Business';
export const KIND_USAGE = 'Usage-based';
export const KIND_ERRORED = 'Errored, Not Charged';

/** One user-day's requests, in time order, in reusable typed arrays (no allocation per call). */
export class Plan {
  n = 0;
  model = new Uint8Array(256);
  cents = new Float64Array(256); // model cost before rounding
  cacheShare = new Float64Array(256);
  errored = new Uint8Array(256);
  headless = new Uint8Array(256);
  modelMicro = new Float64Array(256);
  feeMicro = new Float64Array(256);
  tokens = new Int32Array(256 * 4); // input, output, cache write, cache read
  /** 0 included, 1 usage-based, 2 errored. */
  kind = new Uint8Array(256);

  reserve(n: number): void {
    if (n <= this.model.length) return;
    const size = Math.max(n, this.model.length * 2);
    this.model = new Uint8Array(size);
    this.cents = new Float64Array(size);
    this.cacheShare = new Float64Array(size);
    this.errored = new Uint8Array(size);
    this.headless = new Uint8Array(size);
    this.modelMicro = new Float64Array(size);
    this.feeMicro = new Float64Array(size);
    this.tokens = new Int32Array(size * 4);
    this.kind = new Uint8Array(size);
  }

  charged(i: number): number {
    return this.modelMicro[i] + this.feeMicro[i];
  }
}

/** Per user-day figures that the API and the expectations need. */
export interface DaySummary {
  count: number;
  totalMicro: number; // Σ chargedCents (all kinds)
  onDemandMicro: number; // Σ chargedCents of Usage-based events
  includedCount: number;
  usageCount: number;
  erroredCount: number;
  headlessCount: number;
}

export class Ledger {
  private readonly baseDayNum: number;
  private readonly span: number;
  private readonly done: Uint8Array;
  private readonly totals: Float64Array;
  private readonly counts: Int32Array;
  private readonly summaries: (DaySummary | undefined)[];
  private readonly scratch = new Plan();
  private readonly cycleCache = new Map<number, Cycle>();

  constructor(
    private readonly seed: number,
    private readonly team: SimTeam,
    private readonly scenarios: ScenarioSet,
    readonly startDayNum: number,
    readonly endDayNum: number,
  ) {
    // Memo covers the history plus one cycle before it (cycle-to-date sums reach back that far).
    this.baseDayNum = startDayNum - 32;
    this.span = endDayNum - this.baseDayNum + 1;
    const size = team.members.length * this.span;
    this.done = new Uint8Array(size);
    this.totals = new Float64Array(size);
    this.counts = new Int32Array(size);
    this.summaries = new Array(size);
  }

  /** The billing cycle containing a day: monthly, starting on the team's anchor day of the month. */
  cycleOf(dayNum: number): Cycle {
    let c = this.cycleCache.get(dayNum);
    if (c) return c;
    c = cycleOfDay(this.team.cycleAnchorDay, dayNum);
    this.cycleCache.set(dayNum, c);
    return c;
  }

  /**
   * Fills `out` with the user's requests on the day, kinds included. The result is a pure
   * function of (seed, user, day) and the scenarios; `out` is overwritten by the next call.
   */
  plan(userIndex: number, dayNum: number, out: Plan = this.scratch): Plan {
    out.n = 0;
    const m = this.team.members[userIndex];
    if (dayNum < this.startDayNum || dayNum > this.endDayNum || !canBeActive(m, dayNum)) return out;
    const effect = this.scenarios.effectFor(userIndex, dayNum);
    // Everything that reads earlier days goes first: those reads reuse the scratch plan.
    const cumBefore = this.cycleTotalBefore(userIndex, dayNum, ALLOWANCE_MICRO);
    const onDemandBefore = effect && effect.capCents > 0 ? this.onDemandBefore(userIndex, dayNum) : 0;
    const target = effect ? this.targetMicro(userIndex, dayNum, effect, cumBefore, onDemandBefore) : 0;
    this.draw(m, dayNum, effect, out);
    if (out.n === 0) return out;
    finalizeMoney(out, 1);
    if (target > 0) {
      // Scale every request so the day lands on the target; retry upwards for a cap whose crossing request fell short.
      let factor = (target / planTotal(out)) * 1.002;
      for (let attempt = 0; attempt < 6; attempt++) {
        finalizeMoney(out, factor);
        assignKinds(out, cumBefore);
        if (!effect!.capCents || onDemandBefore + planOnDemand(out) > effect!.capCents * 1e6) break;
        factor *= 1.5;
      }
    }
    assignKinds(out, cumBefore);
    return out;
  }

  /** Σ chargedCents (micro) of the user's whole day, memoised. */
  dayTotal(userIndex: number, dayNum: number): number {
    const slot = this.slot(userIndex, dayNum);
    if (slot >= 0 && this.done[slot]) return this.totals[slot];
    const p = this.plan(userIndex, dayNum);
    const total = planTotal(p);
    if (slot >= 0) {
      this.totals[slot] = total;
      this.counts[slot] = p.n;
      this.done[slot] = 1;
    }
    return total;
  }

  /** Event count of the user's whole day, memoised with the total. */
  dayCount(userIndex: number, dayNum: number): number {
    const slot = this.slot(userIndex, dayNum);
    if (slot >= 0 && this.done[slot]) return this.counts[slot];
    this.dayTotal(userIndex, dayNum);
    return slot >= 0 ? this.counts[slot] : this.plan(userIndex, dayNum).n;
  }

  summary(userIndex: number, dayNum: number): DaySummary {
    const slot = this.slot(userIndex, dayNum);
    const cached = slot >= 0 ? this.summaries[slot] : undefined;
    if (cached) return cached;
    const s = summarize(this.plan(userIndex, dayNum));
    if (slot >= 0) this.summaries[slot] = s;
    return s;
  }

  /**
   * Σ chargedCents of the user's days in the same cycle before this day (not the day itself).
   * With `stopAbove`, the walk stops once the sum exceeds it: kinds only need to know whether the
   * allowance is used up, and skipping the rest of the cycle makes a cold day ~5× cheaper.
   */
  cycleTotalBefore(userIndex: number, dayNum: number, stopAbove = Infinity): number {
    let sum = 0;
    for (let d = Math.max(this.cycleOf(dayNum).startDayNum, this.startDayNum); d < dayNum && sum <= stopAbove; d++)
      sum += this.dayTotal(userIndex, d);
    return sum;
  }

  onDemandBefore(userIndex: number, dayNum: number): number {
    let sum = 0;
    for (let d = Math.max(this.cycleOf(dayNum).startDayNum, this.startDayNum); d < dayNum; d++)
      sum += this.summary(userIndex, d).onDemandMicro;
    return sum;
  }

  /** A spike's baseline: median daily spend over the 14 prior days that had any; persona-based if none. */
  baselineMicro(userIndex: number, dayNum: number): number {
    const values: number[] = [];
    for (let d = dayNum - 14; d < dayNum; d++) {
      const t = this.dayTotal(userIndex, d);
      if (t > 0) values.push(t);
    }
    if (values.length === 0) return expectedDayMicro(this.team.members[userIndex]);
    values.sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private targetMicro(
    userIndex: number,
    dayNum: number,
    e: DayEffect,
    cumBefore: number,
    onDemandBefore: number,
  ): number {
    if (e.spikeMagnitude > 0) return e.spikeMagnitude * this.baselineMicro(userIndex, dayNum);
    if (e.capCents > 0) {
      const includedLeft = Math.max(0, ALLOWANCE_MICRO - cumBefore);
      const needed = e.capCents * 1e6 - onDemandBefore;
      return Math.max(0, needed) * 1.15 + includedLeft;
    }
    return 0;
  }

  private slot(userIndex: number, dayNum: number): number {
    const off = dayNum - this.baseDayNum;
    return off >= 0 && off < this.span ? userIndex * this.span + off : -1;
  }

  /** The cost stream: activity, volume, and per request model, error, size, token mix, headless. */
  private draw(m: SimMember, dayNum: number, effect: DayEffect | null, out: Plan): void {
    out.n = 0; // the scratch plan may hold an earlier day read while computing cycle-to-date spend
    const rng = new Rng(hash32(this.seed, STREAM.cost, m.index, dayNum));
    const persona = PERSONA_BY_NAME.get(m.persona)!;
    const mix = PERSONA_MIX.get(m.persona)!;
    const weekend = isWeekend(dayNum);
    const e = effect ?? undefined;
    const pActive = (weekend ? persona.activeWeekend : persona.activeWeekday) * (e?.activityMul ?? 1);
    const active = rng.chance(pActive) || (e?.forceActive ?? false);
    const volumeNoise = rng.lognormal1(0.35);
    const cloudDay = rng.chance(0.08);
    if (!active) return;
    const spikeVolume = e && e.spikeMagnitude > 0 ? Math.sqrt(e.spikeMagnitude) : e && e.capCents > 0 ? 2 : 1;
    const volume =
      persona.meanRequests *
      m.scale *
      volumeNoise *
      (weekend ? persona.weekendVolume : 1) *
      (e?.volumeMul ?? 1) *
      spikeVolume;
    const n = Math.max(1, Math.round(volume));
    out.reserve(n);
    out.n = n;
    const costMul = e?.costMul ?? 1;
    for (let i = 0; i < n; i++) {
      const switched = e !== undefined && e.switchModel >= 0 && rng.chance(e.switchShare);
      const model = switched ? e!.switchModel : rng.weighted(mix.weights, mix.total);
      out.model[i] = model;
      out.errored[i] = rng.chance(ERROR_RATE) ? 1 : 0;
      out.cents[i] = out.errored[i] ? 0 : MODELS[model].meanCents * rng.lognormal1(0.8) * costMul;
      out.cacheShare[i] = TOKEN_MIX[3] + 0.3 * (rng.next() - 0.5);
      out.headless[i] = cloudDay && rng.chance(0.4) ? 1 : 0; // drawn only on cloud-agent days
    }
  }
}

/** Expected spend of an ordinary active weekday for the member, in micro-cents (fee included roughly). */
function expectedDayMicro(m: SimMember): number {
  const persona = PERSONA_BY_NAME.get(m.persona)!;
  return persona.meanRequests * m.scale * PERSONA_MIX.get(m.persona)!.meanCents * 1.15 * 1e6;
}

/** Turns model cost (× factor) into tokens, rounded micro-cents and the Cursor token fee. */
function finalizeMoney(p: Plan, factor: number): void {
  for (let i = 0; i < p.n; i++) {
    const t = i * 4;
    if (p.errored[i]) {
      p.modelMicro[i] = 0;
      p.feeMicro[i] = 0;
      p.tokens[t] = p.tokens[t + 1] = p.tokens[t + 2] = p.tokens[t + 3] = 0;
      continue;
    }
    const spec = MODELS[p.model[i]];
    const cents = p.cents[i] * factor;
    const cache = p.cacheShare[i];
    const rest = (1 - cache) / (TOKEN_MIX[0] + TOKEN_MIX[1] + TOKEN_MIX[2]);
    const s0 = TOKEN_MIX[0] * rest;
    const s1 = TOKEN_MIX[1] * rest;
    const s2 = TOKEN_MIX[2] * rest;
    const centsPerToken = (s0 * spec.price[0] + s1 * spec.price[1] + s2 * spec.price[2] + cache * spec.price[3]) / 1e6;
    const tokens = cents / centsPerToken;
    p.tokens[t] = Math.round(s0 * tokens);
    p.tokens[t + 1] = Math.round(s1 * tokens);
    p.tokens[t + 2] = Math.round(s2 * tokens);
    p.tokens[t + 3] = Math.round(cache * tokens);
    const totalTokens = p.tokens[t] + p.tokens[t + 1] + p.tokens[t + 2] + p.tokens[t + 3];
    p.modelMicro[i] = Math.max(1, Math.round(cents * 1e6));
    p.feeMicro[i] = spec.thirdParty ? totalTokens * CURSOR_FEE_MICRO_PER_TOKEN : 0;
  }
}

/** Included until the cycle-to-date charge before a request exceeds the allowance; Usage-based after. */
function assignKinds(p: Plan, cumBefore: number): void {
  let cum = cumBefore;
  for (let i = 0; i < p.n; i++) {
    if (p.errored[i]) {
      p.kind[i] = 2;
      continue;
    }
    p.kind[i] = cum > ALLOWANCE_MICRO ? 1 : 0;
    cum += p.charged(i);
  }
}

function planTotal(p: Plan): number {
  let sum = 0;
  for (let i = 0; i < p.n; i++) sum += p.charged(i);
  return sum;
}

function planOnDemand(p: Plan): number {
  let sum = 0;
  for (let i = 0; i < p.n; i++) if (p.kind[i] === 1) sum += p.charged(i);
  return sum;
}

function summarize(p: Plan): DaySummary {
  const s: DaySummary = {
    count: p.n,
    totalMicro: 0,
    onDemandMicro: 0,
    includedCount: 0,
    usageCount: 0,
    erroredCount: 0,
    headlessCount: 0,
  };
  for (let i = 0; i < p.n; i++) {
    const c = p.charged(i);
    s.totalMicro += c;
    if (p.kind[i] === 1) {
      s.onDemandMicro += c;
      s.usageCount++;
    } else if (p.kind[i] === 0) s.includedCount++;
    else s.erroredCount++;
    s.headlessCount += p.headless[i];
  }
  return s;
}
