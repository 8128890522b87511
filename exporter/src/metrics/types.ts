import type { Store } from '../store';
import type { Counter, Gauge } from 'prom-client';

/**
 * What the pipeline hands to rebuild() after a collection or detection. Everything durable (runs,
 * waits, detection outputs, incidents) is read from the store; only facts that exist nowhere else
 * travel here. Every field is optional: a rebuild without input re-reads the store and keeps the
 * last live facts it was given.
 */
export interface RebuildInput {
  /** Instant the exposition describes; defaults to Date.now(). Ages (data freshness) are relative to it. */
  nowMs?: number;
  /** Per-collector outcome of the run that just finished, keyed by collector name (members, spend, …). */
  collectors?: Record<string, { ok: boolean; durationMs: number }>;
}

/** The repositories the families read; the metrics never see the database itself. */
export type MetricsStore = Pick<
  Store,
  'runs' | 'usageEvents' | 'usageTotals' | 'members' | 'spend' | 'groups' | 'cycles' | 'findings' | 'incidents'
>;

/** What every family needs. */
export interface FamilyDeps {
  store: MetricsStore;
  /** Label value for a user: the lower-cased e-mail, or its stable hash when METRICS_HASH_USERS is on. */
  userLabel(email: string): string;
  /** A gauge registered in the service's registry (families never see the registry itself). */
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge;
  /** A counter registered in the service's registry. */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
}

/** The state a refill sees besides the store. */
export interface RefillState {
  nowMs: number;
  collectors: RebuildInput['collectors'];
}

/**
 * One group of metric families (one file each). refill() resets its labelled metrics and fills
 * them again from the store, so departed users drop out. It may throw (or reject); the service then
 * reports cursor_exporter_metrics_family_success{family} 0 and keeps serving everything else. A
 * refill with a long read returns a promise and lets the event loop turn in between.
 */
export interface MetricFamily {
  name: string;
  refill(state: RefillState): void | Promise<void>;
}

export type FamilyFactory = (deps: FamilyDeps) => MetricFamily;
