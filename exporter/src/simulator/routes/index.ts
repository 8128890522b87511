import { analyticsRoute } from './analytics';
import { dailyUsageRoute } from './daily-usage';
import { groupsRoute } from './groups';
import { membersRoute } from './members';
import { spendRoute } from './spend';
import { usageEventsRoute } from './usage-events';
import type { SimRoute } from './route';

/** Every simulated Cursor endpoint, one file each: adding an endpoint to the simulator is one line here. */
export const SIM_ROUTES: readonly SimRoute[] = [
  membersRoute,
  spendRoute,
  dailyUsageRoute,
  usageEventsRoute,
  groupsRoute,
  analyticsRoute,
];
