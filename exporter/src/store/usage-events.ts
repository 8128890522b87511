import type { Statement } from 'better-sqlite3';
import type { UsageEvent } from '../domain/records';
import { DAY_MS, utcDay } from '../domain/time';
import type { Db } from './db';
import type { EventKeyer } from './event-key';
import { DailyDeltas } from './usage-daily';

/**
 * The ingest hot path. Events are inserted by natural key (duplicates from overlapping windows are
 * ignored by the primary key), and only rows actually inserted are added into usage_daily, so the
 * pre-aggregate (and its rollups, store/usage-daily.ts) stays exact however often a window is
 * re-fetched. The caller wraps the call in db.transaction together with its watermark advance.
 */

const INSERT_EVENT = `INSERT INTO usage_events (ts_ms, event_hash, day, email, model, kind, max_mode, requests_costs,
  is_token_based, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro,
  cursor_fee_micro, is_chargeable, is_headless, conversation_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ts_ms, event_hash) DO NOTHING`;

const statements = new WeakMap<Db, Statement>();

function prepared(db: Db): Statement {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = db.prepare(INSERT_EVENT)));
  return s;
}

/**
 * A batch of keyed usage events by column: what the ingest parse worker (cursor/page-parser.ts)
 * hands the inserting thread. One transferable Float64Array holds every number of an event
 * (WIDTH slots per event, see the C_ offsets); text fields are indexes into a per-batch table of
 * distinct strings, so a page costs a handful of strings to move between threads, not an object
 * per event (which costs about as much to clone as JSON.parse).
 */
export interface EventColumns {
  n: number;
  nums: Float64Array;
  strings: string[];
}

const C_TS = 0;
const C_KEY = 1;
const C_REQUESTS = 2;
const C_INPUT = 3;
const C_OUTPUT = 4;
const C_CACHE_WRITE = 5;
const C_CACHE_READ = 6;
const C_TOKEN = 7;
const C_CHARGED = 8;
const C_FEE = 9;
const C_FLAGS = 10;
const C_EMAIL = 11;
const C_MODEL = 12;
const C_KIND = 13;
const C_CONVERSATION = 14; // -1: no conversation id
const WIDTH = 15;

const MAX_MODE = 1;
const TOKEN_BASED = 2;
const CHARGEABLE = 4;
const HEADLESS = 8;
// usage_daily's billing categories of the free-text kind, decided once where the batch is built.
const INCLUDED = 16;
const USAGE_BASED = 32;
const ERRORED = 64;

function kindFlags(kind: string): number {
  // These prefixes are the billing categories Cursor's docs name.
  if (kind.startsWith('Included')) return INCLUDED;
  if (kind === 'Usage-based') return USAGE_BASED;
  return kind.startsWith('Errored') ? ERRORED : 0;
}

/**
 * Keys the events of one window in arrival order (the ordinal of a repeated event follows
 * Cursor's order, so the keyer must see a window's pages in order) and lays them out by column.
 */
export function eventColumns(events: readonly UsageEvent[], keyer: EventKeyer): EventColumns {
  const n = events.length;
  const nums = new Float64Array(n * WIDTH);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  for (let i = 0, o = 0; i < n; i++, o += WIDTH) {
    const e = events[i];
    nums[o + C_TS] = e.timestampMs;
    nums[o + C_KEY] = keyer.key(e);
    nums[o + C_REQUESTS] = e.requestsCosts;
    nums[o + C_INPUT] = e.inputTokens;
    nums[o + C_OUTPUT] = e.outputTokens;
    nums[o + C_CACHE_WRITE] = e.cacheWriteTokens;
    nums[o + C_CACHE_READ] = e.cacheReadTokens;
    nums[o + C_TOKEN] = e.tokenMicro;
    nums[o + C_CHARGED] = e.chargedMicro;
    nums[o + C_FEE] = e.cursorFeeMicro;
    nums[o + C_FLAGS] =
      (e.maxMode ? MAX_MODE : 0) | (e.isTokenBasedCall ? TOKEN_BASED : 0) | (e.isChargeable ? CHARGEABLE : 0) |
      (e.isHeadless ? HEADLESS : 0) | kindFlags(e.kind);
    nums[o + C_EMAIL] = intern(e.email);
    nums[o + C_MODEL] = intern(e.model);
    nums[o + C_KIND] = intern(e.kind);
    nums[o + C_CONVERSATION] = e.conversationId === null ? -1 : intern(e.conversationId);
  }
  return { n, nums, strings };
}

// A position in a list of batches: batch * BATCH_STRIDE + row (exact in a double for any real size).
const BATCH_STRIDE = 2 ** 31;

/**
 * Positions of the events in ascending timestamp order. Cursor pages newest-first, and a B-tree
 * takes rows in key order far faster than in reverse (a third less time per insert). A window that
 * came newest-first is simply walked backwards; anything else is sorted.
 */
function timeOrder(batches: readonly EventColumns[]): number[] {
  const order: number[] = [];
  let newestFirst = true;
  let previous = Infinity;
  for (let b = 0; b < batches.length; b++) {
    const { n, nums } = batches[b];
    for (let i = 0; i < n; i++) {
      const ts = nums[i * WIDTH + C_TS];
      newestFirst &&= ts <= previous;
      previous = ts;
      order.push(b * BATCH_STRIDE + i);
    }
  }
  if (newestFirst) return order.reverse();
  const at = (p: number, c: number) => batches[Math.floor(p / BATCH_STRIDE)].nums[(p % BATCH_STRIDE) * WIDTH + c];
  return order.sort((p, q) => at(p, C_TS) - at(q, C_TS) || at(p, C_KEY) - at(q, C_KEY));
}

/** Adds one inserted event into its usage_daily delta (indexed like DAILY_SUMS). */
function add(s: Float64Array, v: Float64Array, o: number): void {
  const flags = v[o + C_FLAGS];
  s[0] += 1;
  s[1] += v[o + C_REQUESTS];
  s[2] += v[o + C_CHARGED];
  if (flags & CHARGEABLE) s[3] += v[o + C_CHARGED];
  s[4] += v[o + C_TOKEN];
  if (flags & INCLUDED) s[5] += 1;
  else if (flags & USAGE_BASED) s[6] += 1;
  else if (flags & ERRORED) s[7] += 1;
  if (flags & HEADLESS) s[8] += 1;
  if (flags & MAX_MODE) s[9] += 1;
  s[10] += v[o + C_INPUT];
  s[11] += v[o + C_OUTPUT];
  s[12] += v[o + C_CACHE_WRITE];
  s[13] += v[o + C_CACHE_READ];
}

/**
 * Inserts the keyed batches of one window (in the order they were keyed); returns the number of
 * events newly inserted.
 */
export function insertEventColumns(db: Db, batches: readonly EventColumns[]): number {
  const insert = prepared(db);
  const order = timeOrder(batches);
  const deltas = new DailyDeltas();
  // Day strings are cached per UTC day number: toISOString per event would be a third of the cost.
  let lastDayNo = NaN;
  let lastDay = '';
  let inserted = 0;
  for (let k = 0; k < order.length; k++) {
    const p = order[k];
    const { nums: v, strings } = batches[Math.floor(p / BATCH_STRIDE)];
    const o = (p % BATCH_STRIDE) * WIDTH;
    const ts = v[o + C_TS];
    const dayNo = Math.floor(ts / DAY_MS);
    if (dayNo !== lastDayNo) {
      lastDayNo = dayNo;
      lastDay = utcDay(dayNo * DAY_MS);
    }
    const flags = v[o + C_FLAGS];
    const email = strings[v[o + C_EMAIL]];
    const model = strings[v[o + C_MODEL]];
    const conversation = v[o + C_CONVERSATION];
    const info = insert.run(
      ts, v[o + C_KEY], lastDay, email, model, strings[v[o + C_KIND]], flags & MAX_MODE ? 1 : 0, v[o + C_REQUESTS],
      flags & TOKEN_BASED ? 1 : 0, v[o + C_INPUT], v[o + C_OUTPUT], v[o + C_CACHE_WRITE], v[o + C_CACHE_READ],
      v[o + C_TOKEN], v[o + C_CHARGED], v[o + C_FEE], flags & CHARGEABLE ? 1 : 0, flags & HEADLESS ? 1 : 0,
      conversation < 0 ? null : strings[conversation],
    );
    if (info.changes !== 1) continue;
    inserted++;
    add(deltas.sums(lastDay, email, model), v, o);
  }
  deltas.write(db);
  return inserted;
}

/** Keys and inserts one window's events on this thread; returns the number newly inserted. */
export function insertUsageEvents(db: Db, events: readonly UsageEvent[], keyer: EventKeyer): number {
  return insertEventColumns(db, [eventColumns(events, keyer)]);
}
