/**
 * Hand-built facts for the detector tests: per-user daily spend in dollars from DAY0, one model per
 * user unless rows are given. Test-only (imported by *.test.ts).
 */
import type { BillingCycle } from '../domain/records';
import { DAY_MS, HOUR_MS, addDays, dayStartMs } from '../domain/time';
import { buildFacts, type Facts, type UsageInput } from './facts';
import { DEFAULT_SETTINGS, type DetectionSettings } from './settings';

export const DAY0 = '2026-03-01';

export interface UserSpec {
  email: string;
  name?: string;
  group?: string;
  spend?: number[]; // USD per day from DAY0
  requests?: number[]; // defaults to 10 per day with spend
  model?: string;
  tokens?: number[];
  usageBased?: number[];
  onDemand?: number[]; // USD of on-demand (chargeable) spend per day
  limitUsd?: number; // the person's own on-demand limit
  rows?: { day: number; model: string; usd: number; requests: number }[];
}

export interface TeamSpec {
  days: number;
  users: UserSpec[];
  groups?: { id: string; name: string }[];
  cycles?: BillingCycle[];
  hourly?: { email: string; hourMs: number; usd: number }[];
  hourlyEndMs?: number;
  limitedUsers?: { count: number; asOfMs: number } | null;
}

export const day = (i: number): string => addDays(DAY0, i);
export const at = (i: number, hour = 12): number => dayStartMs(day(i)) + hour * HOUR_MS;
export const endOf = (i: number): number => dayStartMs(day(i)) + DAY_MS - 1;
export const USD = 100_000_000;

/** A 30-day cycle starting on DAY0. */
export const CYCLE: BillingCycle = { startMs: dayStartMs(DAY0), endMs: dayStartMs(DAY0) + 30 * DAY_MS };

export function team(spec: TeamSpec): Facts {
  const usage: UsageInput[] = [];
  for (const u of spec.users) {
    (u.spend ?? []).forEach((usd, i) => {
      const requests = u.requests?.[i] ?? (usd > 0 ? 10 : 0);
      if (usd > 0 || requests > 0 || (u.usageBased?.[i] ?? 0) > 0)
        usage.push({
          day: day(i),
          email: u.email,
          model: u.model ?? 'claude-4.5-sonnet',
          spendMicro: Math.round(usd * USD),
          requests,
          tokens: u.tokens?.[i] ?? 0,
          usageBased: u.usageBased?.[i] ?? 0,
          onDemandMicro: Math.round((u.onDemand?.[i] ?? 0) * USD),
        });
    });
    for (const r of u.rows ?? [])
      usage.push({
        day: day(r.day),
        email: u.email,
        model: r.model,
        spendMicro: Math.round(r.usd * USD),
        requests: r.requests,
      });
  }
  return buildFacts({
    fromDay: DAY0,
    toDay: day(spec.days - 1),
    usage,
    groups: spec.groups,
    members: spec.users.map((u) => ({
      email: u.email,
      name: u.name ?? u.email.split('@')[0],
      groupId: u.group ?? null,
      limitUsd: u.limitUsd ?? null,
    })),
    cycles: spec.cycles ?? [CYCLE],
    hourly: spec.hourly?.map((h) => ({ email: h.email, hourMs: h.hourMs, spendMicro: Math.round(h.usd * USD) })),
    hourlyEndMs: spec.hourlyEndMs,
    limitedUsers: spec.limitedUsers ?? null,
  });
}

export const flat = (usd: number, n: number): number[] => Array.from({ length: n }, () => usd);

/** DEFAULT_SETTINGS with some sections overridden (deep, one level). */
export function settingsWith(patch: {
  [K in keyof DetectionSettings]?: Partial<DetectionSettings[K]> | DetectionSettings[K];
}): DetectionSettings {
  const s = structuredClone(DEFAULT_SETTINGS) as DetectionSettings;
  for (const [k, v] of Object.entries(patch)) {
    const key = k as keyof DetectionSettings;
    const cur = s[key];
    (s as Record<string, unknown>)[key] =
      typeof cur === 'object' && cur !== null && typeof v === 'object' ? { ...cur, ...v } : v;
  }
  return s;
}
