import { deliverDigests, type DigestDelivery } from './notify/deliver-digests';
import type { DetectionSettings } from './detect/settings';
import { detectFrom } from './detect/run';
import type { DetectionResult } from './detect/types';
import { pollSilences, type SilencePollResult } from './incidents/alertmanager';
import { reconcile } from './incidents/reconcile';
import type { PostOptions } from './notify/slack';
import { loadSettings } from './settings/detection-settings';
import type { Store } from './store';

/** A detection pass: in process (detectFrom over the store) or in a worker (detect-in-worker.ts). */
export type DetectFn = (settings: DetectionSettings, nowMs: number) => DetectionResult | Promise<DetectionResult>;

/**
 * Findings of detection runs that started more than this long before the current run are pruned:
 * every run records every finding (notifying or not) and runs hourly, so without a bound the table
 * grows by thousands of rows an hour on a large team. Incidents and their events are kept.
 */
export const FINDINGS_RETENTION_MS = 30 * 86_400_000;

export interface DetectionCycleOptions {
  /** The instant detection runs for (Date.now() in service; a past instant in tests and replays). */
  nowMs: number;
  /** Overrides the stored settings (backtests, what-if runs); default: the saved settings. */
  settings?: DetectionSettings;
  /** The detection pass; default: detectFrom over the store, in process (the composition root may pass a worker's). */
  detect?: DetectFn;
  notify?: {
    /** SLACK_WEBHOOK_URL: plan-exhaustion and cycle-summary digests. Anomaly alerts go through Alertmanager. */
    slackWebhookUrl?: string;
    dashboardUrl?: string;
    /** ALERTMANAGER_URL: silences that cover an open incident acknowledge it. */
    alertmanagerUrl?: string;
    post?: PostOptions;
  };
  /** Wall clock for the run's own start/end stamps. */
  clock?: () => number;
}

export interface DetectionCycleResult {
  runId: number;
  findings: number;
  notifiable: number;
  opened: number[];
  escalated: number[];
  resolved: number[];
  openIncidents: number;
  /** null when ALERTMANAGER_URL is not set. */
  silences: SilencePollResult | { error: string } | null;
  digests: DigestDelivery;
  durationMs: number;
}

/** The detection pass, or a failed run recorded (its message only) and the error rethrown. */
async function detectOrRecordFailure(
  store: Store,
  detect: DetectFn,
  settings: DetectionSettings,
  nowMs: number,
  runId: number,
  clock: () => number,
): Promise<DetectionResult> {
  try {
    return await detect(settings, nowMs);
  } catch (err) {
    store.findings.failRun(runId, clock(), (err as Error).message ?? String(err));
    throw err;
  }
}

/**
 * Reconciles the open incidents with the run's findings and records the run: incidents, findings,
 * signals and outputs, the run's counts. The caller holds the write transaction.
 */
function recordRun(
  store: Store,
  runId: number,
  result: DetectionResult,
  settings: DetectionSettings,
  nowMs: number,
  startedMs: number,
  clock: () => number,
) {
  const { findings, incidents } = store;
  const changes = reconcile(
    incidents.listOpen(),
    result.findings,
    { autoResolveRuns: settings.autoResolveAfterRuns },
    nowMs,
  );
  const a = incidents.applyChanges(changes, runId);
  findings.save(runId, result.findings, a.incidentByKey);
  findings.prune(startedMs - FINDINGS_RETENTION_MS);
  findings.replaceSignals(runId, result.signals);
  findings.saveOutputs(runId, result, nowMs);
  const counts = {
    findings: result.findings.length,
    notifiable: result.findings.filter((f) => f.notify).length,
    opened: a.opened.length,
    escalated: a.escalated.length,
    resolved: a.resolved.length,
    openAfter: incidents.countOpen(),
  };
  findings.finishRun(runId, clock(), counts);
  return { ...a, counts };
}

/** Acknowledgements from Alertmanager's silences; null without ALERTMANAGER_URL, the error when it fails. */
async function acknowledgeFromSilences(
  store: Store,
  alertmanagerUrl: string | undefined,
  nowMs: number,
): Promise<DetectionCycleResult['silences']> {
  if (!alertmanagerUrl) return null;
  try {
    return await pollSilences(store, alertmanagerUrl, nowMs);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * Packs every day that has no pack (store/day-packs.ts), of usage and of activity: the days collected
 * after each collection, every day after a backfill or an upgrade; then every week that is over and
 * has all its days packed (schema/019). Detection and the JSON API's window figures read the packs, a
 * day without one from its rows. Before each pass (a worker's read-only
 * connection then finds them) and once at start; a day per transaction with a turn of the event loop
 * between (and a week), so scrapes and queries are not held behind a long run of days; stops between
 * days once `signal` aborts. Returns the days packed.
 */
export async function packDays(store: Store, signal?: AbortSignal): Promise<number> {
  let packed = 0;
  for (const packs of [store.usageDayPacks, store.activityDayPacks]) {
    const days = packs.unpacked('0000-01-01', '9999-12-31');
    const pack = days.length > 0 ? packs.packer() : () => 0;
    for (const day of days) {
      if (signal?.aborted) return packed;
      pack(day);
      packed++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Then the weeks over whose days are all packed now (once after a backfill; then one a week).
    for (const week of packs.unpackedWeeks()) {
      if (signal?.aborted) return packed;
      packs.packWeek(week);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return packed;
}

/**
 * One detection cycle, the after-collect step and the body of `cursor-usage-exporter detect`:
 * settings → detection → reconcile incidents and persist findings, signals and forecasts (one
 * transaction) → acknowledge from Alertmanager silences → Slack digests. A failing detection pass is
 * recorded as a failed run and rethrown; Alertmanager and Slack failures are reported, not thrown,
 * because the incidents are already safely stored.
 */
export async function runDetectionCycle(store: Store, opts: DetectionCycleOptions): Promise<DetectionCycleResult> {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const { nowMs, notify } = opts;
  const settings = opts.settings ?? loadSettings(store);
  const runId = store.findings.startRun(nowMs, started);

  const detect = opts.detect ?? ((s, n) => detectFrom(store.detectionFacts, s, n));
  const result = await detectOrRecordFailure(
    store,
    async (s, n) => {
      await packDays(store);
      return detect(s, n);
    },
    settings,
    nowMs,
    runId,
    clock,
  );
  // Take the write lock before reading open incidents: another process may run detect too.
  const applied = store.transaction(() => recordRun(store, runId, result, settings, nowMs, started, clock));
  const silences = await acknowledgeFromSilences(store, notify?.alertmanagerUrl, nowMs);
  const digests = await deliverDigests(store, {
    nowMs,
    webhookUrl: notify?.slackWebhookUrl,
    dashboardUrl: notify?.dashboardUrl,
    post: notify?.post,
  });

  return {
    runId,
    findings: applied.counts.findings,
    notifiable: applied.counts.notifiable,
    opened: applied.opened,
    escalated: applied.escalated,
    resolved: applied.resolved,
    openIncidents: applied.counts.openAfter,
    silences,
    digests,
    durationMs: clock() - started,
  };
}
