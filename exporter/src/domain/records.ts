/**
 * Normalised records: what the Cursor client returns after validating a response and what the
 * store persists. Every upstream shape variant (legacy vs D26 spend, numeric vs string ids,
 * string timestamps) is resolved in cursor/normalize, so nothing downstream sees raw API JSON.
 * Money fields are integer micro-cents (see money.ts).
 */

export interface Member {
  email: string; // lower-cased; the join key across every endpoint
  userId: string | null; // 'user_…' or a numeric id as a string
  name: string;
  role: string; // open string: owner, member, free-owner, admin, …
  isRemoved: boolean;
}

export interface BillingCycle {
  startMs: number;
  endMs: number;
}

export interface SpendRow {
  email: string;
  userId: string | null;
  name: string;
  role: string;
  totalMicro: number; // included + on-demand (D26 overallSpendCents, legacy spendCents)
  onDemandMicro: number; // D26 spendCents, legacy spendCents − includedSpendCents
  includedMicro: number;
  fastPremiumRequests: number;
  monthlyLimitDollars: number | null;
  hardLimitOverrideDollars: number; // 0 = no override
  effectiveLimitDollars: number | null;
}

export interface SpendSnapshot {
  cycleStartMs: number;
  rows: SpendRow[];
  limitedUsersCount: number | null; // only some API versions send it
}

export interface DailyUsageRow {
  day: string; // YYYY-MM-DD (UTC)
  email: string;
  userId: string | null;
  isActive: boolean;
  linesAdded: number;
  linesDeleted: number;
  acceptedLinesAdded: number;
  acceptedLinesDeleted: number;
  applies: number;
  accepts: number;
  rejects: number;
  tabsShown: number;
  tabsAccepted: number;
  composerRequests: number;
  chatRequests: number;
  agentRequests: number;
  cmdkUsages: number;
  subscriptionIncludedReqs: number;
  apiKeyReqs: number;
  usageBasedReqs: number;
  bugbotUsages: number;
  mostUsedModel: string | null;
  applyMostUsedExtension: string | null;
  tabMostUsedExtension: string | null;
  clientVersion: string | null;
}

export interface UsageEvent {
  timestampMs: number;
  email: string;
  model: string;
  kind: string; // free text: 'Usage-based', 'Included in Business', 'Errored, Not Charged', …
  maxMode: boolean;
  requestsCosts: number; // request units, fractional
  isTokenBasedCall: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  tokenMicro: number; // tokenUsage.totalCents (model cost)
  chargedMicro: number; // chargedCents (amount billed); falls back to tokenMicro when absent
  cursorFeeMicro: number;
  isChargeable: boolean;
  isHeadless: boolean;
  conversationId: string | null;
}

export interface GroupMember {
  userId: string | null;
  email: string;
  name: string;
  joinedAtMs: number | null;
  leftAtMs: number | null;
  spendMicro: number;
}

export interface BillingGroup {
  id: string; // 'group_…'; the reserved 'group_unassigned' too
  name: string; // may follow 'Parent > Team'
  type: string;
  directoryGroupId: string | null;
  memberCount: number;
  spendMicro: number;
  currentMembers: GroupMember[];
  formerMembers: GroupMember[];
  dailySpend: { day: string; spendMicro: number }[];
}

export interface GroupsSnapshot {
  groups: BillingGroup[]; // includes the unassigned group, last
  cycle: BillingCycle | null;
}

/** Analytics team endpoints, flattened: one row per (endpoint, day, key) with numeric fields. */
export type AnalyticsEndpoint =
  'dau' | 'models' | 'agent-edits' | 'tabs' | 'mcp' | 'top-file-extensions' | 'client-versions' | 'commands' | 'plans';

export const ANALYTICS_ENDPOINTS: readonly AnalyticsEndpoint[] = [
  'dau',
  'models',
  'agent-edits',
  'tabs',
  'mcp',
  'top-file-extensions',
  'client-versions',
  'commands',
  'plans',
];

export interface AnalyticsRow {
  endpoint: AnalyticsEndpoint;
  day: string;
  /** The row's identity within the day: '' for dau/agent-edits/tabs, the model, 'server/tool', extension, version, command. */
  key: string;
  values: Record<string, number>;
}
