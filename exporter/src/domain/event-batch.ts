import { eventHash } from './event-key';
import type { UsageEvent } from './records';

/**
 * Usage events by column: what a parsed page of filtered-usage-events becomes, and what the store
 * inserts. One Float64Array holds every number of an event (WIDTH slots, at the COL offsets) and is
 * transferable between threads without a copy; text fields are indexes into `strings`. The parse
 * worker (cursor/page-parser.ts) builds batches on the second core, so everything per-event that
 * does not need SQLite (normalising, hashing, billing category of the kind) happens there.
 */
export interface EventBatch {
  n: number;
  nums: Float64Array;
  strings: string[];
}

/**
 * Where each field sits in an event's WIDTH slots. Hot loops elsewhere copy these into their own
 * module constants once (`const { TS } = COL`): an imported binding read per event is a getter
 * call under the CommonJS that tsx emits.
 */
export const COL = {
  TS: 0,
  /** eventHash(): the natural key, before repeats of an identical event get their ordinal. */
  HASH: 1,
  REQUESTS: 2,
  INPUT: 3,
  OUTPUT: 4,
  CACHE_WRITE: 5,
  CACHE_READ: 6,
  TOKEN: 7,
  CHARGED: 8,
  FEE: 9,
  FLAGS: 10,
  EMAIL: 11,
  MODEL: 12,
  KIND: 13,
  /** -1: no conversation id. */
  CONVERSATION: 14,
} as const;
export const WIDTH = 15;

/** The first four are stored as they are (usage_event_rows.flags, schema/022): their bits are fixed. */
export const FLAG = {
  MAX_MODE: 1,
  TOKEN_BASED: 2,
  CHARGEABLE: 4,
  HEADLESS: 8,
  // The billing category of the free-text kind, decided once where the batch is built.
  INCLUDED: 16,
  USAGE_BASED: 32,
  ERRORED: 64,
} as const;

/** Cursor's kind is free text; these prefixes are the billing categories its docs name. */
function kindFlags(kind: string): number {
  if (kind.startsWith('Included')) return FLAG.INCLUDED;
  if (kind === 'Usage-based') return FLAG.USAGE_BASED;
  return kind.startsWith('Errored') ? FLAG.ERRORED : 0;
}

export function toEventBatch(events: readonly UsageEvent[]): EventBatch {
  const n = events.length;
  const nums = new Float64Array(n * WIDTH);
  const strings: string[] = [];
  // People, models and kinds repeat on every page: each is sent once. Conversation ids rarely do.
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  for (let i = 0, o = 0; i < n; i++, o += WIDTH) {
    const e = events[i];
    nums[o + COL.TS] = e.timestampMs;
    nums[o + COL.HASH] = eventHash(e);
    nums[o + COL.REQUESTS] = e.requestsCosts;
    nums[o + COL.INPUT] = e.inputTokens;
    nums[o + COL.OUTPUT] = e.outputTokens;
    nums[o + COL.CACHE_WRITE] = e.cacheWriteTokens;
    nums[o + COL.CACHE_READ] = e.cacheReadTokens;
    nums[o + COL.TOKEN] = e.tokenMicro;
    nums[o + COL.CHARGED] = e.chargedMicro;
    nums[o + COL.FEE] = e.cursorFeeMicro;
    nums[o + COL.FLAGS] =
      (e.maxMode ? FLAG.MAX_MODE : 0) |
      (e.isTokenBasedCall ? FLAG.TOKEN_BASED : 0) |
      (e.isChargeable ? FLAG.CHARGEABLE : 0) |
      (e.isHeadless ? FLAG.HEADLESS : 0) |
      kindFlags(e.kind);
    nums[o + COL.EMAIL] = intern(e.email);
    nums[o + COL.MODEL] = intern(e.model);
    nums[o + COL.KIND] = intern(e.kind);
    nums[o + COL.CONVERSATION] = e.conversationId === null ? -1 : strings.push(e.conversationId) - 1;
  }
  return { n, nums, strings };
}

/** Events in total over a window's batches. */
export function batchEvents(batches: readonly EventBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.n;
  return n;
}
