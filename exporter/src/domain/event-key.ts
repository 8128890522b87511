import type { UsageEvent } from './records';

/*
 * 53-bit non-cryptographic hash of an event's fields: two interleaved 32-bit multiply-xorshift
 * lanes with the final avalanche of the public-domain cyrb53. The fields are fed in directly (no
 * joined fingerprint string, which cost more than the hashing itself on the ingest hot path).
 * The key only has to tell apart events of the same millisecond.
 */

// Numbers are hashed by their IEEE-754 bits, so fractional values (requestsCosts) and integers
// beyond 32 bits (micro-cents) are exact without formatting them.
const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

let h1 = 0;
let h2 = 0;

function start(seed: number): void {
  h1 = 0xdeadbeef ^ seed;
  h2 = 0x41c6ce57 ^ seed;
}

function word(w: number): void {
  h1 = Math.imul(h1 ^ w, 2654435761);
  h2 = Math.imul(h2 ^ w, 1597334677);
}

function num(x: number): void {
  float[0] = x;
  word(words[0]);
  word(words[1]);
}

/** Two UTF-16 units per word; the length goes first, so no string can run on into the next field. */
function str(s: string): void {
  const n = s.length;
  word(n);
  let i = 1;
  for (; i < n; i += 2) word(s.charCodeAt(i - 1) | (s.charCodeAt(i) << 16));
  if (i === n) word(s.charCodeAt(i - 1));
}

function finish(): number {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return 4294967296 * (2097151 & b) + (a >>> 0);
}

/** Hash of every field of an event: two events are the same only if all of them match. */
export function eventHash(e: UsageEvent): number {
  start(0);
  num(e.timestampMs);
  str(e.email);
  str(e.model);
  str(e.kind);
  num(e.requestsCosts);
  num(e.inputTokens);
  num(e.outputTokens);
  num(e.cacheWriteTokens);
  num(e.cacheReadTokens);
  num(e.tokenMicro);
  num(e.chargedMicro);
  num(e.cursorFeeMicro);
  // Flags in one word; bit 5 tells a missing conversation id from an empty one.
  word(
    (e.maxMode ? 1 : 0) |
      (e.isTokenBasedCall ? 2 : 0) |
      (e.isChargeable ? 4 : 0) |
      (e.isHeadless ? 8 : 0) |
      (e.conversationId === null ? 16 : 0),
  );
  str(e.conversationId ?? '');
  return finish();
}

/**
 * The key of the n-th (n ≥ 1) repeat of an identical event: a hash of the ordinal seeded by the
 * base. Cursor can return several byte-identical events in the same millisecond (parallel agent
 * calls); they are distinct events told apart by their ordinal. A fetch window holds every event of
 * any millisecond inside it, so re-fetching it reproduces the same ordinals and the same keys.
 */
export function repeatKey(base: number, ordinal: number): number {
  start(base % 0x7fffffff);
  num(ordinal);
  return finish();
}
