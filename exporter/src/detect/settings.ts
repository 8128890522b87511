import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Detection settings: one TypeBox schema is the validator, the TypeScript type and the OpenAPI doc.
 * Defaults equal the reference product's (seed.md §1.4, §3) where it has the setting; our additions
 * default to values tuned on bench/detect-quality. Money is in US dollars here because people type it.
 */

const num = (def: number, min: number, max: number, description: string) =>
  Type.Number({ default: def, minimum: min, maximum: max, description });
const int = (def: number, min: number, max: number, description: string) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });

const USD_MAX = 100_000_000;

const Floor = (minUsd: number, minPercent: number, what: string) =>
  Type.Object(
    {
      minUsd: num(
        minUsd,
        0,
        USD_MAX,
        `Notify only when the dollar amount at stake (${what}) is at least this many US dollars.`,
      ),
      minPercent: num(
        minPercent,
        0,
        100,
        'Notify only when the dollar amount at stake is at least this percentage of the team spend over the same period (day or cycle).',
      ),
    },
    {
      additionalProperties: false,
      description: `Notification floors for this detector (${what}). Below them a finding is recorded but raises no alert.`,
    },
  );

export const DetectionSettings = Type.Object(
  {
    thresholds: Type.Object(
      {
        maxSpendUsdPerCycle: num(
          0,
          0,
          USD_MAX,
          'Static cap: a user spending more than this in the current billing cycle is flagged (critical above 2×). 0 = off.',
        ),
        maxRequestsPerDay: num(
          0,
          0,
          10_000_000,
          'Static cap: a user making more requests than this in one UTC day is flagged (critical above 2×). 0 = off.',
        ),
        maxTokensPerDay: num(
          0,
          0,
          1e12,
          'Static cap: a user using more tokens (input + output + cache) than this in one UTC day is flagged (critical above 2×). 0 = off.',
        ),
      },
      { additionalProperties: false, description: 'Static per-user caps (the reference threshold layer).' },
    ),
    zscore: Type.Object(
      {
        multiplier: num(
          2.5,
          0.5,
          50,
          "Flag a user whose daily spend is more than this many sample standard deviations above the mean of active users' daily spend over the window (critical above 3×).",
        ),
        windowDays: int(
          7,
          1,
          90,
          'Days of history forming the team distribution (every active user-day in the window).',
        ),
        minSamples: int(5, 3, 100_000, 'Minimum active user-days in the window before the z-score is computed.'),
      },
      { additionalProperties: false, description: 'Statistical layer: a user against the team distribution.' },
    ),
    trends: Type.Object(
      {
        spendSpikeMultiplier: num(
          4,
          1.1,
          1000,
          "Flag a day whose spend exceeds this multiple of what the user would have spent that day: their own weekday-aware baseline × the team's factor for the day (critical above 3×).",
        ),
        spikeMinExcessUsd: num(
          25,
          0,
          USD_MAX,
          "A day less than this many dollars above what the user would have spent that day is a spike only when it also lies beyond spikeSmallZ of the user's own day-to-day scatter: ordinary people have 4–5× days of $15–25 now and then; a steady user's are rare.",
        ),
        spikeSmallZ: num(
          4,
          0,
          100,
          "How far beyond the user's own scatter such a day must lie: ln(day ÷ expectation) ≥ this × the robust standard deviation of the log of their active working days (×7.4 for a person whose days swing between 0.6 and 1.4 times their median; for a steadier one the spike multiplier decides).",
        ),
        spendSpikeLookbackDays: int(
          28,
          1,
          90,
          "Days of the user's own history forming their weekday-aware baseline (the median of their active days of the same class, weekday or weekend). It ends before the level-shift window, so an ongoing shift never raises its own baseline. Shared by spend_spike and level_shift.",
        ),
        spikeMinBaselineUsd: num(
          1,
          0,
          USD_MAX,
          'A baseline needs a median active weekday of at least this many dollars (the reference uses a $1 average).',
        ),
        spikeMinActiveDays: int(
          4,
          1,
          90,
          'A baseline needs at least this many active days of the class in the lookback: a few days are no habit to compare with (new hires). A weekend without enough weekend history uses the weekday baseline.',
        ),
        teamFactorCap: num(
          10,
          1,
          100,
          "A day on which the whole team spends more (or less) than usual — the median person's spend over their own baseline — moves every expectation by that factor, up to this cap either way: a team-wide busy day is discounted by the shared part only, so a personal 5× on it still reads 5×. The factor is a median over the team, which no one person moves; the cap only bounds a day with very few people on it.",
        ),
        cycleOutlierMultiplier: num(
          10,
          1.1,
          10_000,
          "Flag a user whose cycle spend exceeds this multiple of the team median of active users' cycle spend (critical above 3×).",
        ),
        cycleOutlierMinMedianUsd: num(
          10,
          0,
          USD_MAX,
          'The cycle outlier runs only when the team median cycle spend is at least this many dollars (reference: $10).',
        ),
        cycleOutlierMinUsers: int(
          5,
          2,
          100_000,
          'The cycle outlier runs only with at least this many active users (reference: 5).',
        ),
        cycleOutlierMinDays: int(
          14,
          1,
          31,
          'The cycle outlier runs from this day of the cycle on: over the first days, who happened to work which day decides the ratio.',
        ),
      },
      {
        additionalProperties: false,
        description: 'Trend layer: personal spikes against the own weekday-aware baseline, and cycle outliers.',
      },
    ),
    levelShift: Type.Object(
      {
        multiplier: num(
          3,
          1.1,
          1000,
          "A day counts as elevated when the user's spend exceeds this multiple of their own weekday baseline × the team's factor for the day (weekend days too: against the weekday habit).",
        ),
        windowDays: int(7, 2, 30, 'Recent days examined (ending on the run day); the baseline ends before them.'),
        minDays: int(
          3,
          1,
          30,
          'Flag when at least this many of the recent days are elevated: a shift of several days, not one spike.',
        ),
        minExcessUsdPerDay: num(
          15,
          0,
          USD_MAX,
          'An elevated day must also be at least this many dollars above the expectation: a light user tripling $1 is no shift.',
        ),
      },
      {
        additionalProperties: false,
        description:
          "Level shift: a person's own spend stepped up for several days against their own weekday-aware baseline.",
      },
    ),
    costPerRequest: Type.Object(
      {
        multiplier: num(
          3,
          1.1,
          1000,
          "Flag a day whose $/request exceeds this multiple of the user's own trailing $/request (critical above 3×).",
        ),
        minDailySpendUsd: num(20, 0, USD_MAX, 'Only days with at least this much spend are checked.'),
        lookbackDays: int(14, 1, 90, "Trailing days forming the user's own $/request baseline."),
        minRequests: int(
          5,
          1,
          1_000_000,
          'Only days with at least this many requests are checked (a handful of requests is too noisy).',
        ),
      },
      {
        additionalProperties: false,
        description: "Expensive-model layer: $/request against the user's own history; names the model.",
      },
    ),
    sustained: Type.Object(
      {
        multiplier: num(
          3,
          1.1,
          1000,
          "A day counts as high when the user's spend exceeds this multiple of the team's median active user-day over the window.",
        ),
        windowDays: int(7, 2, 90, 'Complete days in the window.'),
        minActiveDays: int(
          5,
          1,
          90,
          'Flag a user with at least this many high days in the window (sustained, not one burst).',
        ),
        minUsers: int(5, 2, 100_000, 'Runs only with at least this many active users in the window.'),
        teamMultiplier: num(
          1.4,
          1.05,
          100,
          "Flag the team when on each of the last teamDays complete days its spend exceeds this multiple of the same weekday's median over the (up to seven) weeks before, and the typical person's spend this multiple of their own usual (the team factor): a surge of the whole team, not one person's carrying the total.",
        ),
        teamDays: int(
          3,
          2,
          14,
          'Consecutive complete days the team must stay above teamMultiplier (a one-day surge is not sustained).',
        ),
      },
      {
        additionalProperties: false,
        description:
          'Sustained high usage: a user consistently far above the team, or the whole team far above its own norm.',
      },
    ),
    modelShift: Type.Object(
      {
        recentDays: int(3, 1, 30, "Days forming the user's current model mix."),
        baselineDays: int(14, 3, 90, "Days before the recent window forming the user's usual model mix."),
        minPriceRatio: num(
          2,
          1.1,
          1000,
          'The new primary model must cost at least this multiple of the old one per request (team-wide $/request).',
        ),
        minShare: num(0.5, 0.1, 1, "The new model must carry at least this share of the user's recent requests."),
        maxBaselineShare: num(
          0.2,
          0,
          1,
          'The new model must have carried at most this share of the baseline requests (a shift, not a habit).',
        ),
        minCostRise: num(
          1.5,
          1,
          1000,
          "The user's own $/request over the recent window must be at least this multiple of their baseline $/request (the shift costs money).",
        ),
        maxPValue: num(
          1e-5,
          0,
          1,
          "The new model's recent share must be this unlikely (binomial tail) under the user's baseline share of it: a handful of requests flips a light user's primary model by chance.",
        ),
      },
      { additionalProperties: false, description: "Model shift: a user's primary model moved to a pricier one." },
    ),
    drift: Type.Object(
      {
        weeks: int(
          4,
          3,
          12,
          'Consecutive 7-day blocks compared for $/request drift (the latest ends on the evaluated day).',
        ),
        minWeeklyGrowthPercent: num(
          10,
          1,
          1000,
          'Week-over-week growth of $/request (the trend of daily $/request, weighted by requests) that counts as drift.',
        ),
        minWeeklySpendUsd: num(
          10,
          0,
          USD_MAX,
          'The first week must have at least this much spend (growth from nothing is not drift).',
        ),
        minTStat: num(
          4,
          0,
          1000,
          "The trend must stand this many standard errors clear of zero: a light user's few requests a week wander by chance.",
        ),
        levelWeeks: int(
          8,
          5,
          12,
          "Weeks of a person's history their spend level is read from: their typical working day of the last two weeks is held against that of 3 to this many weeks ago (as far back as their history goes, at least two weeks).",
        ),
        minLevelRisePercent: num(
          60,
          1,
          10_000,
          "The last two weeks' typical working day (median active weekday, over the team's factor) must stand this much above the earlier level, and each of the two weeks alone half that; tokens must rise at half that rate or more (spend rising at flat tokens is a price change).",
        ),
        minLevelZ: num(
          2.5,
          0,
          1000,
          "The rise must stand this many standard errors clear of zero, the errors from the person's own day-to-day scatter: a noisy person's level needs a larger rise to count.",
        ),
        minLevelIncreaseUsdPerWeek: num(
          10,
          0,
          USD_MAX,
          'The typical working day must have risen by at least this many dollars a week (÷ 5 a working day): a light user doubling a few cents is no drift.',
        ),
      },
      {
        additionalProperties: false,
        description:
          "Drift: slow week-over-week growth of a user's or group's cost per request, and of a user's spend and token level.",
      },
    ),
    budgets: Type.Object(
      {
        teamCycleUsd: num(
          0,
          0,
          USD_MAX,
          'Team budget per billing cycle in dollars: the team_budget finding fires at 100% (critical at 110%) and burn rates use it. 0 = off.',
        ),
        groupCycleUsd: Type.Record(
          Type.String({ minLength: 1, maxLength: 200 }),
          Type.Number({ minimum: 0, maximum: USD_MAX }),
          {
            default: {},
            description:
              'Budget per billing cycle in dollars, keyed by billing group id (group_…). Groups without an entry have no burn-rate alerting.',
          },
        ),
        fastBurnRate: num(
          14.4,
          1,
          1000,
          'Fast burn: critical when both the 1h and the 6h burn rate exceed this (budget share consumed ÷ cycle share elapsed).',
        ),
        slowBurnRate: num(3, 1, 1000, 'Slow burn: warning when both the 1d and the 3d burn rate exceed this.'),
      },
      {
        additionalProperties: false,
        description: 'Budgets and SLO-style burn-rate alerting for the team and billing groups.',
      },
    ),
    forecast: Type.Object(
      {
        lookbackDays: int(14, 3, 90, 'Recent complete days used to estimate the daily run rate and its spread.'),
        rangeZ: num(1.28, 0, 5, 'Width of the forecast range in standard errors (1.28 ≈ an 80% interval).'),
        includedUsdPerUser: num(
          0,
          0,
          USD_MAX,
          'Included plan allowance per user per cycle in dollars, for the exhaustion date. 0 = infer it from users who already ran out.',
        ),
      },
      { additionalProperties: false, description: 'Cycle-end forecast settings.' },
    ),
    floors: Type.Object(
      {
        cap_spend_cycle: Floor(0, 0, 'the cycle spend'),
        cap_requests_day: Floor(0, 0, "the day's spend"),
        cap_tokens_day: Floor(0, 0, "the day's spend"),
        zscore: Floor(
          100,
          0,
          "the day's spend; the reference skipped days under $50, but a team's heaviest users pass 2.5σ of the team on ordinary $50–90 days",
        ),
        spend_spike: Floor(
          15,
          0,
          "the day's spend above what the user would have spent that day (under trends.spikeMinExcessUsd above it, in ordinary-day dollars: over the team's factor on a day the whole team spent more)",
        ),
        level_shift: Floor(50, 0, 'the spend above the expectation over the elevated days'),
        cycle_outlier: Floor(0, 0, 'the cycle spend'),
        cost_per_request: Floor(0, 0, "the day's spend"),
        drift: Floor(0, 0, 'the weekly increase'),
        sustained_high: Floor(0, 0, 'the window spend'),
        model_shift: Floor(0, 0, 'the recent spend'),
        plan_exhausted: Floor(0, 0, 'the spend since exhaustion'),
        users_limited: Floor(0, 0, 'none; always notifies'),
        team_budget: Floor(0, 0, 'the cycle spend'),
        budget_burn: Floor(0, 0, 'the spend in the 1h or 1d window'),
      },
      {
        additionalProperties: false,
        description: 'Per-detector notification floors; detection is kept apart from notification.',
      },
    ),
    enableInfoAnomalies: Type.Boolean({
      default: false,
      description:
        'Notify info findings (plan exhausted). They are always recorded; this only decides whether they alert.',
    }),
    autoResolveAfterRuns: int(
      3,
      1,
      1000,
      'An open incident auto-resolves after its condition has been clear for this many consecutive detection runs.',
    ),
  },
  { additionalProperties: false, description: 'Detection thresholds and notification floors.' },
);

export type DetectionSettings = Static<typeof DetectionSettings>;

export const DEFAULT_SETTINGS: DetectionSettings = deepFreeze(Value.Create(DetectionSettings));

export interface SettingsError {
  field: string; // dotted path, e.g. 'zscore.multiplier'
  message: string;
}

export type SettingsValidation = { ok: true; value: DetectionSettings } | { ok: false; errors: SettingsError[] };

/**
 * Validates a full or partial settings object merged over `base` (default: DEFAULT_SETTINGS), so a
 * PUT may carry only the fields it changes. Unknown fields are errors, not silently kept.
 */
export function validateSettings(input: unknown, base: DetectionSettings = DEFAULT_SETTINGS): SettingsValidation {
  if (!isPlainObject(input)) return { ok: false, errors: [{ field: '', message: 'settings must be a JSON object' }] };
  const merged = mergeOver(structuredClone(base), input);
  const errors = collectErrors(DetectionSettings, merged);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: merged as DetectionSettings };
}

/**
 * Maps a settings document saved by an earlier version onto today's meaning, before it is
 * validated (pure; the input is not modified). A saved document is always a whole one, so what it
 * lacks tells its age:
 * - without trends.teamFactorCap it predates the own weekday-aware baseline: a spike was the day
 *   over the trailing 7-day calendar average (days off as zeros). Values left at that version's
 *   defaults (5×, 7 days, 3 active days, a $10 floor on the day's spend) become today's defaults;
 *   a chosen multiplier is carried over as the same line against a working day (× 5/7: the
 *   calendar average of a person working five days in seven), a chosen lookback only when longer
 *   than today's (a week of history is too short to hold a habit);
 * - drift.minLevelGrowthPercent and drift.minLevelTStat (a weekly growth rate and a t of a fitted
 *   ramp) were replaced by minLevelRisePercent and minLevelZ, which measure something else: they are
 *   dropped, so the defaults apply; a levelWeeks below today's minimum is raised to it;
 * - trends.teamFactorCap left at 3, its first default (which held a team-wide release day inside a
 *   busy week at 3× and flagged ordinary people on it), becomes today's default;
 * - drift.minLevelZ left at 3, its first default (a growth still under way when the earlier weeks
 *   are measured stands ~2–2.5 standard errors clear for a light or part-time user; the rise, the
 *   weekly hold and the dollar floor still apply), becomes today's default.
 */
export function upgradeSettings(doc: unknown): unknown {
  if (!isPlainObject(doc)) return doc;
  const out = structuredClone(doc);
  const trends = out.trends;
  if (isPlainObject(trends) && !('teamFactorCap' in trends)) {
    const now = DEFAULT_SETTINGS.trends;
    const k = trends.spendSpikeMultiplier;
    if (typeof k === 'number')
      trends.spendSpikeMultiplier =
        k === 5 ? now.spendSpikeMultiplier : Math.max(1.1, Math.round(((k * 5) / 7) * 100) / 100);
    const lb = trends.spendSpikeLookbackDays;
    if (typeof lb === 'number' && lb < now.spendSpikeLookbackDays)
      trends.spendSpikeLookbackDays = now.spendSpikeLookbackDays;
    if (trends.spikeMinActiveDays === 3) trends.spikeMinActiveDays = now.spikeMinActiveDays;
    const floor = isPlainObject(out.floors) ? out.floors.spend_spike : undefined;
    if (isPlainObject(floor) && floor.minUsd === 10) floor.minUsd = DEFAULT_SETTINGS.floors.spend_spike.minUsd;
  }
  if (isPlainObject(trends) && trends.teamFactorCap === 3) trends.teamFactorCap = DEFAULT_SETTINGS.trends.teamFactorCap;
  const drift = out.drift;
  if (isPlainObject(drift)) {
    delete drift.minLevelGrowthPercent;
    delete drift.minLevelTStat;
    const minWeeks = (DetectionSettings.properties.drift.properties.levelWeeks as { minimum: number }).minimum;
    if (typeof drift.levelWeeks === 'number' && drift.levelWeeks < minWeeks) drift.levelWeeks = minWeeks;
    if (drift.minLevelZ === 3) drift.minLevelZ = DEFAULT_SETTINGS.drift.minLevelZ;
  }
  return out;
}

function collectErrors(schema: TSchema, value: unknown): SettingsError[] {
  const seen = new Set<string>();
  const out: SettingsError[] = [];
  for (const e of Value.Errors(schema, value)) {
    const field = e.path.replace(/^\//, '').split('/').join('.');
    // Union/record failures repeat one field; report it once with the most specific message.
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: describe(e.schema, e.message) });
  }
  return out;
}

function describe(schema: TSchema, fallback: string): string {
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number')
    return `must be a ${schema.type === 'integer' ? 'whole number' : 'number'} from ${schema.minimum} to ${schema.maximum}`;
  return fallback;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; records of budgets are replaced whole so a group can be removed. */
function mergeOver(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(patch)) {
    const cur = base[k];
    base[k] = isPlainObject(cur) && isPlainObject(v) && k !== 'groupCycleUsd' ? mergeOver(cur, v) : v;
  }
  return base;
}

function deepFreeze<T>(v: T): T {
  if (isPlainObject(v)) for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}
