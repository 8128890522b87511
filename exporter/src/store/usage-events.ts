import type { Statement } from 'better-sqlite3';
import { batchEvents, COL, FLAG, toEventBatch, WIDTH as BATCH_WIDTH, type EventBatch } from '../domain/event-batch';
import { repeatKey } from '../domain/event-key';
import type { UsageEvent } from '../domain/records';
import { DAY_MS, utcDay } from '../domain/time';
import type { Db } from './db';
import { DailyDeltas } from './usage-daily';

// Module constants, not imported bindings, in the per-event loops (see COL).
const {
  TS,
  HASH,
  REQUESTS,
  INPUT,
  OUTPUT,
  CACHE_WRITE,
  CACHE_READ,
  TOKEN,
  CHARGED,
  FEE,
  FLAGS,
  EMAIL,
  MODEL,
  KIND,
  CONVERSATION,
} = COL;
const { MAX_MODE, TOKEN_BASED, CHARGEABLE, HEADLESS, INCLUDED, USAGE_BASED, ERRORED } = FLAG;
const WIDTH = BATCH_WIDTH;
const DAY = DAY_MS;

/**
 * The ingest hot path; its other half (parsing, normalising, hashing) runs on the second core in
 * cursor/page-parser.ts. Events are inserted by natural key (duplicates from overlapping windows
 * are ignored by the primary key), and only rows actually inserted are added into usage_daily, so
 * the pre-aggregate (and its rollups, store/usage-daily.ts) stays exact however often a window is
 * re-fetched. The caller wraps the call in store.transaction together with its watermark advance.
 */

const INSERT_EVENT = `INSERT INTO usage_events (ts_ms, event_hash, day, email, model, kind, max_mode, requests_costs,
  is_token_based, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro,
  cursor_fee_micro, is_chargeable, is_headless, conversation_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ts_ms, event_hash) DO NOTHING`;

/**
 * (batch, row) of a window's events in ascending timestamp order, as two parallel arrays. Cursor
 * pages newest-first, and a B-tree takes rows in key order far faster than in reverse (a third
 * less time per insert). A window that came newest-first is simply walked backwards; anything
 * else is sorted.
 */
function timeOrder(batches: readonly EventBatch[]): { batch: Int32Array; row: Int32Array } {
  const total = batchEvents(batches);
  const batch = new Int32Array(total);
  const row = new Int32Array(total);
  let newestFirst = true;
  let previous = Infinity;
  for (let b = 0, k = 0; b < batches.length; b++) {
    const { n, nums } = batches[b];
    for (let i = 0; i < n; i++, k++) {
      const ts = nums[i * WIDTH + TS];
      newestFirst &&= ts <= previous;
      previous = ts;
      batch[k] = b;
      row[k] = i;
    }
  }
  if (newestFirst) return { batch: batch.reverse(), row: row.reverse() };
  const ts = (k: number) => batches[batch[k]].nums[row[k] * WIDTH + TS];
  const sorted = Array.from({ length: total }, (_, k) => k).sort((x, y) => ts(x) - ts(y));
  return { batch: Int32Array.from(sorted, (k) => batch[k]), row: Int32Array.from(sorted, (k) => row[k]) };
}

/** utcDay() per timestamp, recomputed only when the day changes: toISOString per event would be a third of the cost. */
function dayNamer(): (ts: number) => string {
  let dayNo = NaN;
  let day = '';
  return (ts) => {
    const n = Math.floor(ts / DAY);
    if (n !== dayNo) {
      dayNo = n;
      day = utcDay(n * DAY);
    }
    return day;
  };
}

/** Adds one inserted event into its usage_daily delta (indexed like DAILY_SUMS). */
function add(s: Float64Array, v: Float64Array, o: number): void {
  const flags = v[o + FLAGS];
  s[0] += 1;
  s[1] += v[o + REQUESTS];
  s[2] += v[o + CHARGED];
  if (flags & CHARGEABLE) s[3] += v[o + CHARGED];
  s[4] += v[o + TOKEN];
  if (flags & INCLUDED) s[5] += 1;
  else if (flags & USAGE_BASED) s[6] += 1;
  else if (flags & ERRORED) s[7] += 1;
  if (flags & HEADLESS) s[8] += 1;
  if (flags & MAX_MODE) s[9] += 1;
  s[10] += v[o + INPUT];
  s[11] += v[o + OUTPUT];
  s[12] += v[o + CACHE_WRITE];
  s[13] += v[o + CACHE_READ];
}

/** Per-request cost events (usage_events), and through DailyDeltas the usage_daily pre-aggregate. */
export class UsageEventsRepo {
  private insertStmt: Statement | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Inserts the batches of one fetch window; returns the number of events newly inserted. The n-th
   * repeat of a byte-identical event within a millisecond gets repeatKey(hash, n): identical events
   * are interchangeable, so the keys do not depend on the order they came in.
   */
  insertBatches(batches: readonly EventBatch[]): number {
    return insertEventBatches(this.db, (this.insertStmt ??= this.db.prepare(INSERT_EVENT)), batches);
  }

  /** One window's events, batched on this thread; returns the number newly inserted. */
  insert(events: readonly UsageEvent[]): number {
    return this.insertBatches([toEventBatch(events)]);
  }

  /** Timestamp of the newest stored event (data freshness); null when there is none. */
  newestMs(): number | null {
    return (this.db.prepare('SELECT MAX(ts_ms) AS ms FROM usage_events').get() as { ms: number | null }).ms;
  }
}

function insertEventBatches(db: Db, insert: Statement, batches: readonly EventBatch[]): number {
  const order = timeOrder(batches);
  const deltas = new DailyDeltas();
  const dayOf = dayNamer();
  // Hashes seen in the current millisecond (almost always one).
  let blockTs = NaN;
  const block: number[] = [];
  let inserted = 0;
  const total = order.row.length;
  const isNew = new Uint8Array(total);
  for (let k = 0; k < total; k++) {
    const { nums: v, strings } = batches[order.batch[k]];
    const o = order.row[k] * WIDTH;
    const ts = v[o + TS];
    const hash = v[o + HASH];
    if (ts !== blockTs) {
      blockTs = ts;
      block.length = 0;
    }
    let ordinal = 0;
    for (let j = 0; j < block.length; j++) if (block[j] === hash) ordinal++;
    block.push(hash);
    const day = dayOf(ts);
    const flags = v[o + FLAGS];
    const conversation = v[o + CONVERSATION];
    const info = insert.run(
      ts,
      ordinal === 0 ? hash : repeatKey(hash, ordinal),
      day,
      strings[v[o + EMAIL]],
      strings[v[o + MODEL]],
      strings[v[o + KIND]],
      flags & MAX_MODE ? 1 : 0,
      v[o + REQUESTS],
      flags & TOKEN_BASED ? 1 : 0,
      v[o + INPUT],
      v[o + OUTPUT],
      v[o + CACHE_WRITE],
      v[o + CACHE_READ],
      v[o + TOKEN],
      v[o + CHARGED],
      v[o + FEE],
      flags & CHARGEABLE ? 1 : 0,
      flags & HEADLESS ? 1 : 0,
      conversation < 0 ? null : strings[conversation],
    );
    if (info.changes !== 1) continue;
    inserted++;
    isNew[k] = 1;
  }
  // The usage_daily deltas of the inserted events, in a pass of their own: interleaved with the
  // inserts, SQLite evicts the deltas' maps from the CPU caches between lookups.
  for (let k = 0; k < total; k++) {
    if (isNew[k] === 0) continue;
    const { nums: v, strings } = batches[order.batch[k]];
    const o = order.row[k] * WIDTH;
    add(deltas.sums(dayOf(v[o + TS]), strings[v[o + EMAIL]], strings[v[o + MODEL]]), v, o);
  }
  deltas.write(db);
  return inserted;
}
