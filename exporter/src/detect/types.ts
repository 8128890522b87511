/**
 * Detection contract: what runDetection returns and what incidents, metrics and the JSON API consume.
 * Findings are about DATA days (UTC 'YYYY-MM-DD'); money inside findings is in US dollars because a
 * finding is a human-facing record (value/baseline/threshold print as-is), while forecasts, burn
 * rates and savings keep integer micro-cents like the store (suffix `Micro`).
 */

export type DetectorId =
  | 'cap_spend_cycle'
  | 'cap_requests_day'
  | 'cap_tokens_day'
  | 'zscore'
  | 'spend_spike'
  | 'level_shift'
  | 'cycle_outlier'
  | 'cost_per_request'
  | 'drift'
  | 'sustained_high'
  | 'model_shift'
  | 'plan_exhausted'
  | 'users_limited'
  | 'team_budget'
  | 'budget_burn';

export const DETECTOR_IDS: readonly DetectorId[] = [
  'cap_spend_cycle',
  'cap_requests_day',
  'cap_tokens_day',
  'zscore',
  'spend_spike',
  'level_shift',
  'cycle_outlier',
  'cost_per_request',
  'drift',
  'sustained_high',
  'model_shift',
  'plan_exhausted',
  'users_limited',
  'team_budget',
  'budget_burn',
];

export type Severity = 'info' | 'warning' | 'critical';
export type SubjectKind = 'user' | 'group' | 'team';
export type FindingUnit = 'usd' | 'ratio' | 'sigma' | 'requests' | 'tokens' | 'usd_per_request' | 'users';

export interface Finding {
  detector: DetectorId;
  severity: Severity;
  subject: SubjectKind;
  email: string | null;
  groupId: string | null;
  groupName: string | null;
  models: string[]; // models that drove the finding, most expensive first ([] when not model-specific)
  day: string; // the data day the finding is about
  value: number;
  baseline: number | null;
  threshold: number;
  unit: FindingUnit;
  /** false = below the notification floors ($ and %): recorded and visible, but raises no alert. */
  notify: boolean;
  /** When the condition first became true IN THE DATA (epoch ms), so MTTD measures data → alert lag. */
  onsetMs: number;
  message: string; // "Alice: daily spend spiked to $214 (4.2× her 7-day avg of $51)"
  /** Dedup key: detector + subject (+ model where relevant), never a date. Unique within one result. */
  key: string;
}

/**
 * A detector's current reading for one subject, including ones that did not fire, so dashboards can
 * show how close a subject is to its threshold. Emitted only for subjects at ≥ 50% of the threshold
 * (bounded cardinality on large teams).
 */
export interface Signal {
  detector: DetectorId;
  email: string | null;
  groupId: string | null;
  value: number; // same unit as the matching Finding
  threshold: number;
}

/** Cycle-end spend forecast for one subject. Money in micro-cents. */
export interface Forecast {
  subject: SubjectKind;
  email: string | null;
  groupId: string | null;
  groupName: string | null;
  cycleStartDay: string; // first day of the cycle
  cycleEndDay: string; // last day of the cycle (inclusive)
  asOfDay: string; // last complete data day the forecast uses
  daysElapsed: number; // complete days of the cycle observed (1…daysTotal)
  daysTotal: number;
  toDateMicro: number; // spend from cycleStartDay through asOfDay
  forecastMicro: number; // point forecast of the cycle total
  lowMicro: number; // lower bound of the range (≥ toDateMicro)
  highMicro: number; // upper bound of the range
  dailyRateMicro: number; // projected spend per remaining day (point)
  /** Users only: the included-plan allowance used (null when unknown, and for groups/team). */
  includedMicro: number | null;
  /** Users only: day the included plan ran out (observed) or will run out (projected); null if not within the cycle. */
  exhaustionDay: string | null;
  exhausted: boolean; // true when exhaustionDay was observed, not projected
}

export type BurnWindow = '1h' | '6h' | '1d' | '3d';
export const BURN_WINDOWS: readonly BurnWindow[] = ['1h', '6h', '1d', '3d'];

export interface BurnWindowRate {
  window: BurnWindow;
  spendMicro: number; // spend inside the window ending at `now`
  /** (spend in window ÷ budget) ÷ (window length ÷ cycle length); 1 = exactly on budget pace. */
  rate: number;
}

/** SLO-style budget burn rate for a group or the team (only subjects with a budget > 0). */
export interface BurnRate {
  subject: 'group' | 'team';
  groupId: string | null;
  groupName: string | null;
  budgetMicro: number;
  cycleToDateMicro: number;
  budgetUsedRatio: number; // cycleToDate ÷ budget
  cycleElapsedRatio: number; // share of the cycle elapsed at `now`
  windows: BurnWindowRate[]; // one per BURN_WINDOWS entry, in that order
  fastBurn: boolean; // 1h and 6h both above settings.budgets.fastBurnRate
  slowBurn: boolean; // 1d and 3d both above settings.budgets.slowBurnRate
}

export interface UserSavings {
  email: string;
  groupId: string | null;
  requests: number; // billable request units this cycle
  spendMicro: number;
  costPerRequestMicro: number;
  models: string[]; // the user's models by spend, most expensive first
  savingsMicro: number; // spend − requests × team median $/request
}

/**
 * Model-switch savings for the current cycle: "if users whose $/request is above the team p90 paid the
 * team median $/request for the same requests, the cycle would cost $X less".
 */
export interface Savings {
  cycleStartDay: string | null;
  teamMedianPerRequestMicro: number;
  teamP90PerRequestMicro: number;
  totalMicro: number;
  users: UserSavings[]; // users above p90, largest saving first
}

export interface DetectionResult {
  findings: Finding[];
  signals: Signal[];
  forecasts: Forecast[];
  burn: BurnRate[];
  savings: Savings;
}
