/**
 * Member badges, the reference product's rules (seed.md §1.2) as a pure function over the window's
 * per-person figures. Team statistics (medians, p80, p90) are taken with the reference's "element
 * floor(q·n) of the sorted list" so the same team gets the same badges.
 */
import type { BadgeId } from '../schemas/tables';

/** The window's per-person figures the badges read, as columns by person position. */
export interface BadgeColumns {
  agentRequests: ArrayLike<number>; // Σ daily_usage.agent_requests on active days
  activeDays: ArrayLike<number>;
  spendMicro: ArrayLike<number>;
  mostUsedModel: readonly (string | null)[];
  accepts: ArrayLike<number>;
  applies: ArrayLike<number>;
  events: ArrayLike<number>;
  cacheReadTokens: ArrayLike<number>;
}

/** The team statistics the rules compare a person with (plain numbers: a team's badges compare equal). */
export interface BadgeLines {
  medianSpend: number;
  medianPerReq: number;
  p80Reqs: number;
  p90Intensity: number;
  periodDays: number;
}

const CENTS = 1_000_000; // micro-cents per cent

/** Element floor(q·n) of the first n values, sorted (a typed sort: no comparator call per pair). */
function pick(values: Float64Array, n: number, q: number): number | undefined {
  return n > 0 ? values.subarray(0, n).sort()[Math.floor(q * n)] : undefined;
}

const isMax = (model: string | null) => model !== null && model.toLowerCase().includes('-max');

function adoptionBadge(score: number): BadgeId {
  if (score >= 80) return 'ai-native';
  if (score >= 55) return 'high-adoption';
  if (score >= 30) return 'moderate-adoption';
  if (score >= 10) return 'low-adoption';
  return 'manual-coder';
}

/** The team's lines over `n` people: medians of spend and spend per request among spenders, p80 of requests, p90 of intensity. */
export function badgeLines(c: BadgeColumns, n: number, periodDays: number): BadgeLines {
  // Plain loops over the columns (10,000 people: four lists a table).
  const [spend, perRequest, requests, intensity] = [0, 1, 2, 3].map(() => new Float64Array(n));
  let [spenders, active, intense] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const reqs = c.agentRequests[i];
    if (reqs >= 30 && c.spendMicro[i] > 0) {
      spend[spenders] = c.spendMicro[i];
      perRequest[spenders++] = perReq(c, i);
    }
    if (reqs > 0) requests[active++] = reqs;
    if (reqs >= 10 && c.activeDays[i] > 0) intensity[intense++] = reqs / c.activeDays[i];
  }
  return {
    medianSpend: pick(spend, spenders, 0.5) ?? 0,
    medianPerReq: pick(perRequest, spenders, 0.5) ?? 0,
    p80Reqs: pick(requests, active, 0.8) ?? Infinity,
    p90Intensity: pick(intensity, intense, 0.9) ?? 50,
    periodDays,
  };
}

const perReq = (c: BadgeColumns, i: number) => (c.agentRequests[i] > 0 ? c.spendMicro[i] / c.agentRequests[i] : 0);

/** Person i's badges, in display order: usage style, cost, session length, adoption. */
export function badgesOf(c: BadgeColumns, i: number, t: BadgeLines): BadgeId[] {
  const reqs = c.agentRequests[i];
  const days = c.activeDays[i];
  const spend = c.spendMicro[i];
  const model = c.mostUsedModel[i];
  const b: BadgeId[] = [];
  if (reqs < 10) b.push('light-user');
  else if (isMax(model)) b.push('deep-thinker');
  else if (days > 0 && reqs / days >= 80) b.push('power-user');
  else b.push('balanced');

  const overBudget = reqs >= 30 && spend > 0 && spend > 5 * t.medianSpend && spend > 10_000 * CENTS;
  if (overBudget) b.push('over-budget');
  else if (isMax(model) && t.medianPerReq > 0 && perReq(c, i) > 3 * t.medianPerReq) b.push('premium-model');
  else if (reqs >= t.p80Reqs && reqs > 0 && t.medianPerReq > 0 && perReq(c, i) <= 0.5 * t.medianPerReq)
    b.push('cost-efficient');

  // Cache-read tokens per event.
  if (reqs >= 30 && c.events[i] > 0 && c.cacheReadTokens[i] > 0) {
    const cacheRead = c.cacheReadTokens[i] / c.events[i];
    if (cacheRead > 700_000) b.push('long-sessions');
    else if (cacheRead < 300_000) b.push('short-sessions');
  }
  if (reqs >= 10 && days > 0) {
    const acceptRate = c.applies[i] > 0 ? c.accepts[i] / c.applies[i] : 0;
    const consistency = Math.min(1, days / t.periodDays);
    b.push(adoptionBadge(40 * acceptRate + 40 * Math.min(reqs / days / t.p90Intensity, 1) + 20 * consistency));
  }
  return b;
}
