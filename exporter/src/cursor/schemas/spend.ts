/** POST /teams/spend → per-member spend of the current billing cycle (cursor-api.md §2.4). */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EpochMs, Id, Opt, OptNum, OptStr } from './common';

export const RawSpendRowSchema = Type.Object({
  userId: Opt(Id),
  email: Type.String(),
  name: OptStr,
  role: OptStr,
  /** D26: on-demand only. Legacy (no overallSpendCents): the cycle total. Fractional cents. */
  spendCents: OptNum,
  /** D26 only: included + on-demand. Its presence selects the D26 meaning of spendCents. */
  overallSpendCents: OptNum,
  /** Legacy only: the part of spendCents covered by the plan. */
  includedSpendCents: OptNum,
  fastPremiumRequests: OptNum,
  hardLimitOverrideDollars: OptNum, // 0 = no override
  monthlyLimitDollars: OptNum, // null = no limit
  effectivePerUserLimitDollars: OptNum,
});

export const RawSpendResponseSchema = Type.Object({
  teamMemberSpend: Type.Array(RawSpendRowSchema),
  subscriptionCycleStart: EpochMs,
  totalMembers: OptNum,
  totalPages: OptNum,
  limitedUsersCount: OptNum, // only some API versions
  maxUserSpendCents: OptNum,
});

export type RawSpendRow = Static<typeof RawSpendRowSchema>;

export const SpendResponseCheck = TypeCompiler.Compile(RawSpendResponseSchema);
