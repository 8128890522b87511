/** POST /teams/filtered-usage-events → per-request cost events (cursor-api.md §2.3). */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EpochMs, Id, Opt, OptBool, OptNum, OptStr } from './common';
import { RawPeriodSchema } from './daily-usage';

export const RawTokenUsageSchema = Type.Object({
  inputTokens: OptNum,
  outputTokens: OptNum,
  cacheWriteTokens: OptNum,
  cacheReadTokens: OptNum,
  totalCents: OptNum, // model cost, fractional cents
  discountPercentOff: OptNum,
});

export const RawUsageEventSchema = Type.Object({
  timestamp: EpochMs, // a string of epoch ms upstream
  userEmail: OptStr,
  model: OptStr,
  kind: OptStr, // free text: 'Usage-based', 'Included in Business', 'Errored, Not Charged', …
  maxMode: OptBool,
  requestsCosts: OptNum,
  isTokenBasedCall: OptBool,
  tokenUsage: Opt(RawTokenUsageSchema), // only when isTokenBasedCall
  isChargeable: OptBool,
  isHeadless: OptBool,
  chargedCents: OptNum, // amount billed (D26); absent in older shapes
  cursorTokenFee: OptNum,
  conversationId: OptStr,
  serviceAccountId: Opt(Id),
  serviceAccountName: OptStr,
  cloudAgentId: OptStr,
  automationId: OptStr,
  isFreeBugbot: OptBool,
});

/** This endpoint's own pagination dialect: numPages/currentPage instead of totalPages/page. */
export const RawEventsPaginationSchema = Type.Object({
  numPages: OptNum,
  currentPage: OptNum,
  pageSize: OptNum,
  hasNextPage: OptBool,
  hasPreviousPage: OptBool,
});

export const RawUsageEventsResponseSchema = Type.Object({
  totalUsageEventsCount: OptNum,
  pagination: Opt(RawEventsPaginationSchema),
  usageEvents: Type.Array(RawUsageEventSchema),
  period: Opt(RawPeriodSchema),
});

export type RawUsageEvent = Static<typeof RawUsageEventSchema>;

export const UsageEventsResponseCheck = TypeCompiler.Compile(RawUsageEventsResponseSchema);
