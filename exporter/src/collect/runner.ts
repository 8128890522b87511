import type { CursorApi } from '../cursor/api';
import { CursorError } from '../cursor/errors';
import { scrub, type Logger } from '../logger';
import type { Store } from '../store';
import { USAGE_EVENTS_STREAM } from '../store/watermarks';
import type { RunError, RunKind, RunOutcome } from '../store/runs';
import { backfillEtaMs, formatDuration } from './progress';
import { DOCUMENTED_LIMITS } from '../cursor/rate-limiter';
import { CallTally } from './call-tally';
import {
  DEFAULT_COLLECT_OPTIONS,
  MAX_BACKFILL_DAYS,
  StopRequested,
  type BackfillProgress,
  type CollectOptions,
  type CollectStep,
  type StepContext,
} from './context';
import { CollectorBusyError, CollectorLease } from './lease';
import { COLLECTORS } from './registry';

export interface CollectorDeps {
  store: Store;
  api: CursorApi;
  /** The tally wired as the client's onCall; its counts go into each run record. */
  calls?: CallTally;
  now?: () => number;
  logger?: Logger;
  options?: Partial<CollectOptions>;
  /** Exact secrets (API keys) to scrub from error messages stored in run records. */
  secrets?: readonly string[];
  steps?: readonly CollectStep[];
  /** The Analytics API uses the admin key too (no CURSOR_ANALYTICS_API_KEY): one rejection stops every step. */
  sharedKey?: boolean;
  /** How often usage-events progress is logged (default PROGRESS_LOG_MS). */
  progressLogMs?: number;
  /**
   * After each step (a failed one too), before the next: `serve` packs the days the step's writes
   * unpacked, so while a backfill's usage events take hours at Cursor's pace, the dashboards read the
   * daily usage it wrote first from packs, not rows. A failure is logged, not the run's.
   */
  afterStep?: (step: string) => Promise<unknown>;
}

export interface RunRequest {
  kind?: RunKind;
  /** For kind 'backfill': days of history to (re)fetch, 1..MAX_BACKFILL_DAYS. */
  days?: number;
  onProgress?: (p: BackfillProgress) => void;
}

export interface RunResult extends RunOutcome {
  id: number;
  /** Per-step outcome, keyed by step name (for per-collector success metrics). */
  steps: Record<string, { ok: boolean; durationMs: number }>;
  kind: RunKind;
  startedMs: number;
  endedMs: number;
}

export interface Collector {
  run(req?: RunRequest): Promise<RunResult>;
  /** True while a run is in progress in this process. */
  readonly running: boolean;
  /** Asks a running run to stop at its next commit boundary; resolves when it has. */
  stop(): Promise<void>;
}

export { CollectorBusyError };

/** Progress of a long usage-events fetch goes to the log this often (the bar is only for a TTY). */
export const PROGRESS_LOG_MS = 10_000;

/** Steps that read the Analytics API (its own key, CURSOR_ANALYTICS_API_KEY); the others use the admin key. */
const keyOf = (step: string): 'analytics' | 'admin' => (step.startsWith('analytics:') ? 'analytics' : 'admin');

/**
 * A failure that the remaining steps would only repeat, slowly and noisily: a rejected key (401/403:
 * every step on that key fails the same way) or Cursor unreachable after the retries (each step would
 * retry for a minute too). Returns what to record for the steps it skips, and which steps it covers.
 */
function runStopper(
  store: Store,
  err: unknown,
  step: string,
  sharedKey: boolean,
): { reason: string; covers: (step: string) => boolean } | undefined {
  const storage = store.storageFailure(err);
  if (storage)
    return {
      reason: `${storage.message}; the remaining steps are skipped (what was committed is kept)`,
      covers: () => true,
    };
  if (!(err instanceof CursorError)) return undefined;
  if (err.status === 401 || err.status === 403) {
    const key = keyOf(step);
    const variable = key === 'analytics' && !sharedKey ? 'CURSOR_ANALYTICS_API_KEY' : 'CURSOR_ADMIN_API_KEY';
    const skipped = sharedKey ? 'the remaining steps are skipped' : `the remaining ${key} steps are skipped`;
    return {
      reason: `Cursor rejected the API key (HTTP ${err.status}${err.upstreamMessage ? `: ${err.upstreamMessage}` : ''}): check ${variable}; ${skipped}`,
      covers: (s) => sharedKey || keyOf(s) === key,
    };
  }
  if (err.kind === 'network' || err.kind === 'timeout') {
    return {
      reason: `Cursor API unreachable (${err.reason}): check CURSOR_API_URL and the network; the remaining steps are skipped`,
      covers: () => true,
    };
  }
  return undefined;
}

/** Wraps the caller's onProgress with a log line every PROGRESS_LOG_MS. */
function loggedProgress(
  logger: Logger | undefined,
  everyMs: number,
  onProgress: RunRequest['onProgress'],
): RunRequest['onProgress'] {
  if (!logger) return onProgress;
  const started = Date.now();
  let lastLog = started;
  return (p) => {
    onProgress?.(p);
    const t = Date.now();
    if (t - lastLog < everyMs) return;
    lastLog = t;
    const eta = formatDuration(backfillEtaMs(p, t - started, DOCUMENTED_LIMITS.usageEvents));
    logger.info(
      {
        window: p.window,
        windows: p.windows,
        pages: p.pagesDone,
        pagesEstimated: p.pagesEstimated,
        events: p.events,
        eta,
      },
      'usage events: fetching',
    );
  };
}

/**
 * Runs every step in order, each in its own try/catch: a failed step is recorded and the others go
 * on; the run is ok (no error), partial, or failed (every step failed). Never two runs at once: an
 * in-process flag plus a lease row in the database for other processes.
 */
export function createCollector(deps: CollectorDeps): Collector {
  const now = deps.now ?? Date.now;
  const options: CollectOptions = { ...DEFAULT_COLLECT_OPTIONS, ...deps.options };
  const steps = deps.steps ?? COLLECTORS;
  const calls = deps.calls ?? new CallTally();
  const lease = new CollectorLease(deps.store);
  let current: Promise<RunResult> | undefined;
  let stopping = false;

  async function execute(req: RunRequest): Promise<RunResult> {
    const { store } = deps;
    // A run into an empty store is recorded as what it is: the initial backfill.
    const kind = req.kind ?? (store.watermarks.get(USAGE_EVENTS_STREAM) === undefined ? 'backfill' : 'collect');
    if (req.days !== undefined && (!Number.isInteger(req.days) || req.days < 1 || req.days > MAX_BACKFILL_DAYS)) {
      throw new RangeError(`backfill days must be an integer from 1 to ${MAX_BACKFILL_DAYS}, got ${req.days}`);
    }
    lease.acquire();
    try {
      const interrupted = store.runs.markInterrupted(now());
      if (interrupted > 0)
        deps.logger?.warn(
          { interrupted },
          'previous collection runs were interrupted; resuming from their last commit',
        );
      const startedMs = now();
      const id = store.runs.start(kind, startedMs);
      calls.take(); // calls made outside a run (none expected) must not count towards this one
      const backfillDays = req.kind === 'backfill' ? (req.days ?? options.initialBackfillDays) : undefined;
      deps.logger?.info(
        { run: id, kind, days: kind === 'backfill' ? (backfillDays ?? options.initialBackfillDays) : undefined },
        'collection started',
      );
      const ctx: StepContext = {
        store,
        api: deps.api,
        nowMs: startedMs,
        options,
        logger: deps.logger,
        onProgress: loggedProgress(deps.logger, deps.progressLogMs ?? PROGRESS_LOG_MS, req.onProgress),
        backfillDays,
        heartbeat: () => lease.renew(),
        stopping: () => stopping,
      };
      const rowsWritten: Record<string, number> = {};
      const errors: RunError[] = [];
      const stepOutcomes: RunResult['steps'] = {};
      const stoppers: NonNullable<ReturnType<typeof runStopper>>[] = [];
      for (const step of steps) {
        if (stopping) {
          errors.push({ step: step.name, message: new StopRequested().message });
          continue;
        }
        const stopper = stoppers.find((x) => x.covers(step.name));
        if (stopper) {
          errors.push({ step: step.name, message: stopper.reason });
          stepOutcomes[step.name] = { ok: false, durationMs: 0 };
          continue;
        }
        const t0 = Date.now();
        try {
          const rows = await step.run(ctx);
          for (const [table, n] of Object.entries(rows)) rowsWritten[table] = (rowsWritten[table] ?? 0) + n;
          stepOutcomes[step.name] = { ok: true, durationMs: Date.now() - t0 };
          deps.logger?.debug({ step: step.name, rows, ms: Date.now() - t0 }, 'collect step done');
        } catch (err) {
          const message = scrub(err instanceof Error ? err.message : String(err), deps.secrets);
          errors.push({ step: step.name, message });
          stepOutcomes[step.name] = { ok: false, durationMs: Date.now() - t0 };
          const stop = runStopper(store, err, step.name, deps.sharedKey ?? false);
          if (stop) {
            stop.reason = scrub(stop.reason, deps.secrets);
            stoppers.push(stop);
            deps.logger?.error({ step: step.name, error: message }, `collect step failed: ${stop.reason}`);
          } else {
            deps.logger?.warn({ step: step.name, error: message }, 'collect step failed');
          }
        }
        try {
          await deps.afterStep?.(step.name);
        } catch (err) {
          deps.logger?.warn({ step: step.name, err }, 'after collect step failed');
        }
        lease.renew();
      }
      const failedSteps = new Set(errors.map((e) => e.step)).size;
      const status: RunOutcome['status'] =
        failedSteps === 0 ? 'ok' : failedSteps === steps.length ? 'failed' : 'partial';
      const outcome: RunOutcome = { status, rowsWritten, errors, ...calls.take() };
      const endedMs = now();
      try {
        store.runs.finish(id, outcome, endedMs);
      } catch (err) {
        // The run record cannot be written (a full disk): the next run marks this one interrupted.
        const storage = store.storageFailure(err);
        if (!storage) throw err;
        deps.logger?.error({ run: id }, storage.message);
      }
      deps.logger?.info(
        { run: id, kind, status, rowsWritten, errors: errors.length, ms: endedMs - startedMs },
        'collection finished',
      );
      return { id, kind, startedMs, endedMs, steps: stepOutcomes, ...outcome };
    } finally {
      releaseLease();
    }
  }

  /** A lease that cannot be released (a full disk) expires by itself: the run's own outcome stands. */
  function releaseLease(): void {
    try {
      lease.release();
    } catch (err) {
      if (!deps.store.storageFailure(err)) throw err;
    }
  }

  return {
    get running() {
      return current !== undefined;
    },
    run(req = {}) {
      if (current) return Promise.reject(new CollectorBusyError('in this process'));
      stopping = false;
      // A store that cannot be written (full disk, read-only) is reported naming its path.
      current = execute(req)
        .catch((err: unknown) => {
          throw deps.store.storageFailure(err) ?? err;
        })
        .finally(() => {
          current = undefined;
        });
      return current;
    },
    async stop() {
      stopping = true;
      await current?.catch(() => undefined);
    },
  };
}
