/**
 * The reference's adoption score (seed.md §1.2): score = 40·acceptRate + 40·min(intensity ÷ p90, 1)
 * + 20·consistency, for people with at least 10 requests and one active day. intensity = requests per
 * active day; p90 = element floor(0.9n) of the sorted intensities (50 when nobody qualifies);
 * consistency = active days ÷ period days.
 */
export type AdoptionTier = 'ai-native' | 'high-adoption' | 'moderate-adoption' | 'low-adoption' | 'manual-coder';

export interface AdoptionInput {
  email: string;
  requests: number;
  accepts: number;
  applies: number;
  activeDays: number;
}

export interface AdoptionTiers {
  aiNative: number;
  high: number;
  moderate: number;
  low: number;
  manual: number;
  /** People below 10 requests or with no active day: not scored. */
  unscored: number;
}

export const MIN_SCORED_REQUESTS = 10;

export function tierOf(score: number): AdoptionTier {
  if (score >= 80) return 'ai-native';
  if (score >= 55) return 'high-adoption';
  if (score >= 30) return 'moderate-adoption';
  if (score >= 10) return 'low-adoption';
  return 'manual-coder';
}

export function adoptionScores(users: readonly AdoptionInput[], periodDays: number): Map<string, number> {
  const scored = users.filter((u) => u.requests >= MIN_SCORED_REQUESTS && u.activeDays > 0);
  // A typed sort: no comparator call per pair.
  const intensities = Float64Array.from(scored, (u) => u.requests / u.activeDays).sort();
  const p90 = intensities.length
    ? intensities[Math.min(intensities.length - 1, Math.floor(0.9 * intensities.length))]
    : 50;
  const out = new Map<string, number>();
  for (const u of scored) {
    const acceptRate = u.applies > 0 ? Math.min(1, u.accepts / u.applies) : 0;
    const intensity = u.requests / u.activeDays;
    const consistency = Math.min(1, u.activeDays / Math.max(1, periodDays));
    out.set(u.email, 40 * acceptRate + 40 * Math.min(p90 > 0 ? intensity / p90 : 0, 1) + 20 * consistency);
  }
  return out;
}

export function adoptionTiers(users: readonly AdoptionInput[], periodDays: number): AdoptionTiers {
  const scores = adoptionScores(users, periodDays);
  const t: AdoptionTiers = {
    aiNative: 0,
    high: 0,
    moderate: 0,
    low: 0,
    manual: 0,
    unscored: users.length - scores.size,
  };
  const field: Record<AdoptionTier, keyof AdoptionTiers> = {
    'ai-native': 'aiNative',
    'high-adoption': 'high',
    'moderate-adoption': 'moderate',
    'low-adoption': 'low',
    'manual-coder': 'manual',
  };
  for (const s of scores.values()) t[field[tierOf(s)]]++;
  return t;
}
