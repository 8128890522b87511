/**
 * Full usage events for one user-day: the ledger's plan (money, kinds) plus the detail stream
 * (timestamps, conversations, arrival delay), which never influences money.
 */
import { DAY_MS } from '../domain/time';
import { MODELS } from './catalog';
import { KIND_ERRORED, KIND_INCLUDED, KIND_USAGE, Plan, type Ledger } from './ledger';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';
import { microToCents, type RawUsageEvent } from './shapes';
import type { SimMember } from './team';

export interface TimedEvent {
  event: RawUsageEvent;
  timestampMs: number;
  /** When the event becomes visible through the API (late data). */
  arrivalMs: number;
  userIndex: number;
  /** Position within the user's day, in time order (tie-breaker for stable ordering). */
  seq: number;
  chargedMicro: number;
  usageBased: boolean;
}

const KIND_NAMES = [KIND_INCLUDED, KIND_USAGE, KIND_ERRORED];

/** Events of a user-day in time order (oldest first). */
export function buildUserDayEvents(
  ledger: Ledger,
  seed: number,
  m: SimMember,
  dayNum: number,
  lateMaxMs: number,
  plan: Plan,
): TimedEvent[] {
  const p = ledger.plan(m.index, dayNum, plan);
  if (p.n === 0) return [];
  const rng = new Rng(hash32(seed, STREAM.detail, m.index, dayNum));
  const dayStart = dayNum * DAY_MS;
  const times = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    // Parallel agent calls: now and then two requests land in the same millisecond.
    if (i > 0 && rng.chance(0.01)) {
      times[i] = times[i - 1];
      continue;
    }
    // Work hours around the member's centre; hours past midnight wrap into the same UTC day.
    const hour = (((m.workCentreUtcHour + 2.5 * rng.normal()) % 24) + 24) % 24;
    times[i] = dayStart + Math.floor(hour * 3_600_000);
  }
  times.sort();
  const out: TimedEvent[] = new Array(p.n);
  let conversation = '';
  for (let i = 0; i < p.n; i++) {
    if (i === 0 || rng.chance(0.2)) conversation = rng.uuid();
    const spec = MODELS[p.model[i]];
    const errored = p.errored[i] === 1;
    const charged = p.charged(i);
    const t = i * 4;
    // One literal with every field in a fixed order keeps all events the same shape (fast to build and serialise).
    const event: RawUsageEvent = {
      timestamp: String(times[i]),
      userEmail: m.email,
      model: spec.name,
      kind: KIND_NAMES[p.kind[i]],
      maxMode: spec.maxMode,
      requestsCosts: errored ? 0 : Math.max(0.1, Math.round(p.modelMicro[i] / 40_000) / 100), // legacy units: ~4 cents a request
      isTokenBasedCall: !errored,
      tokenUsage: errored
        ? undefined
        : {
            inputTokens: p.tokens[t],
            outputTokens: p.tokens[t + 1],
            cacheWriteTokens: p.tokens[t + 2],
            cacheReadTokens: p.tokens[t + 3],
            totalCents: microToCents(p.modelMicro[i]),
          },
      isChargeable: p.kind[i] === 1,
      isHeadless: p.headless[i] === 1,
      chargedCents: microToCents(charged),
      cursorTokenFee: !errored && spec.thirdParty ? microToCents(p.feeMicro[i]) : undefined,
      conversationId: conversation,
    };
    const delay = Math.floor(rng.next() * lateMaxMs);
    out[i] = {
      event,
      timestampMs: times[i],
      arrivalMs: times[i] + delay,
      userIndex: m.index,
      seq: i,
      chargedMicro: charged,
      usageBased: p.kind[i] === 1,
    };
  }
  return out;
}

/** Cursor's order: newest first; ties by user then by position in the user's day (deterministic). */
export function newestFirst(a: TimedEvent, b: TimedEvent): number {
  return b.timestampMs - a.timestampMs || a.userIndex - b.userIndex || b.seq - a.seq;
}
