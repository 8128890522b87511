/**
 * Schema migrations, versioned in code and applied in order inside one transaction each;
 * PRAGMA user_version records the last applied version. Append new migrations, never edit old ones.
 *
 * Units: money is INTEGER micro-cents (*_micro), instants are INTEGER epoch ms (*_ms), days are
 * TEXT 'YYYY-MM-DD' in UTC.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// One file per migration in schema/, listed here in order (version 2 was never used; gaps are harmless:
// a database records the highest version applied).
import { foundation } from './schema/001-foundation';
import { apiRollups } from './schema/003-api-rollups';
import { runWaits } from './schema/004-run-waits';
import { detection } from './schema/005-detection';
import { apiActivityIndex } from './schema/006-api-activity-index';
import { apiMemberIndexes } from './schema/007-api-member-indexes';
import { rollupsFromIngest } from './schema/008-rollups-from-ingest';
import { dropUsageDailyEmail } from './schema/009-drop-usage-daily-email';
import { usageDailyOverageIndex } from './schema/010-usage-daily-overage-index';
import { usageGroupDaily } from './schema/011-usage-group-daily';
import { dailyUsageActiveIndex } from './schema/012-daily-usage-active-index';
import { asOfTotals } from './schema/013-as-of-totals';
import { dailyUsageAsOf } from './schema/014-daily-usage-as-of';
import { sparseAsOf } from './schema/015-sparse-as-of';
import { usageDayPacks } from './schema/016-usage-day-packs';
import { usageWindowFromPacks } from './schema/017-usage-window-from-packs';
import { activityDayPacks } from './schema/018-activity-day-packs';
import { weekPacks } from './schema/019-week-packs';
import { packSeq } from './schema/020-pack-seq';
import { directorySeq } from './schema/021-directory-seq';
import { usageEventNames } from './schema/022-usage-event-names';

export const migrations: Migration[] = [
  foundation,
  apiRollups,
  runWaits,
  detection,
  apiActivityIndex,
  apiMemberIndexes,
  rollupsFromIngest,
  dropUsageDailyEmail,
  usageDailyOverageIndex,
  usageGroupDaily,
  dailyUsageActiveIndex,
  asOfTotals,
  dailyUsageAsOf,
  sparseAsOf,
  usageDayPacks,
  usageWindowFromPacks,
  activityDayPacks,
  weekPacks,
  packSeq,
  directorySeq,
  usageEventNames,
];
