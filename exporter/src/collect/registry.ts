import { analyticsSteps } from './collectors/analytics';
import { dailyUsageStep } from './collectors/daily-usage';
import { groupsStep } from './collectors/groups';
import { membersStep } from './collectors/members';
import { spendStep } from './collectors/spend';
import { usageEventsStep } from './collectors/usage-events';
import type { CollectStep } from './context';

/**
 * Every collector, in run order: the team first, so later collectors can join on members. One
 * line per collector (one file each in collectors/); the runner, the run records, the health
 * metrics' collector labels and the collection-calls bench all follow this list.
 */
export const COLLECTORS: readonly CollectStep[] = [
  membersStep,
  spendStep,
  groupsStep,
  dailyUsageStep,
  usageEventsStep,
  ...analyticsSteps,
];
