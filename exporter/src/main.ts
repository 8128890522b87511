#!/usr/bin/env node
/**
 * cursor-usage-exporter CLI: serve | collect | backfill --days N | detect | demo | simulator.
 * Every command reads its configuration from the environment (see config/schema.ts).
 */
import { Command, InvalidArgumentError } from 'commander';
import { createBackfillBar } from './collect/progress';
import { MAX_BACKFILL_DAYS } from './collect/context';
import { CollectorBusyError } from './collect/runner';
import { ConfigError } from './config';
import type { DetectionCycleResult } from './detection-cycle';
import { DOCUMENTED_LIMITS } from './cursor/rate-limiter';
import { collectOnce, detectOnce, serve, type ServeHandle } from './server';
import { StoreOpenError } from './store/db';

function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** SIGTERM/SIGINT close the server gracefully; a second signal exits at once. */
export function closeOnSignals(handle: { close(): Promise<void> }): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    handle.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function detectionSummary(r: DetectionCycleResult) {
  return {
    detectionRun: r.runId,
    findings: r.findings,
    notifiable: r.notifiable,
    opened: r.opened.length,
    resolved: r.resolved.length,
    openIncidents: r.openIncidents,
  };
}

/** One collection (or backfill) outside the server, then detection; exit 0 ok, 2 partial, 1 failed. */
async function collectCommand(kind: 'collect' | 'backfill', days?: number): Promise<number> {
  const bar =
    kind === 'backfill' && process.stderr.isTTY ? createBackfillBar(DOCUMENTED_LIMITS.usageEvents) : undefined;
  try {
    const { run, detection } = await collectOnce(
      { kind, days, onProgress: bar && ((p) => bar.update(p)) },
      { onCollected: () => bar?.stop() },
    );
    process.stdout.write(
      `${JSON.stringify({ run: run.id, status: run.status, rowsWritten: run.rowsWritten, errors: run.errors, ...detectionSummary(detection) })}\n`,
    );
    return run.status === 'ok' ? 0 : run.status === 'partial' ? 2 : 1;
  } finally {
    bar?.stop();
  }
}

export function buildCli(): Command {
  const program = new Command('cursor-usage-exporter')
    .description('Prometheus exporter and JSON API for Cursor team spend and usage')
    .showHelpAfterError();

  program
    .command('serve')
    .description('collect on a schedule and serve /metrics, /healthz, /readyz and the JSON API')
    .action(async () => {
      const handle: ServeHandle = await serve();
      closeOnSignals(handle);
    });

  program
    .command('collect')
    .description('run one incremental collection into DATABASE_PATH and exit')
    .action(async () => {
      process.exitCode = await collectCommand('collect');
    });

  program
    .command('backfill')
    .description(
      `fetch up to ${MAX_BACKFILL_DAYS} days of history (progress bar with a rate-limit-aware ETA on stderr)`,
    )
    .requiredOption('--days <n>', `days of history, 1 to ${MAX_BACKFILL_DAYS}`, intOption(1, MAX_BACKFILL_DAYS))
    .action(async (opts: { days: number }) => {
      process.exitCode = await collectCommand('backfill', opts.days);
    });

  program
    .command('detect')
    .description('run detection over the stored data now (findings, incidents, digests) and exit')
    .action(async () => {
      process.stdout.write(`${JSON.stringify(detectionSummary(await detectOnce()))}\n`);
    });

  program
    .command('demo')
    .description('run the exporter against an in-process simulated team (no Cursor key needed)')
    .action(async () => {
      const { runDemo } = await import('./demo');
      closeOnSignals(await runDemo());
    });

  program
    .command('simulator')
    .description('run the Cursor API simulator alone (a fake api.cursor.com for tests, Grafana or another exporter)')
    .option('--users <n>', 'team size (10 to 10000)', intOption(10, 10_000), 60)
    .option('--seed <n>', 'random seed (same seed, same team and data)', intOption(0, 2 ** 31 - 1), 1)
    .option('--port <n>', 'port to listen on (0 = any free port)', intOption(0, 65535), 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--history-days <n>', 'days of usage history', intOption(1, 365), 60)
    .option(
      '--scenario <name>',
      'default (a few injected anomalies) or none',
      (v: string) => {
        if (v !== 'default' && v !== 'none') throw new InvalidArgumentError('expected default or none');
        return v;
      },
      'default',
    )
    .action(
      async (opts: {
        users: number;
        seed: number;
        port: number;
        host: string;
        historyDays: number;
        scenario: 'default' | 'none';
      }) => {
        const { startSimulator } = await import('./simulator');
        const sim = await startSimulator({
          users: opts.users,
          seed: opts.seed,
          port: opts.port,
          host: opts.host,
          historyDays: opts.historyDays,
          scenario: opts.scenario,
        });
        process.stdout.write(
          `Cursor API simulator: ${sim.url} (${opts.users} users, seed ${opts.seed}, scenario ${opts.scenario})\n` +
            `API key: key_sim_admin   e.g. curl -u key_sim_admin: ${sim.url}/teams/members\n`,
        );
        closeOnSignals(sim);
      },
    );

  return program;
}

/** Runs the CLI on argv; the installed `cursor-usage-exporter` (bin/) and `tsx src/main.ts` both land here. */
export function runCli(argv: string[] = process.argv): void {
  buildCli()
    .parseAsync(argv)
    .catch((err: unknown) => {
      // Errors a user can act on are printed plainly; anything else with its stack.
      const plain =
        err instanceof ConfigError ||
        err instanceof CollectorBusyError ||
        err instanceof StoreOpenError ||
        err instanceof RangeError;
      process.stderr.write(
        `${plain ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    });
}

if (require.main === module) runCli();
