import type { Statement } from 'better-sqlite3';
import { addDays, DAY_MS, dayStartMs } from '../domain/time';
import type { Db } from './db';

/**
 * A per-day table read as packs: each day's rows as one blob of typed columns, by person and a text
 * column (a model), with numeric measures. At 10,000 people a window's rows are hundreds of thousands,
 * and stepping through them in the driver (a row array, a string per text cell, ~1 µs a row) was most
 * of a detection pass and of the JSON API's whole-team tables; a pack is a handful of typed-array
 * views. Packs are made after the writes (packer(), run by the cycle and at start) and dropped by the
 * table's writer when it changes a day, so a pack is never stale and a day without one is read from
 * its rows. Both are derived data: emptying the pack table loses nothing.
 */
export interface PackSpec {
  /** The pack table: (day, models, rows, columns) (schema/016, schema/018). */
  packs: string;
  /** The table listing the days with rows, kept by the source's writer. */
  days: string;
  /** The source table, its primary key (day, email, then the text column if any): a day's rows come by person. */
  source: string;
  /** The text column beside the person: a model ('' for none). */
  text: string;
  /** The measures, as SQL expressions over the source's columns. */
  measures: readonly string[];
  /** The week pack table (schema/019): a week's day packs summed (see spans). */
  weeks: string;
  /**
   * A measure whose rows a week pack keeps apart from the rest when it is non-zero (activity's
   * is_active: active days are summed on their own), or -1.
   */
  flag: number;
}

/** One day's rows as columns, in (email, text) order: row i is people[i] × models[model[i]]. */
export interface DayRows {
  rows: number;
  people: Uint32Array; // index into DaysRows.emails
  model: Uint32Array; // index into models
  models: string[];
  measures: Float64Array[]; // indexed like the spec's measures
}

/**
 * A day of a window: its models and row count known at once, its columns read by read() — one pack's
 * blob alive at a time while a window is summed, not the whole window's (~20 MB for 30 days at
 * 10,000 people, which a whole-team read otherwise allocated and left to the garbage collector).
 * read() belongs to the same synchronous run as days(): the pack read is the one listed.
 */
export interface DayHead {
  day: string;
  models: string[];
  rows: number;
  seq: number; // its pack's number (schema/020), -1 when read from its rows (no pack)
  read: () => DayRows;
}

/**
 * A day's rows, or a week's: then each row sums a person's rows of one model (and flag) over the
 * week, and says how many day rows it summed (`count`), the person's days with rows that week (on
 * one of the person's rows, 0 on the others: `days`) and its last day (`last`, days after `from`).
 * A day has none of them: each row is one day row, of that day.
 */
export interface SpanRows extends DayRows {
  count?: Float64Array;
  days?: Float64Array;
  last?: Float64Array;
}

export interface SpanHead {
  from: string;
  to: string; // its last day
  models: string[];
  rows: number;
  seq: number; // its pack's number (schema/020), -1 for a day read from its rows
  read: () => SpanRows;
}

/** The days of a window, in order, each from its pack or its rows; people numbered alike across days. */
export interface DaysRows {
  days: DayHead[];
  emails: string[]; // by person number (a usage_people id, or a number past them for someone not packed yet)
}

/**
 * A day's columns over one buffer: the measures first (float64 needs 8-byte alignment; exact for
 * integers below 2^53), then person and model as uint32. Native byte order, as typed arrays have it
 * (little-endian on every platform Node supports).
 */
function columns(m: number, buf: ArrayBufferLike, byteOffset: number, rows: number) {
  const measures = Array.from({ length: m }, (_, k) => new Float64Array(buf, byteOffset + k * rows * 8, rows));
  const ids = byteOffset + m * rows * 8;
  return { measures, people: new Uint32Array(buf, ids, rows), model: new Uint32Array(buf, ids + rows * 4, rows) };
}

/**
 * The columns of the pack `key` of table `packs`, its blob read by `select`: a blob no longer of the
 * size listed is an error (the pack changed since the window was listed).
 */
function packColumns(select: Statement, packs: string, key: string, bytes: number, m: number, rows: number) {
  const b = select.get(key) as Buffer | undefined;
  if (b?.byteLength !== bytes) throw new Error(`the ${packs} pack of ${key} changed while it was read`);
  // The driver's buffer may start anywhere in its memory; a Float64Array needs 8-byte alignment.
  const blob = b.byteOffset % 8 === 0 ? b : new Uint8Array(b);
  return columns(m, blob.buffer, blob.byteOffset, rows);
}

/** Each person's e-mail by usage_people id, per connection (see DayPacks.people). */
const peopleByDb = new WeakMap<Db, string[]>();
/** usage_people ids in e-mail order, per connection, for the ids peopleByDb held when they were sorted. */
const orderByDb = new WeakMap<Db, { known: number; ids: number[] }>();

export class DayPacks {
  private readonly rowBytes: number;

  constructor(
    private readonly db: Db,
    private readonly spec: PackSpec,
  ) {
    this.rowBytes = spec.measures.length * 8 + 2 * 4;
  }

  /** Days of [fromDay, toDay] with rows and no pack, ascending. */
  unpacked(fromDay: string, toDay: string): string[] {
    const { days, packs } = this.spec;
    return this.db
      .prepare(
        `SELECT day FROM ${days} a WHERE day BETWEEN ? AND ?
         AND NOT EXISTS (SELECT 1 FROM ${packs} p WHERE p.day = a.day) ORDER BY day`,
      )
      .pluck()
      .all(fromDay, toDay) as string[];
  }

  /**
   * A function that packs one day from its rows, each call its own write transaction (or part of
   * the caller's), so a long run of days can yield between them; people are numbered as first met.
   */
  packer(): (day: string) => number {
    const { db, spec } = this;
    const m = spec.measures.length;
    const ids = new Map(db.prepare('SELECT email, id FROM usage_people').raw().all() as [string, number][]);
    const addPerson = db.prepare('INSERT INTO usage_people (email) VALUES (?) RETURNING id').pluck();
    const rowsOf = db
      .prepare(
        `SELECT email, ${spec.text}, ${spec.measures.join(', ')} FROM ${spec.source} WHERE day = ? ORDER BY email, 2`,
      )
      .raw();
    const save = db.prepare(
      `INSERT OR REPLACE INTO ${spec.packs} (day, models, rows, seq, columns) VALUES (?, ?, ?, ${PACK_SEQ}, ?)`,
    );
    const packDay = (day: string): number => {
      const rows = rowsOf.all(day) as [string, string, ...number[]][];
      const buf = new ArrayBuffer(rows.length * this.rowBytes);
      const c = columns(m, buf, 0, rows.length);
      const models: string[] = [];
      const modelIdx = new Map<string, number>();
      rows.forEach(([email, model, ...measures], i) => {
        let id = ids.get(email);
        if (id === undefined) ids.set(email, (id = addPerson.get(email) as number));
        let x = modelIdx.get(model);
        if (x === undefined) modelIdx.set(model, (x = models.push(model) - 1));
        c.people[i] = id;
        c.model[i] = x;
        for (let k = 0; k < m; k++) c.measures[k][i] = measures[k];
      });
      save.run(day, JSON.stringify(models), rows.length, Buffer.from(buf));
      return rows.length;
    };
    return (day) => (db.inTransaction ? packDay(day) : db.transaction(packDay).immediate(day));
  }

  /**
   * Every day of [fromDay, toDay] with rows, in order: from its pack (read when the day is), or from
   * its rows when it has none (one result row for the day, its columns as JSON arrays, which SQLite
   * builds in C and JSON.parse reads natively; read at once). A pack whose size does not match its
   * rows is read from its rows too (SQLite knows a blob's length without reading it).
   */
  days(fromDay: string, toDay: string): DaysRows {
    const { db, spec } = this;
    const m = spec.measures.length;
    const packs = db
      .prepare(`SELECT day, models, rows, length(columns), seq FROM ${spec.packs} WHERE day BETWEEN ? AND ?`)
      .raw()
      .all(fromDay, toDay) as [string, string, number, number, number][];
    const blobOf = db.prepare(`SELECT columns FROM ${spec.packs} WHERE day = ?`).pluck();
    // Read after the packs are listed: ids are never reused, so the list covers every pack listed.
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
    const rowsOf = db
      .prepare(
        `SELECT ${['email', spec.text, ...spec.measures].map((c) => `json_group_array(${c})`).join(', ')}
         FROM ${spec.source} WHERE day = ?`,
      )
      .raw();
    const packed = new Map(packs.map((p) => [p[0], p]));
    const days: DayHead[] = [];
    for (const day of db
      .prepare(`SELECT day FROM ${spec.days} WHERE day BETWEEN ? AND ? ORDER BY day`)
      .pluck()
      .all(fromDay, toDay) as string[]) {
      const p = packed.get(day);
      if (p && p[3] === p[2] * this.rowBytes) {
        const [, json, n, bytes, seq] = p;
        const models = JSON.parse(json) as string[];
        const read = (): DayRows => ({ rows: n, models, ...packColumns(blobOf, spec.packs, day, bytes, m, n) });
        days.push({ day, models, rows: n, seq, read });
      } else {
        const [people, models, ...measures] = (rowsOf.get(day) as string[]).map((j) => JSON.parse(j) as unknown[]);
        const modelIdx = new Map<string, number>();
        const names: string[] = [];
        const rows: DayRows = {
          rows: people.length,
          people: Uint32Array.from(people as string[], idOf),
          model: Uint32Array.from(models as string[], (x) => {
            let i = modelIdx.get(x);
            if (i === undefined) modelIdx.set(x, (i = names.push(x) - 1));
            return i;
          }),
          models: names,
          measures: measures.map((x) => Float64Array.from(x as number[])),
        };
        days.push({ day, models: rows.models, rows: rows.rows, seq: -1, read: () => rows });
      }
    }
    return { days, emails };
  }

  /**
   * [fromDay, toDay] as spans: each week inside it (Monday to Sunday) from its week pack when it has
   * a pack that summed every day listed for the week, every other day as days() reads it. For sums
   * over a window, not for figures by day.
   */
  spans(fromDay: string, toDay: string): { spans: SpanHead[]; emails: string[] } {
    const { db, spec } = this;
    const { days, emails } = this.days(fromDay, toDay);
    const m = spec.measures.length + WEEK_EXTRA;
    const rowBytes = m * 8 + 2 * 4;
    const weeks = new Map(
      (
        db
          .prepare(
            `SELECT week, models, rows, days, length(columns), seq FROM ${spec.weeks} WHERE week >= ? AND week <= date(?, '-6 days')`,
          )
          .raw()
          .all(fromDay, toDay) as [string, string, number, number, number, number][]
      ).map((w) => [w[0], w]),
    );
    const blobOf = db.prepare(`SELECT columns FROM ${spec.weeks} WHERE week = ?`).pluck();
    const spans: SpanHead[] = [];
    for (let i = 0; i < days.length;) {
      // The days listed in this day's week; its pack stands for them when it summed them all.
      const monday = mondayOf(days[i].day);
      const sunday = addDays(monday, 6);
      let j = i + 1;
      while (j < days.length && days[j].day <= sunday) j++;
      const w = weeks.get(monday);
      if (w !== undefined && j - i === w[3] && w[4] === w[2] * rowBytes && days.slice(i, j).every((d) => d.seq >= 0)) {
        const [, json, n, , bytes, seq] = w;
        const models = JSON.parse(json) as string[];
        spans.push({
          from: monday,
          to: sunday,
          models,
          rows: n,
          seq,
          read: () => {
            const c = packColumns(blobOf, spec.weeks, monday, bytes, m, n);
            const [count, personDays, last] = c.measures.splice(spec.measures.length, WEEK_EXTRA);
            return { rows: n, models, ...c, count, days: personDays, last };
          },
        });
      } else
        for (const d of days.slice(i, j))
          spans.push({ from: d.day, to: d.day, models: d.models, rows: d.rows, seq: d.seq, read: d.read });
      i = j;
    }
    return { spans, emails };
  }

  /**
   * Per person and per (person, model) sums of [fromDay, toDay] (see Tally), in `kind`'s columns. The
   * sums of its settled spans — the packs before any day read from its rows and ending SETTLED_DAYS or
   * more before toDay — are kept per connection under the pack numbers they summed (schema/020), so
   * they outlive the store's generation: a collection drops and re-packs its recent days only, and the
   * next read of the window sums those alone. A pack made again has a new number: never a stale sum.
   */
  tally(fromDay: string, toDay: string, kind: TallyKind): { tally: Tally; emails: string[] } {
    const { spans, emails } = this.spans(fromDay, toDay);
    const cutoff = addDays(toDay, -SETTLED_DAYS);
    let k = 0;
    while (k < spans.length && spans[k].seq >= 0 && spans[k].to <= cutoff) k++;
    const settled = spans
      .slice(0, k)
      .map((x) => `${x.from}:${x.to}#${x.seq}`)
      .join(',');
    let kept = keptByDb.get(this.db);
    if (kept === undefined) keptByDb.set(this.db, (kept = new Map()));
    const key = `${this.spec.packs}:${kind.name}:${fromDay}:${toDay}`;
    let base = kept.get(key);
    if (base?.settled !== settled) {
      const head = spans.slice(0, k);
      base = { settled, tally: addSpans(widen(emptyTally(kind), kind, emails.length, head), head, kind) };
    }
    kept.delete(key); // the most recently read last
    kept.set(key, base);
    if (kept.size > KEPT_TALLIES) kept.delete(kept.keys().next().value as string);
    const rest = spans.slice(k);
    return { tally: addSpans(widen(base.tally, kind, emails.length, rest), rest, kind), emails };
  }

  /** Mondays of the weeks to pack: over (before the last day with rows), every day with rows packed, no week pack yet. */
  unpackedWeeks(): string[] {
    const { days, packs, weeks } = this.spec;
    return this.db
      .prepare(
        `SELECT week FROM (SELECT date(day, 'weekday 0', '-6 days') AS week, COUNT(*) AS n FROM ${days} GROUP BY 1) w
         WHERE date(week, '+6 days') < (SELECT MAX(day) FROM ${days})
         AND n = (SELECT COUNT(*) FROM ${packs} p WHERE p.day BETWEEN w.week AND date(w.week, '+6 days'))
         AND NOT EXISTS (SELECT 1 FROM ${weeks} x WHERE x.week = w.week) ORDER BY week`,
      )
      .pluck()
      .all() as string[];
  }

  /**
   * Packs the week of a Monday from its day packs (unpackedWeeks lists them): per person, model and
   * flag, the measures summed, with count, days and last (SpanRows). Returns its rows.
   */
  packWeek(monday: string): number {
    const { db, spec } = this;
    const m = spec.measures.length;
    const run = (): number => {
      const { days } = this.days(monday, addDays(monday, 6));
      if (!days.every((d) => d.seq >= 0))
        throw new Error(`${spec.weeks}: a day of the week of ${monday} is not packed`);
      const { names, byDay } = windowModels(days);
      const nM = names.length;
      const slots = new Map<number, number>(); // (person, model, flag) → row
      const key: number[][] = [[], []]; // person and model per row
      const sums: number[][] = Array.from({ length: m + WEEK_EXTRA }, () => []);
      const [COUNT, DAYS, LAST] = [m, m + 1, m + 2];
      const firstRow = new Map<number, number>();
      days.forEach((head, j) => {
        const r = head.read();
        const offset = Math.round((dayStartMs(head.day) - dayStartMs(monday)) / DAY_MS);
        let lastPerson = -1;
        for (let i = 0; i < r.rows; i++) {
          const p = r.people[i];
          const model = byDay[j][r.model[i]];
          const flag = spec.flag >= 0 && r.measures[spec.flag][i] !== 0 ? 1 : 0;
          const k = (p * nM + model) * 2 + flag;
          let x = slots.get(k);
          if (x === undefined) {
            slots.set(k, (x = key[0].length));
            key[0].push(p);
            key[1].push(model);
            for (const col of sums) col.push(0);
          }
          for (let c = 0; c < m; c++) sums[c][x] += r.measures[c][i];
          sums[COUNT][x]++;
          sums[LAST][x] = offset;
          if (!firstRow.has(p)) firstRow.set(p, x);
          if (p !== lastPerson) sums[DAYS][firstRow.get(p) as number]++; // a day's rows come by person
          lastPerson = p;
        }
      });
      const n = key[0].length;
      const buf = new ArrayBuffer(n * ((m + WEEK_EXTRA) * 8 + 2 * 4));
      const c = columns(m + WEEK_EXTRA, buf, 0, n);
      for (let x = 0; x < n; x++) {
        for (let k = 0; k < m + WEEK_EXTRA; k++) c.measures[k][x] = sums[k][x];
        c.people[x] = key[0][x];
        c.model[x] = key[1][x];
      }
      db.prepare(
        `INSERT OR REPLACE INTO ${spec.weeks} (week, models, rows, days, seq, columns) VALUES (?, ?, ?, ?, ${PACK_SEQ}, ?)`,
      ).run(monday, JSON.stringify(names), n, days.length, Buffer.from(buf));
      return n;
    };
    return db.inTransaction ? run() : db.transaction(run).immediate();
  }

  /**
   * The person numbers of `emails` (as days() and spans() number them) with `counted[p] > 0`, in
   * e-mail order. The order of usage_people's ids is kept per connection, so a window's people are
   * not sorted by text each time (10,000 e-mails were ~5 ms a sort, four sums a dashboard); people
   * numbered past them (not packed yet) are sorted in.
   */
  inEmailOrder(emails: readonly string[], counted: ArrayLike<number>): number[] {
    const known = peopleByDb.get(this.db)?.length ?? 0;
    let order = orderByDb.get(this.db);
    if (order?.known !== known) {
      const ids = [...Array(known).keys()].filter((id) => emails[id] !== undefined);
      orderByDb.set(this.db, (order = { known, ids: ids.sort((a, b) => byText(emails[a], emails[b])) }));
    }
    const out = order.ids.filter((p) => counted[p] > 0);
    if (emails.length === known) return out;
    for (let p = known; p < emails.length; p++) if (counted[p] > 0) out.push(p);
    return out.sort((a, b) => byText(emails[a], emails[b]));
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

/**
 * The models of a window's days numbered across the window, in the order first met: `names`, and per
 * day its own model numbers mapped to the window's (`byDay[j][day model] = window model`).
 */
export function windowModels(days: readonly { models: string[] }[]): { names: string[]; byDay: number[][] } {
  const index = new Map<string, number>();
  const names: string[] = [];
  const byDay = days.map(({ models }) =>
    models.map((m) => {
      let i = index.get(m);
      if (i === undefined) index.set(m, (i = names.push(m) - 1));
      return i;
    }),
  );
  return { names, byDay };
}

/**
 * Sums of a window's spans: per person (indexed by person number) and per (person, model) (person ×
 * models.length + model), in the columns a TallyKind names.
 */
export interface Tally {
  models: string[];
  people: Float64Array[];
  pairs: Float64Array[];
}

export interface TallyKind {
  name: string; // tells its kept sums apart
  people: readonly number[]; // each per-person column's starting value
  pairs: number; // how many per-(person, model) columns (starting at 0)
  /** Adds a span's rows to `t`; `models[k]` is t's number of the span's model k, `day` its first day (days since 1970). */
  add(t: Tally, rows: SpanRows, models: readonly number[], day: number): void;
}

/** Spans ending this many days before a window's last day are settled: collections rewrite recent days. */
const SETTLED_DAYS = 2;
/** Settled sums kept per connection: a dashboard's windows of each kind (~2 MB each at 10,000 people). */
const KEPT_TALLIES = 8;
const keptByDb = new WeakMap<Db, Map<string, { settled: string; tally: Tally }>>();

const emptyTally = (kind: TallyKind): Tally => ({
  models: [],
  people: kind.people.map(() => new Float64Array(0)),
  pairs: Array.from({ length: kind.pairs }, () => new Float64Array(0)),
});

/** A copy of `t` for n people and its models plus those of `spans` (a kept tally is never added to). */
function widen(t: Tally, kind: TallyKind, n: number, spans: readonly SpanHead[]): Tally {
  const models = [...t.models];
  const index = new Map(models.map((m, i) => [m, i]));
  for (const x of spans) for (const m of x.models) if (!index.has(m)) index.set(m, models.push(m) - 1);
  // Settled spans number only people known when they were summed: none past n.
  const was = t.people[0]?.length ?? 0;
  const keep = Math.min(n, was);
  const people = kind.people.map((start, c) => {
    const a = new Float64Array(n);
    if (start !== 0) a.fill(start);
    a.set(t.people[c].subarray(0, keep));
    return a;
  });
  const [nM, oM] = [models.length, t.models.length];
  const pairs = t.pairs.map((from) => {
    const a = new Float64Array(n * nM);
    if (nM === oM) a.set(from.subarray(0, keep * nM));
    else for (let p = 0; p < keep; p++) for (let m = 0; m < oM; m++) a[p * nM + m] = from[p * oM + m];
    return a;
  });
  return { models, people, pairs };
}

/** Adds each span's rows to `t` (its models already among t's). */
function addSpans(t: Tally, spans: readonly SpanHead[], kind: TallyKind): Tally {
  const index = new Map(t.models.map((m, i) => [m, i]));
  for (const x of spans)
    kind.add(
      t,
      x.read(),
      x.models.map((m) => index.get(m) as number),
      Math.round(dayStartMs(x.from) / DAY_MS),
    );
  return t;
}

/** The number a pack written now gets (schema/020: its triggers move the counter on after each). */
const PACK_SEQ = "(SELECT seq FROM counters WHERE name = 'pack')";

/** A week pack's columns after the measures: count, days, last (SpanRows). */
const WEEK_EXTRA = 3;

/** The Monday of a day's week. */
const mondayOf = (day: string) => addDays(day, -((new Date(dayStartMs(day)).getUTCDay() + 6) % 7));

/** A text sort in SQLite's order for ASCII (bytewise), as the rows come. */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
