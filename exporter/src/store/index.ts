import { checkpointInBackground, type Checkpointer } from './checkpointer';
import { openDb, storageFailure, type Db, type OpenDbOptions, type StoreOpenError } from './db';
import { migrations } from './migrations';
import { AnalyticsRepo } from './analytics';
import { EtagsRepo } from './etags';
import { CyclesRepo } from './cycle';
import { DailyUsageRepo } from './daily-usage';
import { DetectionFactsRepo } from './detection-facts';
import { UsageTotalsRepo } from './usage-totals';
import { DayPacks } from './day-packs';
import { USAGE_PACKS } from './usage-day-packs';
import { ACTIVITY_PACKS } from './activity-day-packs';
import { GroupsRepo } from './groups';
import { MembersRepo } from './members';
import { MetaRepo } from './meta';
import { RunsRepo } from './runs';
import { SpendRepo } from './spend';
import { UsageEventsRepo } from './usage-events';
import { WatermarksRepo } from './watermarks';
import { FindingsRepo } from './findings';
import { IncidentsRepo } from './incidents';
import { SettingsRepo } from './settings';
import { CycleUsageRepo } from './cycle-usage';
import { NotificationsRepo } from './notifications';
import { TeamGroupsRepo } from './team-groups';

/**
 * The store: one SQLite file and the repositories over it, each named for what it holds. Only
 * store/, the read model (queries/) and the composition root see the Db handle; every other folder
 * receives the repositories it needs (or a narrow Pick of them), never SQL.
 */
export class Store {
  static open(file: string, opts?: OpenDbOptions): Store {
    return new Store(openDb(file, migrations, opts));
  }

  // Repositories: one field each, assigned in the constructor (field initializers would run before `db` is set).

  readonly meta: MetaRepo;
  readonly members: MembersRepo;
  readonly usageEvents: UsageEventsRepo;
  readonly dailyUsage: DailyUsageRepo;
  readonly spend: SpendRepo;
  readonly groups: GroupsRepo;
  readonly analytics: AnalyticsRepo;
  readonly etags: EtagsRepo;
  readonly runs: RunsRepo;
  readonly watermarks: WatermarksRepo;
  readonly cycles: CyclesRepo;
  readonly findings: FindingsRepo;
  readonly incidents: IncidentsRepo;
  readonly settings: SettingsRepo;
  readonly cycleUsage: CycleUsageRepo;
  readonly notifications: NotificationsRepo;
  readonly teamGroups: TeamGroupsRepo;
  readonly detectionFacts: DetectionFactsRepo;
  readonly usageTotals: UsageTotalsRepo;
  /** usage_daily and daily_usage as day packs (day-packs.ts): made after the writes, read by detection and the API. */
  readonly usageDayPacks: DayPacks;
  readonly activityDayPacks: DayPacks;

  constructor(readonly db: Db) {
    this.meta = new MetaRepo(db);
    this.members = new MembersRepo(db);
    this.usageEvents = new UsageEventsRepo(db);
    this.dailyUsage = new DailyUsageRepo(db);
    this.spend = new SpendRepo(db);
    this.groups = new GroupsRepo(db);
    this.analytics = new AnalyticsRepo(db);
    this.etags = new EtagsRepo(db);
    this.runs = new RunsRepo(db);
    this.watermarks = new WatermarksRepo(db);
    this.cycles = new CyclesRepo(db);
    this.findings = new FindingsRepo(db);
    this.incidents = new IncidentsRepo(db);
    this.settings = new SettingsRepo(db);
    this.cycleUsage = new CycleUsageRepo(db);
    this.notifications = new NotificationsRepo(db);
    this.teamGroups = new TeamGroupsRepo(db);
    this.detectionFacts = new DetectionFactsRepo(db);
    this.usageTotals = new UsageTotalsRepo(db);
    this.usageDayPacks = new DayPacks(db, USAGE_PACKS);
    this.activityDayPacks = new DayPacks(db, ACTIVITY_PACKS);
  }

  /** fn in one write transaction, the lock taken at BEGIN (IMMEDIATE): another process may write too. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** A write that failed because of the file (full disk, read-only, corrupt) as an error naming its path; else undefined. */
  storageFailure(err: unknown): StoreOpenError | undefined {
    return storageFailure(this.db, err);
  }

  private checkpointer: Checkpointer | null = null;

  /**
   * WAL checkpoints from here on run on a thread of their own (checkpointer.ts), not inside this
   * connection's commits: for the processes that write much (serve, collect, backfill).
   */
  checkpointInBackground(): void {
    this.checkpointer ??= checkpointInBackground(this.db);
  }

  close(): void {
    void this.checkpointer?.stop();
    this.db.close();
  }
}
