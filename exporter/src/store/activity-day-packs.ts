import type { PersonActivity } from './cycle-usage';
import { DAY_MS, utcDay } from '../domain/time';
import type { Db } from './db';
import { byText, DayPacks, type PackSpec, type TallyKind } from './day-packs';

/**
 * daily_usage (Cursor's per-person daily activity) as day packs (day-packs.ts, schema/018): what the
 * JSON API's activity figures and the billing cycle's adoption read. Its text column is the day's
 * most-used model ('' for none); measures: active (0/1), agent requests, lines added, accepts, applies.
 */
export const ACTIVITY_PACKS: PackSpec = {
  packs: 'activity_day_packs',
  days: 'daily_usage_asof_days',
  source: 'daily_usage',
  text: "COALESCE(most_used_model, '')",
  measures: ['is_active', 'agent_requests', 'lines_added', 'accepts', 'applies'],
  weeks: 'activity_week_packs',
  flag: 0, // is_active
};

const [ACTIVE, AGENT, LINES, ACCEPTS, APPLIES] = [0, 1, 2, 3, 4];

const MEASURES = ACTIVITY_PACKS.measures.length;
/** Per person after the measures: the rows summed, the last day counted (days since 1970, -1 for none). */
const [ROWS, LAST] = [MEASURES, MEASURES + 1];

/** A window's activity per person; with `activeOnly`, active days only and agent requests per (person, model) (agent requests, seen). */
function activityTally(activeOnly: boolean): TallyKind {
  return {
    name: activeOnly ? 'active' : 'all',
    people: [...new Array(MEASURES + 1).fill(0), -1],
    pairs: activeOnly ? 2 : 0,
    add(t, r, models, from) {
      const active = r.measures[ACTIVE];
      const agent = r.measures[AGENT];
      const nM = t.models.length;
      const [modelAgent, modelSeen] = t.pairs;
      const rowsOf = t.people[ROWS];
      const last = t.people[LAST];
      for (let i = 0; i < r.rows; i++) {
        if (activeOnly && !active[i]) continue;
        const p = r.people[i];
        rowsOf[p] += r.count === undefined ? 1 : r.count[i];
        for (let k = 0; k < MEASURES; k++) t.people[k][p] += r.measures[k][i];
        last[p] = Math.max(last[p], r.last === undefined ? from : from + r.last[i]);
        if (!activeOnly) continue;
        const x = p * nM + models[r.model[i]];
        modelSeen[x] = 1;
        modelAgent[x] += agent[i];
      }
    },
  };
}
const ACTIVE_TALLY = activityTally(true);
const ALL_TALLY = activityTally(false);

/** Per-person sums of a window's activity, in typed arrays indexed by person number (no object per row). */
function sumsOf(db: Db, fromDay: string, toDay: string, activeOnly: boolean) {
  const packs = new DayPacks(db, ACTIVITY_PACKS);
  const { tally, emails } = packs.tally(fromDay, toDay, activeOnly ? ACTIVE_TALLY : ALL_TALLY);
  const { models: modelNames } = tally;
  const nM = modelNames.length;
  const [modelAgent, modelSeen] = tally.pairs;
  const people = packs.inEmailOrder(emails, tally.people[ROWS]);
  const byName = [...modelNames.keys()]
    .filter((m) => modelNames[m] !== '')
    .sort((a, b) => byText(modelNames[a], modelNames[b]));
  /** The model with the most agent requests (ties: the first by name), null when no day named one. */
  const mostUsed = (p: number): string | null => {
    let best = -1;
    for (const m of byName) {
      const x = p * nM + m;
      if (modelSeen[x] && (best < 0 || modelAgent[x] > modelAgent[p * nM + best])) best = m;
    }
    return best < 0 ? null : modelNames[best];
  };
  return { people, emails, sums: tally.people, last: tally.people[LAST], mostUsed };
}

/** Each person's active days of a window and what they did on them, as columns by person number (`at`). */
export interface ActiveDays {
  /** The person number of everyone with an active day, by e-mail. */
  at: Map<string, number>;
  days: ArrayLike<number>;
  agentRequests: ArrayLike<number>;
  linesAdded: ArrayLike<number>;
  accepts: ArrayLike<number>;
  applies: ArrayLike<number>;
  /** The last active day. */
  lastDay(p: number): string;
  /** The model with the most agent requests on active days (ties: the first by name); null when no day named one. */
  mostUsed(p: number): string | null;
}

/** Each person's ACTIVE days of [fromDay, toDay]: how many, and the agent requests, lines, accepts and applies on them. */
export function activeDays(db: Db, fromDay: string, toDay: string): ActiveDays {
  const { people, emails, sums, last, mostUsed } = sumsOf(db, fromDay, toDay, true);
  const at = new Map<string, number>();
  for (const p of people) at.set(emails[p], p);
  const names = new Map<number, string>(); // a window's few days, named once each
  return {
    at,
    days: sums[ACTIVE],
    agentRequests: sums[AGENT],
    linesAdded: sums[LINES],
    accepts: sums[ACCEPTS],
    applies: sums[APPLIES],
    lastDay: (p) => names.get(last[p]) ?? names.set(last[p], utcDay(last[p] * DAY_MS)).get(last[p])!,
    mostUsed,
  };
}

/** Requests, accepts, applies and active days of everyone with daily usage in [fromDay, toDay], by email. */
export function activityOf(db: Db, fromDay: string, toDay: string): PersonActivity[] {
  const { people, emails, sums } = sumsOf(db, fromDay, toDay, false);
  return people.map((p) => ({
    email: emails[p],
    requests: sums[AGENT][p],
    accepts: sums[ACCEPTS][p],
    applies: sums[APPLIES][p],
    activeDays: sums[ACTIVE][p],
  }));
}
