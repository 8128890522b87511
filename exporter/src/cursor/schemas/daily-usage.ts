/** POST /teams/daily-usage-data → one row per user per day (cursor-api.md §2.2). */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DayString, EpochMs, Id, Opt, OptBool, OptNum, OptStr } from './common';

export const RawDailyUsageRowSchema = Type.Object({
  userId: Opt(Id), // a number in D26 docs, a string in other clients
  day: Opt(DayString), // newer: 'YYYY-MM-DD'
  date: Opt(EpochMs), // day start in epoch ms; the only day field in older shapes
  email: Type.String(),
  isActive: OptBool,
  totalLinesAdded: OptNum,
  totalLinesDeleted: OptNum,
  acceptedLinesAdded: OptNum,
  acceptedLinesDeleted: OptNum,
  totalApplies: OptNum,
  totalAccepts: OptNum,
  totalRejects: OptNum,
  totalTabsShown: OptNum,
  totalTabsAccepted: OptNum,
  composerRequests: OptNum,
  chatRequests: OptNum,
  agentRequests: OptNum,
  cmdkUsages: OptNum,
  subscriptionIncludedReqs: OptNum,
  apiKeyReqs: OptNum,
  usageBasedReqs: OptNum,
  bugbotUsages: OptNum,
  mostUsedModel: OptStr,
  applyMostUsedExtension: OptStr,
  tabMostUsedExtension: OptStr,
  clientVersion: OptStr,
});

export const RawPagePaginationSchema = Type.Object({
  page: OptNum,
  pageSize: OptNum,
  totalUsers: OptNum,
  totalPages: OptNum,
  hasNextPage: OptBool,
  hasPreviousPage: OptBool,
});

export const RawPeriodSchema = Type.Object({ startDate: Opt(EpochMs), endDate: Opt(EpochMs) });

export const RawDailyUsageResponseSchema = Type.Object({
  data: Type.Array(RawDailyUsageRowSchema),
  period: Opt(RawPeriodSchema),
  /** Present only when the request carried page + pageSize (which the client always sends). */
  pagination: Opt(RawPagePaginationSchema),
});

export type RawDailyUsageRow = Static<typeof RawDailyUsageRowSchema>;

export const DailyUsageResponseCheck = TypeCompiler.Compile(RawDailyUsageResponseSchema);
