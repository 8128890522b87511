import type { Memo } from './cycle-usage';
import type { Db } from './db';
import { byText, DayPacks, type PackSpec, type TallyKind } from './day-packs';

/**
 * usage_daily as day packs (day-packs.ts, schema/016): what detection and the JSON API's window totals
 * of usage read. Its measures besides person and model, in order: spend, usage events (one a
 * request), tokens of every kind, usage-based events, on-demand spend, billable request units,
 * cache-read tokens.
 */
export const USAGE_PACKS: PackSpec = {
  packs: 'usage_day_packs',
  days: 'usage_asof_days',
  source: 'usage_daily',
  text: 'model',
  measures: [
    'charged_micro',
    'events',
    'input_tokens + output_tokens + cache_write_tokens + cache_read_tokens',
    'usage_based_events',
    'chargeable_micro',
    'requests',
    'cache_read_tokens',
  ],
  weeks: 'usage_week_packs',
  flag: -1,
};

/** Where each measure sits in a usage day's measures. */
export const U = {
  spend: 0,
  events: 1,
  tokens: 2,
  usageBased: 3,
  onDemand: 4,
  requests: 5,
  cacheRead: 6,
} as const;

const M = USAGE_PACKS.measures.length;

/** A window's usage per person and per (person, model), summed over its days. */
export interface UsageWindow {
  emails: string[]; // everyone with usage rows in the window, ascending
  sums: Float64Array[]; // per measure (U), per person as in emails
  days: Uint32Array; // days with usage rows, per person as in emails
  /** Per (person, model) with rows, ascending by (email, model): listed when first asked (the spend of a cycle needs none). */
  pairs(): { email: string; model: string; spend: number; requests: number }[];
}

/**
 * What usageOf keeps per person — the measures (U) then the days with rows — and per (person, model):
 * spend, billable requests, and whether the pair had rows.
 */
const DAYS = M;
const [PAIR_SPEND, PAIR_REQUESTS, PAIR_SEEN] = [0, 1, 2];
const USAGE_TALLY: TallyKind = {
  name: 'usage',
  people: new Array(M + 1).fill(0),
  pairs: 3,
  add(t, day, models) {
    const { rows, people: who } = day;
    // Column by column: one tight loop per measure reads far faster than the measures of a row in turn.
    for (let k = 0; k < M; k++) {
      const from = day.measures[k];
      const into = t.people[k];
      for (let i = 0; i < rows; i++) into[who[i]] += from[i];
    }
    const dayCount = t.people[DAYS];
    if (day.days !== undefined) {
      const personDays = day.days; // a week's
      for (let i = 0; i < rows; i++) dayCount[who[i]] += personDays[i];
    } else {
      let last = -1;
      for (let i = 0; i < rows; i++) {
        const p = who[i];
        if (p !== last) dayCount[p]++; // a day's rows come by person
        last = p;
      }
    }
    // (person, model) sums in a dense person × model grid: a handful of models, so small, and no hashing.
    const nM = t.models.length;
    const [pairSpend, pairRequests, pairSeen] = t.pairs;
    const spend = day.measures[U.spend];
    const requests = day.measures[U.requests];
    for (let i = 0; i < rows; i++) {
      const x = who[i] * nM + models[day.model[i]];
      pairSeen[x] = 1;
      pairSpend[x] += spend[i];
      pairRequests[x] += requests[i];
    }
  },
};

/**
 * The usage of [fromDay, toDay] per person and per (person, model): its weeks' and days' packs summed
 * (DayPacks.spans: a 30-day window at 10,000 people is four week packs and a few days, ~150k rows, a
 * few typed-array passes; DayPacks.tally keeps the settled part's sums). What the JSON API's
 * whole-team tables and the cycle's spend read.
 */
function usageOf(db: Db, fromDay: string, toDay: string): UsageWindow {
  const packs = new DayPacks(db, USAGE_PACKS);
  const { tally, emails } = packs.tally(fromDay, toDay, USAGE_TALLY);
  const { models: modelNames } = tally;
  const nM = modelNames.length;
  const dayCount = tally.people[DAYS];
  const [pairSpend, pairRequests, pairSeen] = [PAIR_SPEND, PAIR_REQUESTS, PAIR_SEEN].map((c) => tally.pairs[c]);
  const people = packs.inEmailOrder(emails, dayCount);
  let pairs: ReturnType<UsageWindow['pairs']> | undefined;
  const listPairs = () => {
    const byName = [...modelNames.keys()].sort((a, b) => byText(modelNames[a], modelNames[b]));
    const out: ReturnType<UsageWindow['pairs']> = [];
    for (const p of people)
      for (const m of byName) {
        const x = p * nM + m;
        if (pairSeen[x])
          out.push({ email: emails[p], model: modelNames[m], spend: pairSpend[x], requests: pairRequests[x] });
      }
    return out;
  };
  // Plain loops: a typed array's from() with a mapping function steps through a generic iterator.
  const out = {
    emails: people.map((p) => emails[p]),
    sums: [] as Float64Array[],
    days: new Uint32Array(people.length),
  };
  for (const col of tally.people.slice(0, M)) {
    const picked = new Float64Array(people.length);
    for (let i = 0; i < people.length; i++) picked[i] = col[people[i]];
    out.sums.push(picked);
  }
  for (let i = 0; i < people.length; i++) out.days[i] = dayCount[people[i]];
  return { ...out, pairs: () => (pairs ??= listPairs()) };
}

/** The usage of [fromDay, toDay] (see usageOf), shared through `memo` within a store generation. */
export function usageWindow(db: Db, fromDay: string, toDay: string, memo: Memo): UsageWindow {
  return memo(`usage-window:${fromDay}:${toDay}`, () => usageOf(db, fromDay, toDay));
}
