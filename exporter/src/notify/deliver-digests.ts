import { utcDay } from '../domain/time';
import { cycleSummary, cycleSummaryDue } from '../digests/cycle-summary';
import { planExhaustion } from '../digests/plan-exhaustion';
import type { CycleStore } from '../digests/spend';
import type { Store } from '../store';
import { cycleSummaryMessage, planExhaustionMessage } from './digest-messages';
import { postSlackWebhook, type PostOptions, type SlackMessage } from './slack';

/** Outcome names follow the reference's /api/cron response where it had them. */
export type PlanExhaustionOutcome =
  'sent' | 'failed' | 'none_exhausted' | 'already_sent_today' | 'no_cycle_data' | 'disabled';
export type CycleSummaryOutcome =
  'sent' | 'failed' | 'not_due' | 'already_sent_this_cycle' | 'no_cycle_data' | 'disabled';

export interface DigestDelivery {
  planExhaustion: PlanExhaustionOutcome;
  cycleSummary: CycleSummaryOutcome;
  /** Why a post failed (never contains the webhook URL). */
  errors: string[];
}

export interface DeliverOptions {
  nowMs: number;
  /** SLACK_WEBHOOK_URL; digests are computed but not posted when absent. */
  webhookUrl?: string;
  dashboardUrl?: string;
  post?: PostOptions;
}

type Kind = 'plan_exhaustion' | 'cycle_summary';
const CHANNEL = 'slack';

/** What delivery needs of the store: the cycle digests' inputs and the record of what was sent. */
export type DigestStore = CycleStore & Pick<Store, 'notifications'>;

/** Posts, and records the period only when the post succeeded, so a failure is retried next cycle run. */
async function send(
  store: DigestStore,
  kind: Kind,
  period: string,
  message: SlackMessage,
  o: DeliverOptions & { webhookUrl: string },
  errors: string[],
) {
  const r = await postSlackWebhook(o.webhookUrl, message, o.post);
  if (!r.ok) {
    errors.push(`${kind}: ${r.error}`);
    return 'failed' as const;
  }
  store.notifications.recordSent(kind, period, CHANNEL, o.nowMs, r.attempts);
  return 'sent' as const;
}

/**
 * Posts the digests that are due to Slack: plan exhaustion at most once per UTC day (when someone
 * ran out), the cycle summary once per cycle when 0–3 days remain. Anomaly alerts never go this way;
 * they go through Alertmanager.
 */
export async function deliverDigests(store: DigestStore, o: DeliverOptions): Promise<DigestDelivery> {
  const out: DigestDelivery = { planExhaustion: 'disabled', cycleSummary: 'disabled', errors: [] };
  const webhookUrl = o.webhookUrl;
  if (!webhookUrl) return out;
  const opts = { ...o, webhookUrl };
  const today = utcDay(o.nowMs);
  const msgOpts = { dashboardUrl: o.dashboardUrl };

  const pe = planExhaustion(store, o.nowMs);
  if (!pe) out.planExhaustion = 'no_cycle_data';
  else if (pe.usersExhausted === 0) out.planExhaustion = 'none_exhausted';
  else if (store.notifications.wasSent('plan_exhaustion', today, CHANNEL)) out.planExhaustion = 'already_sent_today';
  else
    out.planExhaustion = await send(
      store,
      'plan_exhaustion',
      today,
      planExhaustionMessage(pe, today, msgOpts),
      opts,
      out.errors,
    );

  const cs = cycleSummary(store, o.nowMs);
  if (!cs) out.cycleSummary = 'no_cycle_data';
  else if (!cycleSummaryDue(cs.cycle)) out.cycleSummary = 'not_due';
  else if (store.notifications.wasSent('cycle_summary', cs.cycle.startDay, CHANNEL))
    out.cycleSummary = 'already_sent_this_cycle';
  else
    out.cycleSummary = await send(
      store,
      'cycle_summary',
      cs.cycle.startDay,
      cycleSummaryMessage(cs, msgOpts),
      opts,
      out.errors,
    );
  return out;
}
