import { addDays } from '../domain/time';
import type { Db } from './db';

/** One person's use of one model, summed over every stored day. */
export interface UserModelTotals {
  email: string;
  model: string;
  costMicro: number;
  requests: number;
  events: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** Sums of the usage_daily pre-aggregate (what the Prometheus counters and per-model spend publish). */
export class UsageTotalsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Every (person, model) pair's all-time totals (they only grow, as events are only ever added),
   * summed `blockDays` days at a time: a generator that pauses after each block and returns the
   * totals. One GROUP BY over all of usage_daily sorts every stored day at once (about a second of
   * a blocked event loop at 10,000 people × 90 days, and growing with history); a caller that lets
   * the event loop turn at each pause holds it only for a block. Each block is its own statement,
   * so other queries on this connection may run between them; a collection committing meanwhile
   * shows up in the later blocks only, and as sums only grow, every total still lies between the
   * previous one and the next.
   */
  *byUserModelInBlocks(blockDays = 7): Generator<void, UserModelTotals[], void> {
    const [first, last] = this.db.prepare('SELECT MIN(day), MAX(day) FROM usage_daily').raw().get() as [
      string | null,
      string | null,
    ];
    const totals = new Map<string, UserModelTotals>();
    if (first === null || last === null) return [];
    const block = this.db
      .prepare(
        `SELECT email, model, SUM(charged_micro), SUM(requests), SUM(events), SUM(input_tokens), SUM(output_tokens),
                SUM(cache_write_tokens), SUM(cache_read_tokens)
           FROM usage_daily WHERE day BETWEEN ? AND ? GROUP BY email, model`,
      )
      .raw();
    for (let from = first; from <= last; from = addDays(from, blockDays)) {
      const rows = block.all(from, addDays(from, blockDays - 1)) as [string, string, ...number[]][];
      for (const [email, model, costMicro, requests, events, input, output, cacheWrite, cacheRead] of rows) {
        const key = `${email}\u0000${model}`;
        const t = totals.get(key);
        if (t === undefined) {
          totals.set(key, { email, model, costMicro, requests, events, input, output, cacheWrite, cacheRead });
          continue;
        }
        t.costMicro += costMicro;
        t.requests += requests;
        t.events += events;
        t.input += input;
        t.output += output;
        t.cacheWrite += cacheWrite;
        t.cacheRead += cacheRead;
      }
      yield;
    }
    return [...totals.values()];
  }

  /** Charged spend per model from `fromDay` on. */
  spendByModelSince(fromDay: string): { model: string; micro: number }[] {
    return this.db
      .prepare('SELECT model, SUM(charged_micro) AS micro FROM usage_daily WHERE day >= ? GROUP BY model')
      .all(fromDay) as { model: string; micro: number }[];
  }
}
