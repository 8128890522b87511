/**
 * The JSON the simulator emits, in the newest documented (D26) shapes of cursor-api.md. Defined
 * here from the doc, independently of the client's schemas, so each side checks the other.
 */

export interface RawMember {
  id: string;
  name: string;
  email: string;
  role: string;
  isRemoved: boolean;
}

export interface RawTokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  totalCents: number;
}

export interface RawUsageEvent {
  timestamp: string; // epoch ms as a string
  userEmail: string;
  model: string;
  kind: string;
  maxMode: boolean;
  requestsCosts: number;
  isTokenBasedCall: boolean;
  tokenUsage?: RawTokenUsage;
  isChargeable: boolean;
  isHeadless: boolean;
  chargedCents: number;
  cursorTokenFee?: number;
  conversationId?: string;
}

export interface RawDailyUsageRow {
  userId: number;
  day: string;
  date: number;
  email: string;
  isActive: boolean;
  totalLinesAdded: number;
  totalLinesDeleted: number;
  acceptedLinesAdded: number;
  acceptedLinesDeleted: number;
  totalApplies: number;
  totalAccepts: number;
  totalRejects: number;
  totalTabsShown: number;
  totalTabsAccepted: number;
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

export interface RawSpendRow {
  userId: string;
  name: string;
  email: string;
  role: string;
  spendCents: number; // on-demand only (D26)
  overallSpendCents: number; // included + on-demand
  fastPremiumRequests: number;
  hardLimitOverrideDollars: number;
  monthlyLimitDollars: number | null;
  effectivePerUserLimitDollars: number | null;
}

export interface RawGroupMember {
  userId: string;
  name: string;
  email: string;
  joinedAt: string;
  leftAt: string | null;
  spendCents: number;
}

export interface RawGroup {
  id: string;
  name: string;
  type: 'BILLING';
  directoryGroupId: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  spendCents: number;
  currentMembers: RawGroupMember[];
  formerMembers: RawGroupMember[];
  dailySpend: { date: string; spendCents: number }[];
}

/** Micro-cents → the fractional cents Cursor sends (six decimals at most). */
export function microToCents(micro: number): number {
  return Math.round(micro) / 1e6;
}
