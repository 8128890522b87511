/**
 * A second scenario family for bench/detect-quality, written before the detectors were tuned and
 * not changed after looking at their results: its own team model, calendar, model catalogue and
 * seeds (101–110, and 301–310 run only after freezing), none shared with exporter/src/simulator (the family the defaults were tuned on).
 *
 * The team: 200 people over 60 days, each with a daily level, a personal weekday rhythm, weekends
 * mostly off, day-to-day noise (log-normal), vacations, and a team-wide daily factor. A calendar
 * (HeldoutCalendar below) sets the end day, billing day, working weeks, vacations and magnitudes:
 * HELDOUT_CALENDAR is this family, CALENDAR2, CALENDAR3 and BLIND_CALENDAR three more. Into it go
 * 18 anomalies of five kinds, about half borderline:
 * - level-shift ×4: spend steps up to 4–6× the person's own weekday level for 3–6 days, weekend
 *   included, tens of dollars a day above normal;
 * - growth ×3: the level grows geometrically to 2.2–4× over 3–5 weeks and stays there (through
 *   more requests, not dearer ones);
 * - spike ×4: one day at 4–6× what the person would have spent that day (their rhythm × the team's
 *   day), ≥ $30 above it, on a Monday after a weekend, on a team-wide release day, or a weekday;
 * - cycle-outlier ×3: a standing heavy spender at 12–25× the team's median daily level;
 * - model-switch ×4: the primary model moves to one 3–10× dearer per request for 5–10 days;
 * and 22 benign look-alikes: quiet team weekends (weekend lulls), new hires, stable heavy users
 * (5–7.5× the median), returns from vacation, small-dollar ratio jumps (a light user at 6–12× for
 * a few days, a few dollars), and team-wide release days (everyone ×1.6–2.2 for a day).
 *
 * The result is what a store holds after collection: members, groups, cycles and usage_daily rows
 * (spend, requests, tokens per person, day and model), plus the ground truth.
 */
import { DAY_MS, addDays, dayStartMs, daysBetween } from '../exporter/src/domain/time';
import type { UsageDailyRow } from '../exporter/src/store/usage-daily';
import { mulberry32 } from './_rng';

export const HELDOUT_SEEDS = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];
/**
 * Seeds 101–110 were looked at while the level detectors were developed, so they are held out
 * from the simulator's family only. These were first run after the settings and the detector code
 * were frozen (commit eabde67), once: the family's figures on teams nobody looked at.
 */
export const FRESH_HELDOUT_SEEDS = [301, 302, 303, 304, 305, 306, 307, 308, 309, 310];
export const HELDOUT_USERS = 200;
export const HELDOUT_DAYS = 60;
export const HELDOUT_END_DAY = '2026-07-19';

/**
 * The calendar and magnitudes a team is drawn with. HELDOUT_CALENDAR is the family above (seeds
 * 101–110, 301–310); CALENDAR2 a second, differently parameterised one, written before the
 * frozen detectors were first run on it (seeds 501–510): another end weekday and billing day,
 * people working Sunday–Thursday and part-timers on three fixed weekdays, vacations from 2 to 21
 * days, a team-wide busy week, and magnitudes drawn around the alert lines the issue describes
 * (level shifts 4–6×, growth ~2.5–4× over 3–5 weeks, spikes ~4.5–6.5×).
 */
export interface HeldoutCalendar {
  endDay: string;
  cycleDay: number; // billing cycles start on this day of each month
  sunThuShare: number; // share of people whose working week is Sunday–Thursday (Friday–Saturday off)
  partTimeShare: number; // share of people working three fixed weekdays
  vacation: { share: number; days: [number, number] }; // natural vacations: share of people, length range
  returnDays: [number, number]; // the vacation-return look-alikes' time away
  busyWeek: boolean; // a team-wide busy week (five working days at ×1.4–1.8) in the backtest
  levelShift: {
    borderline: [number, number];
    clear: [number, number];
    borderlineDays: [number, number];
    clearDays: [number, number];
  };
  growth: {
    borderline: [number, number];
    clear: [number, number];
    borderlineWeeks: [number, number];
    clearWeeks: [number, number];
  };
  spike: { borderline: [number, number]; clear: [number, number] };
  /** The usual working week (getUTCDay()s); Monday–Friday when absent. */
  workWeek?: readonly number[];
  /** A team-wide holiday week inside the backtest: five weekdays on which almost nobody works. */
  holidayWeek?: boolean;
  /** Heavier-tailed spend: on this share of active days an extra log-normal factor of this sigma. */
  heavyTail?: { share: number; sigma: number };
}

export const HELDOUT_CALENDAR: HeldoutCalendar = {
  endDay: HELDOUT_END_DAY,
  cycleDay: 3,
  sunThuShare: 0,
  partTimeShare: 0,
  vacation: { share: 0.2, days: [4, 11] },
  returnDays: [7, 14],
  busyWeek: false,
  levelShift: { borderline: [4, 4.6], clear: [5, 6], borderlineDays: [3, 3], clearDays: [4, 6] },
  growth: { borderline: [2.2, 2.6], clear: [2.8, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4, 5], clear: [5, 6] },
};

/**
 * A second calendar (seeds 501–510, bench/detect-quality's heldout_calendar2): first run on frozen
 * detectors, then looked at (its misses led to team-adjusted baselines), so no longer blind.
 */
export const CALENDAR2_SEEDS = [501, 502, 503, 504, 505, 506, 507, 508, 509, 510];
export const CALENDAR2: HeldoutCalendar = {
  endDay: '2026-10-25',
  cycleDay: 17,
  sunThuShare: 0.15,
  partTimeShare: 0.15,
  vacation: { share: 0.3, days: [2, 21] },
  returnDays: [3, 21],
  busyWeek: true,
  levelShift: { borderline: [4, 4.8], clear: [5, 6], borderlineDays: [3, 4], clearDays: [4, 7] },
  growth: { borderline: [2.5, 3], clear: [3, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.5, 5.2], clear: [5.5, 6.5] },
};

/**
 * A third calendar (seeds 701–710, heldout_calendar3): winter dates, billing on the 25th, more
 * part-timers, longer and more frequent vacations, growth from 3 weeks, longer level shifts,
 * larger clear spikes. First run on frozen detectors, then looked at (its misses led to each
 * person's own working week), so no longer blind.
 */
export const CALENDAR3_SEEDS = [701, 702, 703, 704, 705, 706, 707, 708, 709, 710];
export const CALENDAR3: HeldoutCalendar = {
  endDay: '2027-02-14',
  cycleDay: 25,
  sunThuShare: 0.1,
  partTimeShare: 0.25,
  vacation: { share: 0.35, days: [1, 25] },
  returnDays: [5, 18],
  busyWeek: true,
  levelShift: { borderline: [4, 4.5], clear: [5, 6.5], borderlineDays: [3, 5], clearDays: [4, 8] },
  growth: { borderline: [2.4, 3], clear: [3, 4.5], borderlineWeeks: [3, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.4, 5], clear: [5.5, 7] },
};

/**
 * The blind block (seeds 901–910, heldout_blind): a fourth calendar written before the final
 * detectors were frozen and run once after — spring dates ending on a Thursday, billing on the
 * 9th, a fifth of the team on Sunday–Thursday weeks, returns from 10–20 days away.
 */
export const BLIND_SEEDS = [901, 902, 903, 904, 905, 906, 907, 908, 909, 910];
export const BLIND_CALENDAR: HeldoutCalendar = {
  endDay: '2026-04-30',
  cycleDay: 9,
  sunThuShare: 0.2,
  partTimeShare: 0.1,
  vacation: { share: 0.25, days: [3, 15] },
  returnDays: [10, 20],
  busyWeek: true,
  levelShift: { borderline: [4.2, 4.8], clear: [5, 6], borderlineDays: [3, 4], clearDays: [5, 7] },
  growth: { borderline: [2.6, 3.2], clear: [3.2, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 5] },
  spike: { borderline: [4.5, 5.2], clear: [5.5, 6.5] },
};

/**
 * The second blind block (seeds 1101–1110, heldout_blind2), written before it was first run, on
 * the detectors frozen after the look-alike fixes, and run once: a team on a four-day week
 * (Monday–Thursday; Friday is a day off like the weekend), a holiday week for everyone inside the
 * backtest, heavier-tailed day-to-day spend (one active day in ten carries an extra ×e^(0.6·N)),
 * billing on the 1st, autumn dates ending on a Tuesday, vacations of 2–12 days, returns from 8–16.
 */
export const BLIND2_SEEDS = [1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1110];
export const BLIND2_CALENDAR: HeldoutCalendar = {
  endDay: '2026-11-24',
  cycleDay: 1,
  sunThuShare: 0.1,
  partTimeShare: 0.1,
  vacation: { share: 0.25, days: [2, 12] },
  returnDays: [8, 16],
  busyWeek: false,
  levelShift: { borderline: [4.2, 4.8], clear: [5, 6.5], borderlineDays: [3, 4], clearDays: [4, 7] },
  growth: { borderline: [2.5, 3], clear: [3, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.5, 5.2], clear: [5.5, 7] },
  workWeek: [1, 2, 3, 4],
  holidayWeek: true,
  heavyTail: { share: 0.1, sigma: 0.6 },
};

/**
 * The third blind block (seeds 1301–1310, heldout_blind3), written before the per-person
 * dispersion of spend_spike and the level-drift changes of that session and run once after them:
 * dates ending on a Sunday in late winter, billing on the 15th, more Sunday–Thursday and
 * part-time people, a busy week, heavier tails on a sixth of active days, shorter vacations.
 */
export const BLIND3_SEEDS = [1301, 1302, 1303, 1304, 1305, 1306, 1307, 1308, 1309, 1310];
export const BLIND3_CALENDAR: HeldoutCalendar = {
  endDay: '2027-03-07',
  cycleDay: 15,
  sunThuShare: 0.15,
  partTimeShare: 0.2,
  vacation: { share: 0.3, days: [3, 10] },
  returnDays: [5, 12],
  busyWeek: true,
  levelShift: { borderline: [4.2, 4.7], clear: [5, 6.5], borderlineDays: [3, 4], clearDays: [4, 6] },
  growth: { borderline: [2.4, 2.9], clear: [3, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.4, 5], clear: [5.5, 7] },
  heavyTail: { share: 0.15, sigma: 0.5 },
};

/**
 * The fourth blind block (seeds 1501–1510, heldout_blind4), written before the spike's
 * scatter rule was first run on it and run once after, on the frozen detectors: early-summer dates
 * ending on a Wednesday, billing on the 20th, few Sunday–Thursday people and some part-timers, a
 * holiday week for everyone inside the backtest, mild heavy tails on one active day in twelve.
 */
export const BLIND4_SEEDS = [1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1510];
export const BLIND4_CALENDAR: HeldoutCalendar = {
  endDay: '2027-06-16',
  cycleDay: 20,
  sunThuShare: 0.05,
  partTimeShare: 0.15,
  vacation: { share: 0.2, days: [5, 14] },
  returnDays: [7, 15],
  busyWeek: false,
  levelShift: { borderline: [4.1, 4.6], clear: [5, 6], borderlineDays: [3, 4], clearDays: [4, 6] },
  growth: { borderline: [2.3, 2.9], clear: [3, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.5, 5.2], clear: [5.5, 6.5] },
  holidayWeek: true,
  heavyTail: { share: 0.08, sigma: 0.5 },
};

/**
 * The fifth blind block (seeds 1701–1710, heldout_blind5), written and first run on the detectors
 * as they stood, before the level-drift hinge fit was tried (and dropped): autumn dates ending on a
 * Friday, billing on the 28th, some Sunday–Thursday and part-time people, a busy week, vacations of
 * 3–12 days and returns from 6–14, heavier tails on one active day in ten, growth drawn from ×2.3.
 */
export const BLIND5_SEEDS = [1701, 1702, 1703, 1704, 1705, 1706, 1707, 1708, 1709, 1710];
export const BLIND5_CALENDAR: HeldoutCalendar = {
  endDay: '2026-10-09',
  cycleDay: 28,
  sunThuShare: 0.1,
  partTimeShare: 0.12,
  vacation: { share: 0.25, days: [3, 12] },
  returnDays: [6, 14],
  busyWeek: true,
  levelShift: { borderline: [4.2, 4.7], clear: [5, 6], borderlineDays: [3, 4], clearDays: [4, 7] },
  growth: { borderline: [2.3, 2.8], clear: [3, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.5, 5.1], clear: [5.5, 6.5] },
  heavyTail: { share: 0.1, sigma: 0.5 },
};

/**
 * The sixth blind block (seeds 1901–1910, heldout_blind6), written and committed before its first
 * run, on the detectors as they stand after session 18's two changes (sustained_high's team breadth,
 * a small spike's dollars on a busier day): winter dates ending on a Monday, billing on the 12th,
 * a few Sunday–Thursday people and more part-timers, a busy week, no holiday, vacations of 2–14 days
 * and returns from 4–10, mild heavy tails on one active day in twenty, clear growth from ×2.9.
 */
export const BLIND6_SEEDS = [1901, 1902, 1903, 1904, 1905, 1906, 1907, 1908, 1909, 1910];
export const BLIND6_CALENDAR: HeldoutCalendar = {
  endDay: '2027-01-11',
  cycleDay: 12,
  sunThuShare: 0.08,
  partTimeShare: 0.18,
  vacation: { share: 0.3, days: [2, 14] },
  returnDays: [4, 10],
  busyWeek: true,
  levelShift: { borderline: [4.1, 4.6], clear: [5, 6.5], borderlineDays: [3, 4], clearDays: [4, 6] },
  growth: { borderline: [2.3, 2.8], clear: [2.9, 4], borderlineWeeks: [4, 5], clearWeeks: [3, 4] },
  spike: { borderline: [4.4, 5], clear: [5.5, 7] },
  heavyTail: { share: 0.05, sigma: 0.4 },
};

/** The calendar a diagnostic command line names (--blind6, --blind5, --blind4, --blind3, --blind2, --blind, --calendar3, --calendar2; default the held-out one). */
export function calendarFromArgs(args: readonly string[]): HeldoutCalendar {
  if (args.includes('--blind6')) return BLIND6_CALENDAR;
  if (args.includes('--blind5')) return BLIND5_CALENDAR;
  if (args.includes('--blind4')) return BLIND4_CALENDAR;
  if (args.includes('--blind3')) return BLIND3_CALENDAR;
  if (args.includes('--blind2')) return BLIND2_CALENDAR;
  if (args.includes('--blind')) return BLIND_CALENDAR;
  if (args.includes('--calendar3')) return CALENDAR3;
  if (args.includes('--calendar2')) return CALENDAR2;
  return HELDOUT_CALENDAR;
}

export type HeldoutAnomaly = 'level-shift' | 'growth' | 'spike' | 'cycle-outlier' | 'model-switch';
export type HeldoutBenign =
  | 'weekend-lull'
  | 'new-hire'
  | 'stable-heavy'
  | 'vacation-return'
  | 'small-dollar-jump'
  | 'release-day'
  | 'busy-week'
  | 'holiday-week';

export interface HeldoutTruth {
  kind: HeldoutAnomaly | HeldoutBenign;
  tier: 'borderline' | 'clear' | 'benign';
  email: string | null; // null: the whole team
  startDay: string;
  endDay: string; // inclusive; growth and cycle-outlier last to the end of the data
  magnitude: number;
}

export interface HeldoutTeam {
  seed: number;
  startDay: string;
  endDay: string;
  members: { email: string; name: string; groupId: string }[];
  groups: { id: string; name: string }[];
  cycles: { startMs: number; endMs: number }[];
  rows: UsageDailyRow[];
  truth: HeldoutTruth[];
}

/** $ per request of each model (the family's own catalogue). */
const MODELS: readonly { name: string; usd: number }[] = [
  { name: 'gpt-4.1-mini', usd: 0.012 },
  { name: 'cursor-small', usd: 0.02 },
  { name: 'gemini-2.5-flash', usd: 0.025 },
  { name: 'gemini-2.5-pro', usd: 0.05 },
  { name: 'claude-sonnet-4', usd: 0.08 },
  { name: 'o3', usd: 0.16 },
  { name: 'claude-opus-4.1', usd: 0.32 },
  { name: 'claude-opus-4.1-max', usd: 0.7 },
];
const GROUP_NAMES = [
  'R&D > Core',
  'R&D > Apps',
  'R&D > Cloud',
  'R&D > QA',
  'Data > Platform',
  'Data > Science',
  'Design > UX',
  'IT > Tools',
];

class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed * 7919 + 17);
  }
  u(a = 0, b = 1): number {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number): number {
    return Math.floor(this.u(a, b + 1));
  }
  logU(a: number, b: number): number {
    return Math.exp(this.u(Math.log(a), Math.log(b)));
  }
  normal(): number {
    const u = Math.max(1e-12, this.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

interface Person {
  email: string;
  name: string;
  groupId: string;
  level: number; // $ on an ordinary weekday (rhythm 1)
  rhythm: number[]; // by getUTCDay(): 0 = Sunday … 6 = Saturday; days-off entries are the volume when active
  workDays: readonly number[]; // the getUTCDay()s of the person's working week (pWeekday); other days pWeekend
  pWeekday: number;
  pWeekend: number;
  sigma: number;
  primary: number; // model index
  secondary: number;
  primaryShare: number;
  tokensPerRequest: number;
  joinIdx: number; // first day index with activity
  off: [number, number] | null; // vacation day indices (inclusive)
  role: 'natural' | 'victim' | 'benign';
}

/** Per-person, per-day changes an anomaly or look-alike makes. */
interface Effect {
  levelMul: number; // × the day's spend (level-shift, growth, small-dollar jump)
  forceActive: boolean;
  replaceSpendUsd: number; // > 0: the day's spend is exactly this (spike)
  switchTo: number; // model index or −1
}

const MON_FRI = [1, 2, 3, 4, 5];

export function heldoutTeam(seed: number, cal: HeldoutCalendar = HELDOUT_CALENDAR): HeldoutTeam {
  const r = new Rand(seed);
  const endDay = cal.endDay;
  const startDay = addDays(endDay, -(HELDOUT_DAYS - 1));
  const days = daysBetween(startDay, endDay);
  const nD = days.length;
  const dow = days.map((d) => new Date(dayStartMs(d)).getUTCDay());
  const isWeekend = (i: number) => dow[i] === 0 || dow[i] === 6;
  const btFrom = nD - 28; // first backtest day index
  const groups = GROUP_NAMES.map((name, i) => ({ id: `grp_${i + 1}`, name }));

  // --- the team
  const people: Person[] = [];
  for (let i = 0; i < HELDOUT_USERS; i++) {
    const x = r.u();
    const kind = x < 0.35 ? 'light' : x < 0.8 ? 'regular' : 'power';
    const level = kind === 'light' ? r.logU(0.15, 1.5) : kind === 'regular' ? r.logU(1.5, 7) : r.logU(6, 15);
    const pWeekday = kind === 'light' ? r.u(0.4, 0.75) : kind === 'regular' ? r.u(0.8, 0.97) : r.u(0.88, 0.99);
    const pWeekend = kind === 'light' ? r.u(0, 0.08) : kind === 'regular' ? r.u(0.03, 0.2) : r.u(0.1, 0.4);
    const sigma = kind === 'light' ? r.u(0.45, 0.7) : r.u(0.3, 0.5);
    // The working week: Monday–Friday, or (other calendars) Sunday–Thursday or three fixed weekdays.
    const week = cal.sunThuShare > 0 || cal.partTimeShare > 0 ? r.u() : 1;
    const workDays =
      week < cal.sunThuShare
        ? [0, 1, 2, 3, 4]
        : week < cal.sunThuShare + cal.partTimeShare
          ? [...MON_FRI]
              .sort(() => r.u() - 0.5)
              .slice(0, 3)
              .sort()
          : (cal.workWeek ?? MON_FRI);
    const shape = [1.0, 1.1, 1.1, 1.0, 0.8]; // first … last working day of the week
    const base = [0, 1, 2, 3, 4, 5, 6].map((d) =>
      workDays.includes(d) ? shape[Math.round((workDays.indexOf(d) * 4) / Math.max(1, workDays.length - 1))] : 0,
    );
    const weekend = r.u(0.3, 0.7);
    const rhythm = base.map((b, d) => (!workDays.includes(d) ? weekend * r.u(0.85, 1.15) : b * r.u(0.85, 1.15)));
    const cheap = kind === 'light' ? [0, 1, 2, 4] : kind === 'regular' ? [1, 2, 3, 4, 4] : [3, 4, 4, 5];
    const primary = r.pick(cheap);
    let secondary = r.pick([0, 1, 2, 3, 4, 5]);
    if (secondary === primary) secondary = (primary + 1) % 6;
    const off: [number, number] | null = r.chance(cal.vacation.share)
      ? (() => {
          const a = r.int(0, nD - 6);
          return [a, Math.min(nD - 1, a + r.int(...cal.vacation.days))] as [number, number];
        })()
      : null;
    people.push({
      email: `p${String(i).padStart(3, '0')}.${seed}@heldout.test`,
      name: `Person ${i} (${seed})`,
      groupId: groups[i % groups.length].id,
      level,
      rhythm,
      workDays,
      pWeekday,
      pWeekend,
      sigma,
      primary,
      secondary,
      primaryShare: r.u(0.6, 0.85),
      tokensPerRequest: r.logU(30_000, 150_000),
      joinIdx: 0,
      off,
      role: 'natural',
    });
  }
  const sumOver = (p: Person, work: boolean) =>
    p.rhythm.reduce((a, v, d) => (p.workDays.includes(d) === work ? a + v : a), 0);
  const expectedDaily = (p: Person) => (p.level * (p.pWeekday * sumOver(p, true) + p.pWeekend * sumOver(p, false))) / 7;
  const sorted = people.map(expectedDaily).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  // Nobody is a heavy spender by accident: natural members stay within 6× the median.
  for (const p of people) if (expectedDaily(p) > 6 * median) p.level *= (6 * median) / expectedDaily(p);

  // --- the team's days: small daily wobble, release days, quiet weekends
  const teamMul = days.map(() => Math.exp(0.07 * r.normal()));
  const teamActivity = days.map(() => 1);
  const truth: HeldoutTruth[] = [];
  const teamEntry = (kind: HeldoutBenign, from: number, to: number, magnitude: number) =>
    truth.push({
      kind,
      tier: 'benign',
      email: null,
      startDay: days[from],
      endDay: days[to],
      magnitude: Math.round(magnitude * 100) / 100,
    });
  const weekdaysIn = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, k) => from + k).filter((i) => !isWeekend(i));
  const releaseDays: number[] = [];
  const window = weekdaysIn(btFrom + 1, nD - 2);
  while (releaseDays.length < 3) {
    const d = r.pick(window);
    if (releaseDays.some((x) => Math.abs(x - d) < 4)) continue;
    releaseDays.push(d);
  }
  for (const d of releaseDays) {
    const m = r.u(1.6, 2.2);
    teamMul[d] *= m;
    teamActivity[d] = 1.25;
    teamEntry('release-day', d, d, m);
  }
  const mondays = weekdaysIn(btFrom + 2, nD - 1).filter((i) => dow[i] === 1);
  const lulls = [...mondays].sort(() => r.u() - 0.5).slice(0, 3);
  for (const mon of lulls) {
    for (const d of [mon - 2, mon - 1]) {
      teamActivity[d] = 0.3;
      teamMul[d] *= 0.5;
    }
    teamEntry('weekend-lull', mon - 2, mon, 0.5);
  }
  if (cal.busyWeek) {
    // A team-wide busy week (a launch): five working days, Monday to Friday, everyone ×1.4–1.8.
    const weeks = weekdaysIn(btFrom, nD - 5).filter((i) => dow[i] === 1);
    const free = weeks.filter((i) => !lulls.includes(i));
    const mon = r.pick(free.length > 0 ? free : weeks);
    const m = r.u(1.4, 1.8);
    for (let d = mon; d <= mon + 4; d++) {
      teamMul[d] *= m * Math.exp(0.05 * r.normal());
      teamActivity[d] = 1.15;
    }
    teamEntry('busy-week', mon, mon + 4, m);
  }
  if (cal.holidayWeek) {
    // A holiday week for everyone (Monday to Friday): hardly anyone works, and then all return.
    const weeks = weekdaysIn(btFrom, nD - 10).filter(
      (i) => dow[i] === 1 && !lulls.includes(i) && !releaseDays.some((d) => d >= i && d <= i + 4),
    );
    const mon = r.pick(weeks.length > 0 ? weeks : weekdaysIn(btFrom, nD - 10).filter((i) => dow[i] === 1));
    for (let d = mon; d <= mon + 4; d++) teamActivity[d] = 0.05;
    teamEntry('holiday-week', mon, mon + 7, 0.05);
  }

  // --- anomalies and personal look-alikes
  const effects = new Map<string, Effect>(); // `${person}:${day}`
  const effect = (p: number, d: number): Effect => {
    const k = `${p}:${d}`;
    let e = effects.get(k);
    if (!e) effects.set(k, (e = { levelMul: 1, forceActive: false, replaceSpendUsd: 0, switchTo: -1 }));
    return e;
  };
  const taken = new Set<number>();
  const pickPerson = (ok: (p: Person) => boolean): number => {
    const pool = people.map((_, i) => i).filter((i) => !taken.has(i) && ok(people[i]));
    const i = pool.length > 0 ? r.pick(pool) : people.findIndex((_, j) => !taken.has(j));
    taken.add(i);
    return i;
  };
  const personEntry = (
    kind: HeldoutTruth['kind'],
    tier: HeldoutTruth['tier'],
    p: number,
    from: number,
    to: number,
    magnitude: number,
  ) =>
    truth.push({
      kind,
      tier,
      email: people[p].email,
      startDay: days[from],
      endDay: days[to],
      magnitude: Math.round(magnitude * 100) / 100,
    });
  const victim = (p: number) => {
    people[p].role = 'victim';
    people[p].off = null; // an anomaly's victim has an ordinary recent history
  };
  const weekdayLevel = (p: Person) => (p.level * sumOver(p, true)) / p.workDays.length;
  const intIn = ([a, b]: [number, number]) => (a === b ? a : r.int(a, b));
  const tiers = (n: number): ('borderline' | 'clear')[] => {
    const t = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'borderline' : 'clear') as 'borderline' | 'clear');
    return t.sort(() => r.u() - 0.5);
  };

  // Level shifts: across a weekend (start Thu–Sat), 4–6× the own weekday level, ≥ $25/day above it.
  tiers(4).forEach((tier) => {
    const m = tier === 'borderline' ? r.u(...cal.levelShift.borderline) : r.u(...cal.levelShift.clear);
    const len = tier === 'borderline' ? intIn(cal.levelShift.borderlineDays) : intIn(cal.levelShift.clearDays);
    const starts = Array.from({ length: nD - len - btFrom }, (_, k) => btFrom + k).filter(
      (i) => dow[i] >= 4 && dow[i] <= 6,
    );
    const from = r.pick(starts);
    const p = pickPerson((x) => x.level >= 6 && x.pWeekday > 0.85);
    victim(p);
    const wl = weekdayLevel(people[p]);
    if ((m - 1) * wl < 25) people[p].level *= (25 / ((m - 1) * wl)) * r.u(1, 1.6);
    for (let d = from; d < from + len; d++) {
      const e = effect(p, d);
      e.forceActive = true;
      e.replaceSpendUsd = m * weekdayLevel(people[p]) * teamMul[d] * Math.exp(0.12 * r.normal());
    }
    personEntry('level-shift', tier, p, from, from + len - 1, m);
  });

  // Growth: geometric to G over W weeks, kept after; through volume (requests), not price.
  tiers(3).forEach((tier) => {
    const G = tier === 'borderline' ? r.u(...cal.growth.borderline) : r.u(...cal.growth.clear);
    const W = tier === 'borderline' ? r.int(...cal.growth.borderlineWeeks) : r.int(...cal.growth.clearWeeks);
    const p = pickPerson(
      (x) =>
        (tier === 'borderline' ? x.level >= 2.5 && x.level <= 4 : x.level >= 4 && x.level <= 12) && x.pWeekday > 0.8,
    );
    victim(p);
    if (tier === 'borderline' && people[p].level < 2.5) people[p].level = r.u(2.5, 4);
    const from = nD - 7 * W - r.int(0, 5);
    for (let d = from; d < nD; d++) effect(p, d).levelMul *= G ** (Math.min(d - from, 7 * W) / (7 * W));
    personEntry('growth', tier, p, from, nD - 1, G);
  });

  // Spikes: 4–6× the day's expectation, ≥ $30 above it; on a Monday, a release day, or a weekday.
  tiers(4).forEach((tier, k) => {
    const m = tier === 'borderline' ? r.u(...cal.spike.borderline) : r.u(...cal.spike.clear);
    const weekdays = weekdaysIn(btFrom, nD - 1);
    const d = k === 0 ? r.pick(mondays) : k === 1 ? r.pick(releaseDays) : r.pick(weekdays);
    const p = pickPerson((x) => x.level >= 5 && x.pWeekday > 0.85);
    victim(p);
    const expected = () => people[p].level * people[p].rhythm[dow[d]];
    if ((m - 1) * expected() < 30) people[p].level *= (30 / ((m - 1) * expected())) * r.u(1, 1.5);
    const e = effect(p, d);
    e.forceActive = true;
    e.replaceSpendUsd = m * expected() * teamMul[d];
    personEntry('spike', tier, p, d, d, m);
  });

  // Cycle outliers: standing heavy spenders, 12–14× (borderline) or 18–25× the median daily level.
  tiers(3).forEach((tier) => {
    const ratio = tier === 'borderline' ? r.u(12, 14) : r.u(18, 25);
    const p = pickPerson((x) => x.pWeekday > 0.85);
    victim(p);
    const x = people[p];
    x.pWeekday = 0.97;
    x.pWeekend = 0.7;
    x.sigma = 0.3;
    x.primary = r.pick([5, 6, 7]);
    x.level *= (ratio * median) / expectedDaily(x);
    personEntry('cycle-outlier', tier, p, btFrom, nD - 1, ratio);
  });

  // Model switches: 80% of requests to a model 3–3.5× (borderline) or 6–10× dearer, 5–10 days.
  tiers(4).forEach((tier) => {
    const p = pickPerson((x) => x.level >= 2 && x.pWeekday > 0.8 && x.primary <= 4);
    victim(p);
    const x = people[p];
    const usual = x.primaryShare * MODELS[x.primary].usd + (1 - x.primaryShare) * MODELS[x.secondary].usd;
    const want = tier === 'borderline' ? r.u(3, 3.5) : r.u(6, 10);
    let to = MODELS.length - 1;
    for (let m = 0; m < MODELS.length; m++)
      if (MODELS[m].usd >= usual * want) {
        to = m;
        break;
      }
    const len = r.int(5, 10);
    const from = r.int(btFrom, nD - len);
    for (let d = from; d < from + len; d++) effect(p, d).switchTo = to;
    personEntry('model-switch', tier, p, from, from + len - 1, MODELS[to].usd / usual);
  });

  // Benign: stable heavy users, 5–7.5× the median, steady, weekends included.
  for (let k = 0; k < 4; k++) {
    const p = pickPerson(() => true);
    const x = people[p];
    x.role = 'benign';
    x.pWeekday = 0.96;
    x.pWeekend = r.u(0.4, 0.8);
    x.sigma = r.u(0.25, 0.35);
    x.off = null;
    const ratio = r.u(5, 7.5);
    x.level *= (ratio * median) / expectedDaily(x);
    personEntry('stable-heavy', 'benign', p, btFrom, nD - 1, ratio);
  }
  // Benign: new hires, joining inside the backtest at their normal level after a short ramp.
  for (let k = 0; k < 4; k++) {
    const p = pickPerson((x) => x.level >= 1.5);
    const x = people[p];
    x.role = 'benign';
    x.off = null;
    x.joinIdx = r.int(btFrom, nD - 6);
    for (let d = x.joinIdx; d < Math.min(nD, x.joinIdx + 5); d++) effect(p, d).levelMul *= 0.6 + 0.1 * (d - x.joinIdx);
    personEntry('new-hire', 'benign', p, x.joinIdx, Math.min(nD - 1, x.joinIdx + 13), 1);
  }
  // Benign: returns from a 7–14 day vacation inside the backtest, back at their normal level.
  for (let k = 0; k < 4; k++) {
    const p = pickPerson((x) => x.level >= 3);
    const x = people[p];
    x.role = 'benign';
    const back = r.pick(weekdaysIn(btFrom + 3, nD - 3).filter((i) => dow[i] === 1 || r.chance(0.3)));
    x.off = [back - r.int(...cal.returnDays), back - 1];
    effect(p, back).forceActive = true;
    effect(p, back).levelMul *= r.u(1, 1.4); // catching up
    personEntry('vacation-return', 'benign', p, back, Math.min(nD - 1, back + 6), 1);
  }
  // Benign: small-dollar ratio jumps of light users.
  for (let k = 0; k < 4; k++) {
    const p = pickPerson((x) => x.level <= 1);
    const x = people[p];
    x.role = 'benign';
    const m = r.u(6, 12);
    const len = r.int(2, 5);
    const from = r.int(btFrom, nD - len);
    for (let d = from; d < from + len; d++) {
      effect(p, d).levelMul *= m;
      effect(p, d).forceActive = true;
    }
    personEntry('small-dollar-jump', 'benign', p, from, from + len - 1, m);
  }

  // --- the usage rows
  const rows: UsageDailyRow[] = [];
  people.forEach((x, p) => {
    for (let d = x.joinIdx; d < nD; d++) {
      const e = effects.get(`${p}:${d}`);
      if (x.off && d >= x.off[0] && d <= x.off[1] && !e?.forceActive) continue;
      const pActive = Math.min(1, (x.workDays.includes(dow[d]) ? x.pWeekday : x.pWeekend) * teamActivity[d]);
      if (!e?.forceActive && !r.chance(pActive)) continue;
      let usd = x.level * x.rhythm[dow[d]] * teamMul[d] * Math.exp(x.sigma * r.normal() - (x.sigma * x.sigma) / 2);
      if (cal.heavyTail && r.chance(cal.heavyTail.share)) usd *= Math.exp(cal.heavyTail.sigma * r.normal());
      if (e) usd = e.replaceSpendUsd > 0 ? e.replaceSpendUsd : usd * e.levelMul;
      // Requests at the person's usual mix; a switch moves 80% of them to the dearer model.
      const usualUsd = x.primaryShare * MODELS[x.primary].usd + (1 - x.primaryShare) * MODELS[x.secondary].usd;
      const n = Math.max(1, Math.round(usd / usualUsd));
      const parts: [number, number, number][] = []; // model, requests, usd
      if (e && e.switchTo >= 0) {
        const moved = Math.round(n * 0.8);
        parts.push([e.switchTo, moved, moved * MODELS[e.switchTo].usd * Math.exp(0.1 * r.normal())]);
        parts.push([x.primary, n - moved, (n - moved) * usualUsd]);
      } else {
        const np = Math.round(n * x.primaryShare);
        const share =
          (np * MODELS[x.primary].usd) / (np * MODELS[x.primary].usd + (n - np) * MODELS[x.secondary].usd || 1);
        parts.push([x.primary, np, usd * share]);
        parts.push([x.secondary, n - np, usd * (1 - share)]);
      }
      for (const [m, req, spend] of parts) {
        if (req <= 0 && spend <= 0) continue;
        const micro = Math.round(spend * 1e8);
        const tokens = Math.round(req * x.tokensPerRequest);
        rows.push({
          day: days[d],
          email: x.email,
          model: MODELS[m].name,
          events: req,
          requests: req,
          charged_micro: micro,
          token_micro: micro,
          included_events: req,
          input_tokens: Math.round(tokens * 0.1),
          output_tokens: Math.round(tokens * 0.03),
          cache_write_tokens: Math.round(tokens * 0.07),
          cache_read_tokens: Math.round(tokens * 0.8),
        });
      }
    }
  });

  const cycles: { startMs: number; endMs: number }[] = [];
  const first = new Date(dayStartMs(startDay));
  for (let k = -1; k <= 2; k++) {
    const s = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + k, cal.cycleDay);
    cycles.push({ startMs: s, endMs: Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + k + 1, cal.cycleDay) });
  }
  return {
    seed,
    startDay,
    endDay,
    members: people.map((x) => ({ email: x.email, name: x.name, groupId: x.groupId })),
    groups,
    cycles: cycles.filter((c) => c.startMs <= dayStartMs(endDay) + DAY_MS && c.endMs > dayStartMs(startDay)),
    rows,
    truth,
  };
}
