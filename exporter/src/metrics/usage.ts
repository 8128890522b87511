import { setImmediate as nextTurn } from 'node:timers/promises';
import { microToUsd } from '../domain/money';
import { planFold } from './fold';
import { OTHER_USER } from './labels';
import type { UserModelTotals } from '../store/usage-totals';
import type { FamilyFactory } from './types';

const TOKEN_KINDS = [
  ['input', 'input'],
  ['output', 'output'],
  ['cache_write', 'cacheWrite'],
  ['cache_read', 'cacheRead'],
] as const;

/** Series one user×model pair costs across these families: cost, requests, events + one per token kind. */
export const SERIES_PER_PAIR = 3 + TOKEN_KINDS.length;

/**
 * Usage counters per user and model, summed over all of usage_daily. Events are only ever added to
 * the store, so every sum only grows: these are true counters and rate()/increase() work across
 * billing cycles. Pairs beyond the series budget fold into user="other" (see fold.ts).
 */
export function usageFamily(maxSeries: number): FamilyFactory {
  return ({ store: { usageTotals }, userLabel, gauge: g, counter: c }) => {
    const cost = c('cursor_usage_cost_usd_total', 'Charged cost of usage events per user and model, in USD.', [
      'user',
      'model',
    ]);
    const requests = c(
      'cursor_usage_requests_total',
      'Billable request units of usage events per user and model (fractional).',
      ['user', 'model'],
    );
    const events = c('cursor_usage_events_total', 'Usage events per user and model.', ['user', 'model']);
    const tokens = c(
      'cursor_usage_tokens_total',
      'Tokens of usage events per user, model and kind (input, output, cache_write, cache_read).',
      ['user', 'model', 'kind'],
    );
    const budget = g(
      'cursor_exporter_series_budget',
      'Series budget for the per-user-per-model families (METRICS_MAX_SERIES).',
    );
    const exposed = g(
      'cursor_exporter_user_model_series',
      'Series currently exposed by the per-user-per-model families, the "other" user included.',
    );
    const foldedUsers = g(
      'cursor_exporter_series_folded_users',
      'Users whose per-model usage is summed into user="other" to stay within the series budget.',
    );
    budget.set(maxSeries);
    let previous = new Set<string>();

    return {
      name: 'usage',
      async refill() {
        // A block of days at a time, letting scrapes and queries in between (see byUserModelInBlocks).
        const blocks = usageTotals.byUserModelInBlocks();
        let step = blocks.next();
        while (!step.done) {
          await nextTurn();
          step = blocks.next();
        }
        const rows = step.value;

        const weights = new Map<string, { user: string; cost: number; models: number }>();
        const models = new Set<string>();
        for (const r of rows) {
          const w = weights.get(r.email) ?? { user: r.email, cost: 0, models: 0 };
          w.cost += r.costMicro;
          w.models += 1;
          weights.set(r.email, w);
          models.add(r.model);
        }
        const plan = planFold([...weights.values()], Math.floor(maxSeries / SERIES_PER_PAIR), models.size, previous);
        previous = plan.kept;

        const other = new Map<string, UserModelTotals>();
        for (const m of [cost, requests, events, tokens]) m.reset();
        let pairs = 0;
        const emit = (user: string, r: UserModelTotals) => {
          pairs += 1;
          const labels = { user, model: r.model };
          cost.inc(labels, microToUsd(r.costMicro));
          requests.inc(labels, r.requests);
          events.inc(labels, r.events);
          for (const [kind, field] of TOKEN_KINDS) tokens.inc({ ...labels, kind }, r[field]);
        };
        for (const r of rows) {
          if (plan.kept.has(r.email)) {
            emit(userLabel(r.email), r);
            continue;
          }
          const o = other.get(r.model) ?? {
            email: OTHER_USER,
            model: r.model,
            costMicro: 0,
            requests: 0,
            events: 0,
            input: 0,
            output: 0,
            cacheWrite: 0,
            cacheRead: 0,
          };
          o.costMicro += r.costMicro;
          o.requests += r.requests;
          o.events += r.events;
          o.input += r.input;
          o.output += r.output;
          o.cacheWrite += r.cacheWrite;
          o.cacheRead += r.cacheRead;
          other.set(r.model, o);
        }
        for (const o of other.values()) emit(OTHER_USER, o);
        exposed.set(pairs * SERIES_PER_PAIR);
        foldedUsers.set(plan.folded);
      },
    };
  };
}
