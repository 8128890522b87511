import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

/**
 * The one writer of usage_daily and of its API rollups usage_user_daily (day × person),
 * usage_team_daily (day × model) (schema/003, triggers dropped in schema/008) and
 * usage_group_daily (day × billing group, schema/011; membership changes move history by trigger). Rows are added as
 * deltas: usage_daily sums per (day, email, model), and each rollup row gets the sum of that
 * window's deltas for its key in one upsert — far fewer writes than a trigger per usage_daily row.
 * It lists the days with usage (usage_asof_days) and drops the pack of each day it adds to
 * (store/usage-day-packs.ts: window totals and detection read the days' packs, made after the write).
 * Ingest (store/usage-events.ts) feeds DailyDeltas directly; seeds, tests and benches use
 * addUsageDaily. Whoever writes usage_daily some other way leaves the rollups wrong.
 */

/** usage_daily's summed columns, in the order of a delta's Float64Array. */
const DAILY_SUMS = [
  'events',
  'requests',
  'charged_micro',
  'chargeable_micro',
  'token_micro',
  'included_events',
  'usage_based_events',
  'errored_events',
  'headless_events',
  'max_mode_events',
  'input_tokens',
  'output_tokens',
  'cache_write_tokens',
  'cache_read_tokens',
] as const;

/** Index of each summed column in a delta (S.events === 0, …). */
const S = Object.fromEntries(DAILY_SUMS.map((c, i) => [c, i])) as {
  readonly [C in (typeof DAILY_SUMS)[number]]: number;
};

/** The rollups' columns; tokens = input + output + cache write + cache read. */
const ROLLUP_SUMS = ['events', 'requests', 'charged_micro', 'tokens', 'cache_read_tokens'] as const;

const upsert = (table: string, key: readonly string[], sums: readonly string[]) =>
  `INSERT INTO ${table} (${key.join(', ')}, ${sums.join(', ')}) VALUES (${[...key, ...sums].map(() => '?').join(', ')})
  ON CONFLICT(${key.join(', ')}) DO UPDATE SET ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;

interface Statements {
  daily: Statement;
  user: Statement;
  team: Statement;
  group: Statement;
  groupOf: Statement;
  personDay: Statement;
  asOfDayAdd: Statement;
  packGone: Statement;
}

/** usage_group_daily's columns: the person-days summed, then the rollup sums. */
const GROUP_SUMS = ['rows', ...ROLLUP_SUMS] as const;
const UNASSIGNED = 'group_unassigned';

const statements = new WeakMap<Db, Statements>();

function prepared(db: Db): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      daily: db.prepare(upsert('usage_daily', ['day', 'email', 'model'], DAILY_SUMS)),
      user: db.prepare(upsert('usage_user_daily', ['day', 'email'], ROLLUP_SUMS)),
      team: db.prepare(upsert('usage_team_daily', ['day', 'model'], ROLLUP_SUMS)),
      group: db.prepare(upsert('usage_group_daily', ['day', 'group_id'], GROUP_SUMS)),
      groupOf: db.prepare('SELECT group_id FROM group_members WHERE email = ?').pluck(),
      personDay: db.prepare('SELECT 1 FROM usage_user_daily WHERE day = ? AND email = ?').pluck(),
      asOfDayAdd: db.prepare('INSERT INTO usage_asof_days (day) VALUES (?) ON CONFLICT DO NOTHING'),
      packGone: db.prepare('DELETE FROM usage_day_packs WHERE day = ?'),
    };
    statements.set(db, s);
  }
  return s;
}

/** One usage_daily delta; sums are indexed like DAILY_SUMS (a typed array: no boxed number per addition). */
interface Bucket {
  model: string;
  sums: Float64Array;
}

/** A rollup delta, indexed like ROLLUP_SUMS. */
function rollupOf(into: Float64Array, s: Float64Array): void {
  into[0] += s[S.events];
  into[1] += s[S.requests];
  into[2] += s[S.charged_micro];
  into[3] += s[S.input_tokens] + s[S.output_tokens] + s[S.cache_write_tokens] + s[S.cache_read_tokens];
  into[4] += s[S.cache_read_tokens];
}

const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const byModel = (a: Bucket, b: Bucket) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0);

/**
 * usage_daily deltas gathered in memory, by day, then email; a person uses a handful of models,
 * so a short list per person. write() adds them to usage_daily and the rollups.
 */
export class DailyDeltas {
  private readonly days = new Map<string, Map<string, Bucket[]>>();
  private lastDay: string | undefined;
  private lastDayMap = new Map<string, Bucket[]>();

  /** The delta of (day, email, model), created at zero: add into it. */
  sums(day: string, email: string, model: string): Float64Array {
    // Ingest asks day by day: the same day string again skips the outer lookup.
    if (day !== this.lastDay) {
      this.lastDay = day;
      const known = this.days.get(day);
      if (known !== undefined) this.lastDayMap = known;
      else this.days.set(day, (this.lastDayMap = new Map()));
    }
    let list = this.lastDayMap.get(email);
    if (list === undefined) this.lastDayMap.set(email, (list = []));
    for (let i = 0; i < list.length; i++) if (list[i].model === model) return list[i].sums;
    const b: Bucket = { model, sums: new Float64Array(DAILY_SUMS.length) };
    list.push(b);
    return b.sums;
  }

  /**
   * Upserts in primary-key order, so each table is written along its B-tree instead of at random
   * places: usage_daily per (day, email, model), then per (day, email) the person's rollup, then
   * per (day, model) the team's. The caller provides the transaction.
   */
  write(db: Db): void {
    const st = prepared(db);
    const { daily, user, team, group, groupOf, personDay, asOfDayAdd, packGone } = st;
    const person = new Float64Array(ROLLUP_SUMS.length);
    const groupIds = new Map<string, string>();
    for (const [day, byEmail] of [...this.days].sort(byKey)) {
      const models = new Map<string, Float64Array>();
      const groups = new Map<string, Float64Array>();
      asOfDayAdd.run(day);
      packGone.run(day); // the day's detection pack (store/usage-day-packs.ts) no longer holds all of it
      for (const [email, list] of [...byEmail].sort(byKey)) {
        person.fill(0);
        for (const b of list.sort(byModel)) {
          const s = b.sums;
          daily.run(
            day,
            email,
            b.model,
            s[0],
            s[1],
            s[2],
            s[3],
            s[4],
            s[5],
            s[6],
            s[7],
            s[8],
            s[9],
            s[10],
            s[11],
            s[12],
            s[13],
          );
          rollupOf(person, s);
          let m = models.get(b.model);
          if (m === undefined) models.set(b.model, (m = new Float64Array(ROLLUP_SUMS.length)));
          rollupOf(m, s);
        }
        const isNew = personDay.get(day, email) === undefined;
        user.run(day, email, person[0], person[1], person[2], person[3], person[4]);
        let groupId = groupIds.get(email);
        if (groupId === undefined)
          groupIds.set(email, (groupId = (groupOf.get(email) as string | undefined) ?? UNASSIGNED));
        let g = groups.get(groupId);
        if (g === undefined) groups.set(groupId, (g = new Float64Array(GROUP_SUMS.length)));
        g[0] += isNew ? 1 : 0;
        for (let i = 0; i < person.length; i++) g[i + 1] += person[i];
      }
      for (const [model, m] of [...models].sort(byKey)) team.run(day, model, m[0], m[1], m[2], m[3], m[4]);
      for (const [groupId, g] of [...groups].sort(byKey)) group.run(day, groupId, g[0], g[1], g[2], g[3], g[4], g[5]);
    }
  }
}

/** A usage_daily delta by column; absent sums are zero. */
export type UsageDailyRow = { day: string; email: string; model: string } & {
  [C in (typeof DAILY_SUMS)[number]]?: number;
};

/**
 * Adds rows to usage_daily and the rollups in one transaction (rows of the same key add up;
 * negative sums take away), or in the caller's when one is open: a nested one is a savepoint, and
 * under a savepoint each statement that may write several rows journals every page it writes and the
 * journal is kept until the savepoint ends, which made bench/api's seed (10,000 people × 90 days in its
 * own transaction) many times slower. For seeds, tests and benches: ingest goes through
 * insertEventBatches (in the collector's transaction).
 */
export function addUsageDaily(db: Db, rows: Iterable<UsageDailyRow>): void {
  const deltas = new DailyDeltas();
  for (const r of rows) {
    const s = deltas.sums(r.day, r.email, r.model);
    for (let i = 0; i < DAILY_SUMS.length; i++) {
      const v = r[DAILY_SUMS[i]];
      if (v === undefined) continue;
      if (!Number.isFinite(v))
        throw new Error(`usage_daily ${r.day} ${r.email} ${r.model}: ${DAILY_SUMS[i]} is not a finite number`);
      s[i] += v;
    }
  }
  if (db.inTransaction) deltas.write(db);
  else db.transaction(() => deltas.write(db))();
}
