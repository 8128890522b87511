import type { Collector, RunRequest, RunResult } from './collect/runner';
import type { Logger } from './logger';

/** Work that follows every collection (detection, metrics rebuild, …), listed in order by the composition root. */
export interface AfterCollectHook {
  name: string;
  run(result: RunResult): Promise<void> | void;
}

export interface CycleResult {
  run: RunResult;
  hooks: { name: string; ok: boolean; error?: string }[];
}

/**
 * One cycle = collect, then every hook in registration order. A failing hook is logged and
 * reported but never stops the next one: a broken detector must not freeze the metrics.
 */
export class Pipeline {
  private cycles = 0;

  /**
   * Once `shutdown` aborts, hooks not yet started are skipped: a collection that commits while the
   * process stops must not start a detection pass (seconds at 10,000 people) the shutdown would then
   * wait out; the next start's first cycle detects over what it committed.
   */
  constructor(
    private readonly collector: Collector,
    private readonly logger: Logger | undefined,
    private readonly hooks: readonly AfterCollectHook[],
    private readonly shutdown?: AbortSignal,
  ) {}

  /** Cycles finished since start (whatever their status); readiness is cyclesCompleted > 0. */
  get cyclesCompleted(): number {
    return this.cycles;
  }

  async runCycle(req?: RunRequest): Promise<CycleResult> {
    const run = await this.collector.run(req);
    const hooks: CycleResult['hooks'] = [];
    for (const hook of this.hooks) {
      if (this.shutdown?.aborted) {
        hooks.push({ name: hook.name, ok: false, error: 'skipped: the exporter is shutting down' });
        continue;
      }
      try {
        await hook.run(run);
        hooks.push({ name: hook.name, ok: true });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        this.logger?.error({ hook: hook.name, error }, 'after-collect hook failed');
        hooks.push({ name: hook.name, ok: false, error });
      }
    }
    this.cycles++;
    return { run, hooks };
  }
}
