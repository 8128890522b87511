import type { Statement } from 'better-sqlite3';
import type { UsageEvent } from '../domain/records';
import { DAY_MS, utcDay } from '../domain/time';
import type { Db } from './db';
import type { EventKeyer } from './event-key';

/**
 * The ingest hot path. Events are inserted by natural key (duplicates from overlapping windows are
 * ignored by the primary key), and only rows actually inserted are added into usage_daily, so the
 * pre-aggregate stays exact however often a window is re-fetched. The caller wraps the call in
 * db.transaction together with its watermark advance.
 */

const INSERT_EVENT = `INSERT INTO usage_events (ts_ms, event_hash, day, email, model, kind, max_mode, requests_costs,
  is_token_based, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro,
  cursor_fee_micro, is_chargeable, is_headless, conversation_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ts_ms, event_hash) DO NOTHING`;

const SUMS = [
  'events', 'requests', 'charged_micro', 'chargeable_micro', 'token_micro', 'included_events', 'usage_based_events',
  'errored_events', 'headless_events', 'max_mode_events', 'input_tokens', 'output_tokens', 'cache_write_tokens',
  'cache_read_tokens',
] as const;

const UPSERT_DAILY = `INSERT INTO usage_daily (day, email, model, ${SUMS.join(', ')})
  VALUES (?, ?, ?, ${SUMS.map(() => '?').join(', ')})
  ON CONFLICT(day, email, model) DO UPDATE SET ${SUMS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;

/** One usage_daily delta; the array is indexed like SUMS. */
interface Bucket {
  day: string;
  email: string;
  model: string;
  sums: number[];
}

const statements = new WeakMap<Db, { event: Statement; daily: Statement }>();

function prepared(db: Db): { event: Statement; daily: Statement } {
  let s = statements.get(db);
  if (!s) {
    s = { event: db.prepare(INSERT_EVENT), daily: db.prepare(UPSERT_DAILY) };
    statements.set(db, s);
  }
  return s;
}

/** Returns the number of events newly inserted. */
export function insertUsageEvents(db: Db, events: UsageEvent[], keyer: EventKeyer): number {
  const { event: insert, daily } = prepared(db);
  const buckets = new Map<string, Bucket>();
  // Day strings are cached per UTC day number: toISOString per event would be a third of the cost.
  let lastDayNo = NaN;
  let lastDay = '';
  let inserted = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const dayNo = Math.floor(e.timestampMs / DAY_MS);
    if (dayNo !== lastDayNo) {
      lastDayNo = dayNo;
      lastDay = utcDay(dayNo * DAY_MS);
    }
    const info = insert.run(
      e.timestampMs, keyer.key(e), lastDay, e.email, e.model, e.kind, e.maxMode ? 1 : 0, e.requestsCosts,
      e.isTokenBasedCall ? 1 : 0, e.inputTokens, e.outputTokens, e.cacheWriteTokens, e.cacheReadTokens, e.tokenMicro,
      e.chargedMicro, e.cursorFeeMicro, e.isChargeable ? 1 : 0, e.isHeadless ? 1 : 0, e.conversationId,
    );
    if (info.changes !== 1) continue;
    inserted++;
    const id = `${lastDay}\u0000${e.email}\u0000${e.model}`;
    let b = buckets.get(id);
    if (!b) {
      b = { day: lastDay, email: e.email, model: e.model, sums: new Array<number>(SUMS.length).fill(0) };
      buckets.set(id, b);
    }
    const s = b.sums;
    s[0] += 1;
    s[1] += e.requestsCosts;
    s[2] += e.chargedMicro;
    if (e.isChargeable) s[3] += e.chargedMicro;
    s[4] += e.tokenMicro;
    // Cursor's kind is free text; these prefixes are the billing categories the docs name.
    if (e.kind.startsWith('Included')) s[5] += 1;
    else if (e.kind === 'Usage-based') s[6] += 1;
    else if (e.kind.startsWith('Errored')) s[7] += 1;
    if (e.isHeadless) s[8] += 1;
    if (e.maxMode) s[9] += 1;
    s[10] += e.inputTokens;
    s[11] += e.outputTokens;
    s[12] += e.cacheWriteTokens;
    s[13] += e.cacheReadTokens;
  }
  for (const b of buckets.values()) daily.run(b.day, b.email, b.model, ...b.sums);
  return inserted;
}
