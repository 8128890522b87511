import { deliverDigests, type DigestDelivery } from './digests/deliver';
import type { DetectionSettings } from './detect/settings';
import { runDetection } from './detect/run';
import type { DetectionResult } from './detect/types';
import { pollSilences, type SilencePollResult } from './incidents/alertmanager';
import {
  failDetectionRun,
  FINDINGS_RETENTION_MS,
  finishDetectionRun,
  pruneFindings,
  replaceSignals,
  saveFindings,
  saveOutputs,
  startDetectionRun,
} from './incidents/findings-repo';
import { reconcile } from './incidents/reconcile';
import { applyChanges, loadOpenIncidents } from './incidents/repo';
import type { PostOptions } from './notify/slack';
import { loadSettings } from './settings/store';
import type { Db } from './store/db';

export type DetectFn = (db: Db, settings: DetectionSettings, nowMs: number) => DetectionResult;

export interface DetectionCycleOptions {
  /** The instant detection runs for (Date.now() in service; a past instant in tests and replays). */
  nowMs: number;
  /** Overrides the stored settings (backtests, what-if runs); default: the saved settings. */
  settings?: DetectionSettings;
  /** The detection pass; default: the detect module's runDetection over the store. */
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

/**
 * One detection cycle, the after-collect hook and the body of `cursor-usage-exporter detect`:
 * settings → detection → persist findings, signals and forecasts → reconcile incidents (one
 * transaction) → acknowledge from Alertmanager silences → Slack digests. A failing detection pass is
 * recorded as a failed run and rethrown; Alertmanager and Slack failures are reported, not thrown,
 * because the incidents are already safely stored.
 */
export async function runDetectionCycle(db: Db, opts: DetectionCycleOptions): Promise<DetectionCycleResult> {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const { nowMs } = opts;
  const settings = opts.settings ?? loadSettings(db);
  const detect = opts.detect ?? runDetection;
  const runId = startDetectionRun(db, nowMs, started);

  let result: DetectionResult;
  try {
    result = detect(db, settings, nowMs);
  } catch (err) {
    failDetectionRun(db, runId, clock(), (err as Error).message ?? String(err));
    throw err;
  }

  const applied = db.transaction(() => {
    const changes = reconcile(loadOpenIncidents(db), result.findings, { autoResolveRuns: settings.autoResolveAfterRuns }, nowMs);
    const a = applyChanges(db, changes, runId);
    saveFindings(db, runId, result.findings, a.incidentByKey);
    pruneFindings(db, started - FINDINGS_RETENTION_MS);
    replaceSignals(db, runId, result.signals);
    saveOutputs(db, runId, result, nowMs);
    const openAfter = (db.prepare(`SELECT COUNT(*) AS n FROM incidents WHERE status <> 'resolved'`).get() as { n: number }).n;
    const counts = {
      findings: result.findings.length,
      notifiable: result.findings.filter((f) => f.notify).length,
      opened: a.opened.length,
      escalated: a.escalated.length,
      resolved: a.resolved.length,
      openAfter,
    };
    finishDetectionRun(db, runId, clock(), counts);
    return { ...a, counts };
  }).immediate(); // take the write lock before reading open incidents: another process may run detect too

  let silences: DetectionCycleResult['silences'] = null;
  if (opts.notify?.alertmanagerUrl) {
    try {
      silences = await pollSilences(db, opts.notify.alertmanagerUrl, nowMs);
    } catch (err) {
      silences = { error: (err as Error).message };
    }
  }
  const digests = await deliverDigests(db, {
    nowMs,
    webhookUrl: opts.notify?.slackWebhookUrl,
    dashboardUrl: opts.notify?.dashboardUrl,
    post: opts.notify?.post,
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
