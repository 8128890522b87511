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
  read: () => DayRows;
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

/** Each person's e-mail by usage_people id, per connection (see DayPacks.people). */
const peopleByDb = new WeakMap<Db, string[]>();

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
    const save = db.prepare(`INSERT OR REPLACE INTO ${spec.packs} (day, models, rows, columns) VALUES (?, ?, ?, ?)`);
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
      .prepare(`SELECT day, models, rows, length(columns) FROM ${spec.packs} WHERE day BETWEEN ? AND ?`)
      .raw()
      .all(fromDay, toDay) as [string, string, number, number][];
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
        const [, json, n, bytes] = p;
        const models = JSON.parse(json) as string[];
        const read = (): DayRows => {
          const b = blobOf.get(day) as Buffer | undefined;
          if (b?.byteLength !== bytes) throw new Error(`the ${spec.packs} pack of ${day} changed while it was read`);
          // The driver's buffer may start anywhere in its memory; a Float64Array needs 8-byte alignment.
          const blob = b.byteOffset % 8 === 0 ? b : new Uint8Array(b);
          return { rows: n, models, ...columns(m, blob.buffer, blob.byteOffset, n) };
        };
        days.push({ day, models, rows: n, read });
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
        days.push({ day, models: rows.models, rows: rows.rows, read: () => rows });
      }
    }
    return { days, emails };
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
export function windowModels(days: readonly DayHead[]): { names: string[]; byDay: number[][] } {
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

/** A text sort in SQLite's order for ASCII (bytewise), as the rows come. */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
