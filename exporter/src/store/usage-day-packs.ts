import type { Memo } from './cycle-usage';
import type { Db } from './db';

/**
 * What is read of each usage_daily row besides its person and model, in order: spend, usage events
 * (one a request), tokens of every kind, usage-based events, on-demand spend, billable request
 * units, cache-read tokens. One definition for both ways of reading a day: its pack, or its rows.
 */
export const USAGE_MEASURES = [
  'charged_micro',
  'events',
  'input_tokens + output_tokens + cache_write_tokens + cache_read_tokens',
  'usage_based_events',
  'chargeable_micro',
  'requests',
  'cache_read_tokens',
] as const;

/** Where each measure sits in DayUsage.measures. */
export const U = {
  spend: 0,
  events: 1,
  tokens: 2,
  usageBased: 3,
  onDemand: 4,
  requests: 5,
  cacheRead: 6,
} as const;

/** One day's usage rows as columns, in (email, model) order: row i is people[i] × models[model[i]]. */
export interface DayUsage {
  rows: number;
  people: Uint32Array; // index into DaysUsage.emails
  model: Uint32Array; // index into models
  models: string[];
  measures: Float64Array[]; // indexed like USAGE_MEASURES (U)
}

/** A window's usage per person and per (person, model), summed over its days. */
export interface UsageWindow {
  emails: string[]; // everyone with usage rows in the window, ascending
  sums: Float64Array[]; // per measure (U), per person as in emails
  days: Uint32Array; // days with usage rows, per person as in emails
  pairs: { email: string; model: string; spend: number; requests: number }[]; // ascending by (email, model)
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The days of a window, in order, each from its pack or its rows; people numbered alike across days. */
export interface DaysUsage {
  days: { day: string; usage: DayUsage }[];
  emails: string[]; // by person number (a usage_people id, or a number past them for someone not packed yet)
}

const M = USAGE_MEASURES.length;
/** Bytes a row takes in a pack: its measures as float64 (exact for integers below 2^53), person and model as uint32. */
const ROW_BYTES = M * 8 + 2 * 4;

/**
 * A day's columns over one buffer: the measures first (float64 needs 8-byte alignment), then the
 * ids. Native byte order, as typed arrays have it (little-endian on every platform Node supports).
 */
function columns(buf: ArrayBufferLike, byteOffset: number, rows: number) {
  const measures = Array.from({ length: M }, (_, k) => new Float64Array(buf, byteOffset + k * rows * 8, rows));
  const ids = byteOffset + M * rows * 8;
  return { measures, people: new Uint32Array(buf, ids, rows), model: new Uint32Array(buf, ids + rows * 4, rows) };
}

/** A pack's columns over its blob. */
function unpack(models: string, rows: number, blob: Buffer): DayUsage {
  // The driver's buffer may start anywhere in its memory; a Float64Array needs 8-byte alignment.
  const aligned = blob.byteOffset % 8 === 0 ? blob : new Uint8Array(blob);
  return { rows, models: JSON.parse(models) as string[], ...columns(aligned.buffer, aligned.byteOffset, rows) };
}

/**
 * Each day's usage rows packed into one blob (schema/016): at 10,000 people a detection pass reads
 * ~560k rows, and stepping through them — a row array and a string per text cell — was most of the
 * pass; a pack is a handful of typed-array views. The detection cycle packs the days its window reads
 * (packer()); the writer of usage_daily drops a day's pack when it adds to the day, so a pack is
 * never stale and a day without one is read from usage_daily.
 */
export class UsageDayPacks {
  constructor(private readonly db: Db) {}

  /** Days of [fromDay, toDay] with usage and no pack, ascending. */
  unpacked(fromDay: string, toDay: string): string[] {
    return this.db
      .prepare(
        `SELECT day FROM usage_asof_days a WHERE day BETWEEN ? AND ?
         AND NOT EXISTS (SELECT 1 FROM usage_day_packs p WHERE p.day = a.day) ORDER BY day`,
      )
      .pluck()
      .all(fromDay, toDay) as string[];
  }

  /**
   * A function that packs one day from usage_daily, each call its own write transaction (or part of
   * the caller's), so a long run of days can yield between them; people are numbered as first met.
   */
  packer(): (day: string) => number {
    const db = this.db;
    const ids = new Map(db.prepare('SELECT email, id FROM usage_people').raw().all() as [string, number][]);
    const addPerson = db.prepare('INSERT INTO usage_people (email) VALUES (?) RETURNING id').pluck();
    const rowsOf = db
      .prepare(`SELECT email, model, ${USAGE_MEASURES.join(', ')} FROM usage_daily WHERE day = ? ORDER BY email, model`)
      .raw();
    const save = db.prepare('INSERT OR REPLACE INTO usage_day_packs (day, models, rows, columns) VALUES (?, ?, ?, ?)');
    const packDay = (day: string): number => {
      const rows = rowsOf.all(day) as [string, string, ...number[]][];
      const buf = new ArrayBuffer(rows.length * ROW_BYTES);
      const c = columns(buf, 0, rows.length);
      const models: string[] = [];
      const modelIdx = new Map<string, number>();
      rows.forEach(([email, model, ...measures], i) => {
        let id = ids.get(email);
        if (id === undefined) ids.set(email, (id = addPerson.get(email) as number));
        let m = modelIdx.get(model);
        if (m === undefined) modelIdx.set(model, (m = models.push(model) - 1));
        c.people[i] = id;
        c.model[i] = m;
        for (let k = 0; k < M; k++) c.measures[k][i] = measures[k];
      });
      save.run(day, JSON.stringify(models), rows.length, Buffer.from(buf));
      return rows.length;
    };
    return (day) => (db.inTransaction ? packDay(day) : db.transaction(packDay).immediate(day));
  }

  /**
   * Every day of [fromDay, toDay] with usage, in order: from its pack, or from its rows when it has
   * none (one result row for the day, its columns as JSON arrays, which SQLite builds in C and
   * JSON.parse reads natively: stepping through the rows one by one cost ~1 µs each in the driver).
   * A pack whose size does not match its rows is read from its rows too.
   */
  days(fromDay: string, toDay: string): DaysUsage {
    const packs = this.db
      .prepare('SELECT day, models, rows, columns FROM usage_day_packs WHERE day BETWEEN ? AND ? ORDER BY day')
      .raw()
      .all(fromDay, toDay) as [string, string, number, Buffer][];
    // Read after the packs: ids are never reused, so the list covers every pack read.
    const emails = this.people();
    let ids: Map<string, number> | undefined;
    const idOf = (email: string) => {
      if (ids === undefined) {
        ids = new Map();
        emails.forEach((e, id) => ids?.set(e, id)); // ids start at 1: a sparse array
      }
      let id = ids.get(email);
      if (id === undefined) ids.set(email, (id = emails.push(email) - 1));
      return id;
    };
    const rowsOf = this.db
      .prepare(
        `SELECT ${['email', 'model', ...USAGE_MEASURES].map((c) => `json_group_array(${c})`).join(', ')}
         FROM usage_daily WHERE day = ?`,
      )
      .raw();
    const packed = new Map(packs.map((p) => [p[0], p]));
    const days: DaysUsage['days'] = [];
    for (const day of this.withUsage(fromDay, toDay)) {
      const p = packed.get(day);
      let usage = p && p[3].byteLength === p[2] * ROW_BYTES ? unpack(p[1], p[2], p[3]) : null;
      if (usage === null) {
        const [people, models, ...measures] = (rowsOf.get(day) as string[]).map((j) => JSON.parse(j) as unknown[]);
        const modelIdx = new Map<string, number>();
        const names: string[] = [];
        usage = {
          rows: people.length,
          people: Uint32Array.from(people as string[], idOf),
          model: Uint32Array.from(models as string[], (m) => {
            let i = modelIdx.get(m);
            if (i === undefined) modelIdx.set(m, (i = names.push(m) - 1));
            return i;
          }),
          models: names,
          measures: measures.map((m) => Float64Array.from(m as number[])),
        };
      }
      days.push({ day, usage });
    }
    return { days, emails };
  }

  /**
   * The usage of [fromDay, toDay] per person and per (person, model): its days' packs summed (a
   * 30-day window at 10,000 people is ~450k rows, a few typed-array passes). What the JSON API's
   * whole-team tables and the cycle's spend read.
   */
  window(fromDay: string, toDay: string): UsageWindow {
    const { days, emails } = this.days(fromDay, toDay);
    const n = emails.length;
    const modelIdx = new Map<string, number>();
    const modelNames: string[] = [];
    const dayModels = days.map(({ usage }) =>
      usage.models.map((m) => {
        let i = modelIdx.get(m);
        if (i === undefined) modelIdx.set(m, (i = modelNames.push(m) - 1));
        return i;
      }),
    );
    const nM = modelNames.length;
    const sums = Array.from({ length: M }, () => new Float64Array(n));
    const dayCount = new Uint32Array(n);
    // (person, model) sums in a dense person × model grid: a handful of models, so small, and no hashing.
    const pairSpend = new Float64Array(n * nM);
    const pairRequests = new Float64Array(n * nM);
    const pairSeen = new Uint8Array(n * nM);
    // Column by column: one tight loop per measure reads far faster than the measures of a row in turn.
    days.forEach(({ usage }, j) => {
      const { rows, people: who } = usage;
      for (let k = 0; k < M; k++) {
        const from = usage.measures[k];
        const into = sums[k];
        for (let i = 0; i < rows; i++) into[who[i]] += from[i];
      }
      let last = -1;
      for (let i = 0; i < rows; i++) {
        const p = who[i];
        if (p !== last) dayCount[p]++; // rows come by person: one day each
        last = p;
      }
      const models = dayModels[j];
      const spend = usage.measures[U.spend];
      const requests = usage.measures[U.requests];
      for (let i = 0; i < rows; i++) {
        const x = who[i] * nM + models[usage.model[i]];
        pairSeen[x] = 1;
        pairSpend[x] += spend[i];
        pairRequests[x] += requests[i];
      }
    });
    const people = [...dayCount.keys()].filter((p) => dayCount[p] > 0).sort((a, b) => byText(emails[a], emails[b]));
    const byName = [...modelNames.keys()].sort((a, b) => byText(modelNames[a], modelNames[b]));
    const pairs: UsageWindow['pairs'] = [];
    for (const p of people)
      for (const m of byName) {
        const x = p * nM + m;
        if (pairSeen[x])
          pairs.push({ email: emails[p], model: modelNames[m], spend: pairSpend[x], requests: pairRequests[x] });
      }
    return {
      emails: people.map((p) => emails[p]),
      sums: sums.map((col) => Float64Array.from(people, (p) => col[p])),
      days: Uint32Array.from(people, (p) => dayCount[p]),
      pairs,
    };
  }

  /** Days of [fromDay, toDay] with usage, ascending. */
  private withUsage(fromDay: string, toDay: string): string[] {
    return this.db
      .prepare('SELECT day FROM usage_asof_days WHERE day BETWEEN ? AND ? ORDER BY day')
      .pluck()
      .all(fromDay, toDay) as string[];
  }

  /**
   * Each person's e-mail by usage_people id (a copy: days() appends to it). Ids are never reused or
   * changed, so each connection reads only the ids added since it last looked (10,000 rows were
   * ~15 ms a read).
   */
  people(): string[] {
    let known = peopleByDb.get(this.db);
    if (known === undefined) peopleByDb.set(this.db, (known = []));
    for (const [id, email] of this.db
      .prepare('SELECT id, email FROM usage_people WHERE id >= ?')
      .raw()
      .iterate(known.length) as IterableIterator<[number, string]>)
      known[id] = email;
    return known.slice();
  }
}

const peopleByDb = new WeakMap<Db, string[]>();

/** The usage of [fromDay, toDay] (UsageDayPacks.window), shared through `memo` within a store generation. */
export function usageWindow(db: Db, fromDay: string, toDay: string, memo: Memo): UsageWindow {
  return memo(`usage-window:${fromDay}:${toDay}`, () => new UsageDayPacks(db).window(fromDay, toDay));
}
