import type { Store } from '../store';
import type { TeamStats } from '../queries/members';
import type { ReadModel } from '../queries/read-model';
import type { PeopleFilter } from '../queries/scope';
import { dayWindow, type DayWindow } from '../queries/window';
import { DEFAULT_MUTATION_LIMIT, type MutationLimit } from './routes/limits';

/**
 * What every route needs: the read model (queries/) with its cache, the store's repositories for
 * what the API changes (incidents, settings, groups) and a clock.
 */
export class ApiContext {
  /** Route config that rate-limits a mutation. */
  readonly mutation: { rateLimit: MutationLimit };

  constructor(
    readonly store: Store,
    readonly read: ReadModel,
    readonly now: () => number,
    limit: MutationLimit = DEFAULT_MUTATION_LIMIT,
  ) {
    this.mutation = { rateLimit: limit };
  }

  window(fromMs: number, toMs: number): DayWindow {
    return dayWindow(fromMs, toMs);
  }

  /** Team-wide member figures for a window (ranks and badges need everyone), shared per window (ReadModel.teamStats). */
  teamStats(w: DayWindow, model?: string): TeamStats {
    return this.read.teamStats(w, this.now(), model);
  }

  /** The cycle summary row for everyone or one group, cached for the day. */
  cycleSummary(f: PeopleFilter) {
    return this.cached(['cycle-summary', this.today(), f.group ?? null], () =>
      this.read.cycleSummaryTable(this.now(), this.read.selectedEmails(f)),
    );
  }

  /** The model cost comparison for a window and people filter, cached. */
  modelCosts(w: DayWindow, f: PeopleFilter) {
    return this.cached(['model-costs', w, f.user ?? null, f.group ?? null], () => this.read.modelCosts(w, f));
  }

  /** Today's UTC day: part of the key of anything that depends on "now" (cycle day, days left). */
  today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  cached<T>(parts: unknown[], compute: () => T): T {
    return this.read.cache.get(JSON.stringify(parts), compute);
  }
}
