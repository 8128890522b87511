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
 * cursor/page-parser.ts. Events are inserted by natural key (those already stored, from overlapping
 * windows, are found first and skipped), and only rows actually inserted are added into usage_daily, so
 * the pre-aggregate (and its rollups, store/usage-daily.ts) stays exact however often a window is
 * re-fetched. The caller wraps the call in store.transaction together with its watermark advance.
 */

const EVENT_COLUMNS = `ts_ms, event_hash, email_id, model_id, kind_id, flags, requests_costs, input_tokens,
  output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro, cursor_fee_micro, conversation_id`;
/** The batch's flags that usage_event_rows.flags keeps, with the same bits (schema/022); the rest are the kind's. */
const STORED_FLAGS = MAX_MODE | TOKEN_BASED | CHARGEABLE | HEADLESS;
const COLUMNS = EVENT_COLUMNS.split(',').length;
const ROW_PARAMS = `(${Array(COLUMNS).fill('?').join(', ')})`;
/** Events per INSERT statement: a statement of many rows costs SQLite and the binding far less a row than one a row. */
const ROWS_PER_INSERT = 32;
/** An INSERT of `rows` events; DO NOTHING keeps a stored event as it is, which the change count then shows. */
const insertSql = (rows: number) =>
  `INSERT INTO usage_event_rows (${EVENT_COLUMNS}) VALUES ${Array(rows).fill(ROW_PARAMS).join(', ')}
  ON CONFLICT(ts_ms, event_hash) DO NOTHING`;

interface InsertStatements {
  one: Statement;
  many: Statement;
  storedKeys: Statement;
  names: Statement;
  addName: Statement;
}

/**
 * The usage_names ids of a window's e-mails, models and kinds (schema/022), read once a window and
 * added to in its transaction: kept no longer, so a window rolled back leaves no id behind.
 */
class NameIds {
  private readonly known = new Map<string, number>();
  private readonly perBatch: (Int32Array | undefined)[];

  constructor(
    private readonly statements: InsertStatements,
    private readonly batches: readonly EventBatch[],
  ) {
    for (const [name, id] of statements.names.all() as [string, number][]) this.known.set(name, id);
    this.perBatch = new Array(batches.length);
  }

  /** Batch b's ids by string index, 0 where not looked up yet (ids start at 1): see resolve(). */
  of(b: number): Int32Array {
    return (this.perBatch[b] ??= new Int32Array(this.batches[b].strings.length));
  }

  /** Looks up string i of batch b (numbering it when new) into of(b)[i]; returns the id. */
  resolve(b: number, i: number): number {
    const name = this.batches[b].strings[i];
    let id = this.known.get(name);
    if (id === undefined) {
      id = Number(this.statements.addName.run(name).lastInsertRowid);
      this.known.set(name, id);
    }
    return (this.of(b)[i] = id);
  }
}

/** The keys stored between two timestamps (inclusive), by timestamp; null when there are none. */
function storedKeys(select: Statement, from: number, to: number): Map<number, number[]> | null {
  const rows = select.all(from, to) as [number, number][];
  if (rows.length === 0) return null;
  const byTs = new Map<number, number[]>();
  for (const [ts, key] of rows) {
    const keys = byTs.get(ts);
    if (keys) keys.push(key);
    else byTs.set(ts, [key]);
  }
  return byTs;
}

/** Runs one INSERT of `rows` events that were found new; anything else inserted is a broken invariant, and the window's transaction is rolled back. */
function insertRows(insert: Statement, args: unknown[], rows: number): void {
  const { changes } = insert.run(args);
  if (changes !== rows)
    throw new Error(`usage_events: ${rows - changes} of ${rows} events thought new were already stored`);
}

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
  private statements: InsertStatements | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Inserts the batches of one fetch window; returns the number of events newly inserted. The n-th
   * repeat of a byte-identical event within a millisecond gets repeatKey(hash, n): identical events
   * are interchangeable, so the keys do not depend on the order they came in.
   */
  insertBatches(batches: readonly EventBatch[]): number {
    this.statements ??= {
      one: this.db.prepare(insertSql(1)),
      many: this.db.prepare(insertSql(ROWS_PER_INSERT)),
      storedKeys: this.db
        .prepare('SELECT ts_ms, event_hash FROM usage_event_rows WHERE ts_ms BETWEEN ? AND ? ORDER BY ts_ms')
        .raw(true),
      names: this.db.prepare('SELECT name, id FROM usage_names').raw(true),
      addName: this.db.prepare('INSERT INTO usage_names (name) VALUES (?)'),
    };
    return insertEventBatches(this.db, this.statements, batches);
  }

  /** One window's events, batched on this thread; returns the number newly inserted. */
  insert(events: readonly UsageEvent[]): number {
    return this.insertBatches([toEventBatch(events)]);
  }

  /** Timestamp of the newest stored event (data freshness); null when there is none. */
  newestMs(): number | null {
    return (this.db.prepare('SELECT MAX(ts_ms) AS ms FROM usage_event_rows').get() as { ms: number | null }).ms;
  }
}

/**
 * Inserts the events that are not stored yet, in ascending time, ROWS_PER_INSERT to a statement.
 * Which are new is decided before inserting, from the keys already stored in the window's time
 * range (none in a backfill) and the keys given earlier in the same millisecond; so every row a
 * statement inserts is new, and the statement's change count says so.
 */
function insertEventBatches(db: Db, statements: InsertStatements, batches: readonly EventBatch[]): number {
  const order = timeOrder(batches);
  const total = order.row.length;
  if (total === 0) return 0;
  const first = batches[order.batch[0]].nums[order.row[0] * WIDTH + TS];
  const last = batches[order.batch[total - 1]].nums[order.row[total - 1] * WIDTH + TS];
  const stored = storedKeys(statements.storedKeys, first, last);
  const deltas = new DailyDeltas();
  const dayOf = dayNamer();
  let names: NameIds | undefined;
  let idsBatch = -1;
  let ids: Int32Array = new Int32Array(0); // names.of(idsBatch): a window's events come a batch at a time
  // Hashes and keys given in the current millisecond (almost always one).
  let blockTs = NaN;
  const hashes: number[] = [];
  const keys: number[] = [];
  let storedHere: readonly number[] | undefined;
  const isNew = new Uint8Array(total);
  const args: unknown[] = new Array(ROWS_PER_INSERT * COLUMNS);
  let pending = 0;
  let inserted = 0;
  for (let k = 0; k < total; k++) {
    const b = order.batch[k];
    const { nums: v, strings } = batches[b];
    const o = order.row[k] * WIDTH;
    const ts = v[o + TS];
    const hash = v[o + HASH];
    if (ts !== blockTs) {
      blockTs = ts;
      hashes.length = 0;
      keys.length = 0;
      storedHere = stored?.get(ts);
    }
    let ordinal = 0;
    for (let j = 0; j < hashes.length; j++) if (hashes[j] === hash) ordinal++;
    hashes.push(hash);
    const key = ordinal === 0 ? hash : repeatKey(hash, ordinal);
    if (keys.includes(key) || storedHere?.includes(key)) continue;
    keys.push(key);
    isNew[k] = 1;
    inserted++;
    const flags = v[o + FLAGS];
    const conversation = v[o + CONVERSATION];
    const a = pending * COLUMNS;
    args[a] = ts;
    args[a + 1] = key;
    names ??= new NameIds(statements, batches);
    if (b !== idsBatch) ids = names.of((idsBatch = b));
    const email = v[o + EMAIL];
    const model = v[o + MODEL];
    const kind = v[o + KIND];
    args[a + 2] = ids[email] || names.resolve(b, email);
    args[a + 3] = ids[model] || names.resolve(b, model);
    args[a + 4] = ids[kind] || names.resolve(b, kind);
    args[a + 5] = flags & STORED_FLAGS;
    args[a + 6] = v[o + REQUESTS];
    args[a + 7] = v[o + INPUT];
    args[a + 8] = v[o + OUTPUT];
    args[a + 9] = v[o + CACHE_WRITE];
    args[a + 10] = v[o + CACHE_READ];
    args[a + 11] = v[o + TOKEN];
    args[a + 12] = v[o + CHARGED];
    args[a + 13] = v[o + FEE];
    args[a + 14] = conversation < 0 ? null : strings[conversation];
    if (++pending === ROWS_PER_INSERT) {
      insertRows(statements.many, args, pending);
      pending = 0;
    }
  }
  for (let r = 0; r < pending; r++) insertRows(statements.one, args.slice(r * COLUMNS, (r + 1) * COLUMNS), 1);
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
