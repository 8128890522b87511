/**
 * Member badges, the reference product's rules (seed.md §1.2) as a pure function over the window's
 * per-person figures. Team statistics (medians, p80, p90) are taken with the reference's "element
 * floor(q·n) of the sorted list" so the same team gets the same badges.
 */
import type { BadgeId } from '../schemas/tables';

export interface BadgeInput {
  agentRequests: number; // Σ daily_usage.agent_requests on active days
  activeDays: number;
  spendMicro: number;
  mostUsedModel: string | null;
  accepts: number;
  applies: number;
  events: number;
  cacheReadTokens: number;
}

/** Cache-read tokens per event, null when the person has none. */
const avgCacheRead = (u: BadgeInput) => (u.events > 0 && u.cacheReadTokens > 0 ? u.cacheReadTokens / u.events : null);

const CENTS = 1_000_000; // micro-cents per cent

function pick(sorted: Float64Array, q: number): number | undefined {
  return sorted[Math.floor(q * sorted.length)];
}

// A typed array sorts numerically without a comparator call per pair (10,000 people: 4 sorts a table).
const asc = (xs: number[]) => Float64Array.from(xs).sort();
const isMax = (model: string | null) => model !== null && model.toLowerCase().includes('-max');

export function adoptionScore(u: BadgeInput, p90Intensity: number, periodDays: number): number | null {
  if (u.agentRequests < 10 || u.activeDays <= 0) return null;
  const acceptRate = u.applies > 0 ? u.accepts / u.applies : 0;
  const intensity = u.agentRequests / u.activeDays;
  const consistency = Math.min(1, u.activeDays / periodDays);
  return 40 * acceptRate + 40 * Math.min(intensity / p90Intensity, 1) + 20 * consistency;
}

function adoptionBadge(score: number): BadgeId {
  if (score >= 80) return 'ai-native';
  if (score >= 55) return 'high-adoption';
  if (score >= 30) return 'moderate-adoption';
  if (score >= 10) return 'low-adoption';
  return 'manual-coder';
}

/** Each user's badges (in `users`' order), in display order: usage style, cost, session length, adoption. */
export function assignBadges(users: BadgeInput[], periodDays: number): BadgeId[][] {
  const spenders = users.filter((u) => u.agentRequests >= 30 && u.spendMicro > 0);
  const medianSpend = pick(asc(spenders.map((u) => u.spendMicro)), 0.5) ?? 0;
  const perReq = (u: BadgeInput) => (u.agentRequests > 0 ? u.spendMicro / u.agentRequests : 0);
  const medianPerReq = pick(asc(spenders.map(perReq)), 0.5) ?? 0;
  const p80Reqs = pick(asc(users.filter((u) => u.agentRequests > 0).map((u) => u.agentRequests)), 0.8) ?? Infinity;
  const intensities = users
    .filter((u) => u.agentRequests >= 10 && u.activeDays > 0)
    .map((u) => u.agentRequests / u.activeDays);
  const p90Intensity = pick(asc(intensities), 0.9) ?? 50;

  return users.map((u) => {
    const b: BadgeId[] = [];
    if (u.agentRequests < 10) b.push('light-user');
    else if (isMax(u.mostUsedModel)) b.push('deep-thinker');
    else if (u.activeDays > 0 && u.agentRequests / u.activeDays >= 80) b.push('power-user');
    else b.push('balanced');

    const overBudget =
      u.agentRequests >= 30 && u.spendMicro > 0 && u.spendMicro > 5 * medianSpend && u.spendMicro > 10_000 * CENTS;
    if (overBudget) b.push('over-budget');
    else if (isMax(u.mostUsedModel) && medianPerReq > 0 && perReq(u) > 3 * medianPerReq) b.push('premium-model');
    else if (u.agentRequests >= p80Reqs && u.agentRequests > 0 && medianPerReq > 0 && perReq(u) <= 0.5 * medianPerReq)
      b.push('cost-efficient');

    const cacheRead = avgCacheRead(u);
    if (u.agentRequests >= 30 && cacheRead !== null) {
      if (cacheRead > 700_000) b.push('long-sessions');
      else if (cacheRead > 0 && cacheRead < 300_000) b.push('short-sessions');
    }
    const score = adoptionScore(u, p90Intensity, periodDays);
    if (score !== null) b.push(adoptionBadge(score));
    return b;
  });
}
