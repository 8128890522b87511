import { createHash } from 'node:crypto';
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
 * Assigns stable natural keys to the events of one fetch window. Cursor can return several
 * byte-identical events in the same millisecond (parallel agent calls); they are distinct events,
 * told apart by their ordinal. A window always contains all events of any millisecond inside it,
 * so re-fetching an overlapping window reproduces the same ordinals and the same keys.
 */
export class EventKeyer {
  private readonly seen = new Map<string, number>();

  key(e: UsageEvent): string {
    const fp = eventFingerprint(e);
    const ordinal = this.seen.get(fp) ?? 0;
    this.seen.set(fp, ordinal + 1);
    return createHash('md5').update(ordinal === 0 ? fp : `${fp}\u001f#${ordinal}`).digest('base64url');
  }
}
