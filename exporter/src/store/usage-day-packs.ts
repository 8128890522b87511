import type { Db } from './db';

/**
 * What detection reads of each usage_daily row besides its person and model, in order: spend,
 * requests (usage events, one a request), tokens of every kind, usage-based events, on-demand spend.
 * One definition for both ways of reading a day: its pack, or its rows.
 */
export const USAGE_MEASURES = [
  'charged_micro',
  'events',
  'input_tokens + output_tokens + cache_write_tokens + cache_read_tokens',
  'usage_based_events',
  'chargeable_micro',
] as const;

/** One day's usage rows as columns, in (email, model) order: row i is people[i] × models[model[i]]. */
export interface DayUsage {
  rows: number;
  people: Uint32Array; // usage_people ids
  model: Uint32Array; // index into models
  models: string[];
  measures: Float64Array[]; // indexed like USAGE_MEASURES
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

  /** The packs of [fromDay, toDay] by day; a pack whose size does not match its rows is left out (read from the rows). */
  read(fromDay: string, toDay: string): Map<string, DayUsage> {
    const out = new Map<string, DayUsage>();
    const packs = this.db
      .prepare('SELECT day, models, rows, columns FROM usage_day_packs WHERE day BETWEEN ? AND ?')
      .raw()
      .iterate(fromDay, toDay) as IterableIterator<[string, string, number, Buffer]>;
    for (const [day, models, rows, blob] of packs) {
      if (blob.byteLength !== rows * ROW_BYTES) continue;
      // The driver's buffer may start anywhere in its memory; a Float64Array needs 8-byte alignment.
      const aligned = blob.byteOffset % 8 === 0 ? blob : new Uint8Array(blob);
      out.set(day, {
        rows,
        models: JSON.parse(models) as string[],
        ...columns(aligned.buffer, aligned.byteOffset, rows),
      });
    }
    return out;
  }

  /** Each person's e-mail by usage_people id. Read after the packs: ids are never reused, so it covers them. */
  people(): string[] {
    const out: string[] = [];
    for (const [id, email] of this.db.prepare('SELECT id, email FROM usage_people').raw().iterate() as IterableIterator<
      [number, string]
    >)
      out[id] = email;
    return out;
  }
}
