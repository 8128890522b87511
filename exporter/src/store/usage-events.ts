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

/** One usage_daily delta; sums are indexed like SUMS (a typed array: no boxed number per addition). */
interface Bucket {
  day: string;
  email: string;
  model: string;
  sums: Float64Array;
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

/**
 * Positions of the events in ascending timestamp order. Cursor pages newest-first, and a B-tree
 * takes rows in key order far faster than in reverse (a third less time per insert). A window that
 * came newest-first is simply walked backwards; anything else is sorted.
 */
function timeOrder(events: UsageEvent[], keys: Float64Array): number[] {
  const n = events.length;
  const order = new Array<number>(n);
  let newestFirst = true;
  for (let i = 1; i < n && newestFirst; i++) newestFirst = events[i].timestampMs <= events[i - 1].timestampMs;
  for (let i = 0; i < n; i++) order[i] = newestFirst ? n - 1 - i : i;
  if (newestFirst) return order;
  return order.sort((a, b) => events[a].timestampMs - events[b].timestampMs || keys[a] - keys[b]);
}

/** Buckets of one window: by day, then email; a person uses a handful of models, so a short list. */
type Buckets = Map<string, Map<string, Bucket[]>>;

function bucketOf(byEmail: Map<string, Bucket[]>, day: string, email: string, model: string): Bucket {
  let list = byEmail.get(email);
  if (list === undefined) byEmail.set(email, (list = []));
  for (let i = 0; i < list.length; i++) if (list[i].model === model) return list[i];
  const b: Bucket = { day, email, model, sums: new Float64Array(SUMS.length) };
  list.push(b);
  return b;
}

/** Adds one inserted event into its bucket. */
function add(s: Float64Array, e: UsageEvent): void {
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

const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const byModel = (a: Bucket, b: Bucket) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0);

/**
 * Writes the buckets in primary-key order: usage_daily and the per-user rollup its triggers keep
 * are then written along their B-trees instead of at random places.
 */
function flush(daily: Statement, buckets: Buckets): void {
  for (const [, byEmail] of [...buckets].sort(byKey)) {
    for (const [, list] of [...byEmail].sort(byKey)) {
      for (const b of list.sort(byModel)) {
        const s = b.sums;
        daily.run(b.day, b.email, b.model, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
      }
    }
  }
}

/** Returns the number of events newly inserted. */
export function insertUsageEvents(db: Db, events: UsageEvent[], keyer: EventKeyer): number {
  const { event: insert, daily } = prepared(db);
  // Keys are assigned in arrival order: the ordinal of a repeated event follows Cursor's order.
  const keys = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) keys[i] = keyer.key(events[i]);
  const order = timeOrder(events, keys);
  const buckets: Buckets = new Map();
  // Day strings are cached per UTC day number: toISOString per event would be a third of the cost.
  let lastDayNo = NaN;
  let lastDay = '';
  let dayBuckets = new Map<string, Bucket[]>();
  let inserted = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const e = events[i];
    const dayNo = Math.floor(e.timestampMs / DAY_MS);
    if (dayNo !== lastDayNo) {
      lastDayNo = dayNo;
      lastDay = utcDay(dayNo * DAY_MS);
      const known = buckets.get(lastDay);
      if (known !== undefined) dayBuckets = known;
      else buckets.set(lastDay, (dayBuckets = new Map()));
    }
    const info = insert.run(
      e.timestampMs, keys[i], lastDay, e.email, e.model, e.kind, e.maxMode ? 1 : 0, e.requestsCosts,
      e.isTokenBasedCall ? 1 : 0, e.inputTokens, e.outputTokens, e.cacheWriteTokens, e.cacheReadTokens, e.tokenMicro,
      e.chargedMicro, e.cursorFeeMicro, e.isChargeable ? 1 : 0, e.isHeadless ? 1 : 0, e.conversationId,
    );
    if (info.changes !== 1) continue;
    inserted++;
    add(bucketOf(dayBuckets, lastDay, e.email, e.model).sums, e);
  }
  flush(daily, buckets);
  return inserted;
}
