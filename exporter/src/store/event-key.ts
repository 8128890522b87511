import type { UsageEvent } from '../domain/records';

/** Every field of an event, in a fixed order: two events are the same only if all of these match. */
export function eventFingerprint(e: UsageEvent): string {
  return [
    e.timestampMs, e.email, e.model, e.kind, e.maxMode ? 1 : 0, e.requestsCosts, e.isTokenBasedCall ? 1 : 0,
    e.inputTokens, e.outputTokens, e.cacheWriteTokens, e.cacheReadTokens, e.tokenMicro, e.chargedMicro,
    e.cursorFeeMicro, e.isChargeable ? 1 : 0, e.isHeadless ? 1 : 0, e.conversationId ?? '',
  ].join('\u001f');
}

/**
 * 53-bit non-cryptographic string hash (two interleaved 32-bit multiply-xorshift lanes, the
 * construction of the public-domain cyrb53). md5 cost 4 µs per event on the ingest hot path; this
 * costs a fraction, and the key only has to tell apart events of the same millisecond.
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Assigns stable natural keys to the events of one fetch window. Cursor can return several
 * byte-identical events in the same millisecond (parallel agent calls); they are distinct events,
 * told apart by their ordinal. A window always contains all events of any millisecond inside it,
 * so re-fetching an overlapping window reproduces the same ordinals and the same keys.
 * The stored key is (timestamp, key(e)).
 */
export class EventKeyer {
  private readonly seen = new Map<number, number>();

  key(e: UsageEvent): number {
    const base = hash53(eventFingerprint(e));
    const ordinal = this.seen.get(base) ?? 0;
    this.seen.set(base, ordinal + 1);
    return ordinal === 0 ? base : hash53(`#${ordinal}`, base % 0x7fffffff);
  }
}
