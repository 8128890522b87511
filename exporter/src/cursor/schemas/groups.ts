/** GET /teams/groups → billing groups of one cycle (cursor-api.md §2.7). */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DayString, Id, Opt, OptNum, OptStr } from './common';

export const RawDailySpendSchema = Type.Object({
  date: DayString,
  spendCents: OptNum,
});

export const RawGroupMemberSchema = Type.Object({
  userId: Opt(Id),
  name: OptStr,
  email: Type.String(),
  joinedAt: OptStr, // ISO-8601
  leftAt: OptStr, // ISO-8601 or null
  spendCents: OptNum,
  dailySpend: Opt(Type.Array(RawDailySpendSchema)),
});

export const RawBillingGroupSchema = Type.Object({
  id: Id, // 'group_…'; the reserved one is 'group_unassigned'
  name: OptStr,
  type: OptStr, // 'BILLING'
  directoryGroupId: OptStr,
  memberCount: OptNum,
  createdAt: OptStr,
  updatedAt: OptStr,
  spendCents: OptNum,
  currentMembers: Opt(Type.Array(RawGroupMemberSchema)),
  formerMembers: Opt(Type.Array(RawGroupMemberSchema)),
  dailySpend: Opt(Type.Array(RawDailySpendSchema)),
});

export const RawBillingCycleSchema = Type.Object({
  cycleStart: Type.String(), // ISO-8601
  cycleEnd: Type.String(),
});

export const RawGroupsResponseSchema = Type.Object({
  groups: Type.Array(RawBillingGroupSchema),
  unassignedGroup: Opt(RawBillingGroupSchema),
  billingCycle: Opt(RawBillingCycleSchema),
});

export type RawGroupMember = Static<typeof RawGroupMemberSchema>;
export type RawBillingGroup = Static<typeof RawBillingGroupSchema>;

export const GroupsResponseCheck = TypeCompiler.Compile(RawGroupsResponseSchema);
