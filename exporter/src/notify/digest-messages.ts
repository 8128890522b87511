import type { CycleSummary } from '../digests/cycle-summary';
import type { PlanExhaustion } from '../digests/plan-exhaustion';
import { formatUsd } from '../domain/money';
import { escapeMrkdwn as esc, type SlackMessage } from './slack';

/** Slack's limit for one section's text is 3,000 characters; a name list stops well before that. */
const MAX_LISTED_USERS = 10;

export interface MessageOptions {
  /** Dashboard URL (DASHBOARD_URL, e.g. the Grafana overview) for a link; no link when absent. */
  dashboardUrl?: string;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const header = (text: string) => ({
  type: 'header',
  text: { type: 'plain_text', text: text.slice(0, 150), emoji: true },
});
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const link = (url: string, label: string) => `<${esc(url)}|${esc(label)}>`;

function who(name: string | null, email: string): string {
  return name && name !== email ? `${esc(name)} (${esc(email)})` : esc(email);
}

/** The reference's daily plan-exhaustion alert, plus who ran out and on which day of the cycle. */
export function planExhaustionMessage(pe: PlanExhaustion, asOfDay: string, opts: MessageOptions = {}): SlackMessage {
  const headline = `*${pe.usersExhausted}/${pe.totalActive}* active users have exceeded their included plan this cycle`;
  const lines = pe.earliest(MAX_LISTED_USERS).map((u) => {
    const when = u.dayOfCycle !== null ? `day ${u.dayOfCycle} of cycle (${u.firstDay})` : 'on-demand spend';
    const extra = [
      u.usageBasedRequests > 0 ? `${u.usageBasedRequests.toLocaleString('en-US')} extra requests` : null,
      u.onDemandMicro > 0 ? `${formatUsd(u.onDemandMicro)} on-demand` : null,
    ].filter(Boolean);
    return `• ${who(u.name, u.email)}: ${when}${extra.length ? ` · ${extra.join(', ')}` : ''}`;
  });
  if (pe.users.length > MAX_LISTED_USERS) lines.push(`…and ${pe.users.length - MAX_LISTED_USERS} more`);
  const blocks: Record<string, unknown>[] = [header(':zap: Cursor — Plan Exhaustion Alert'), section(headline)];
  if (lines.length) blocks.push(section(lines.join('\n')));
  if (opts.dashboardUrl) blocks.push(section(link(opts.dashboardUrl, 'View dashboard')));
  blocks.push(context(`${esc(asOfDay)} · cursor-usage-exporter`));
  return {
    text: `Cursor: ${pe.usersExhausted}/${pe.totalActive} active users have exceeded their included plan this cycle`,
    blocks,
  };
}

function changeLine(s: CycleSummary): string {
  if (s.previousCycleSpendMicro === null || s.changePct === null) return '*vs Last Cycle:* no data';
  const arrow = s.changePct > 0 ? '↑' : s.changePct < 0 ? '↓' : '→';
  const sign = s.changePct > 0 ? '+' : '';
  return `*vs Last Cycle:* ${formatUsd(s.previousCycleSpendMicro)} (${sign}${s.changePct}% ${arrow})`;
}

/** The reference's end-of-cycle summary (seed.md §5.1), with every value from the current cycle. */
export function cycleSummaryMessage(s: CycleSummary, opts: MessageOptions = {}): SlackMessage {
  const pct = s.totalMembers ? Math.round((s.activeMembers / s.totalMembers) * 100) : 0;
  const lines = [
    `*Cycle Spend:* ${formatUsd(s.totalSpendMicro)}`,
    changeLine(s),
    `*Seats:* ${s.activeMembers}/${s.totalMembers} active (${pct}%)`,
    ...(s.unusedSeats > 0 ? [`:warning: ${s.unusedSeats} unused seats`] : []),
    `*Plan Exhaustion:* ${s.planExhausted.exhausted}/${s.planExhausted.totalActive}`,
    '*Top Spenders:*',
    ...(s.topSpenders.length
      ? s.topSpenders.map((t, i) => `${i + 1}. ${who(t.name, t.email)}: ${formatUsd(t.spendMicro)}`)
      : ['none yet']),
    `*Adoption:* AI-Native ${s.adoption.aiNative} · High ${s.adoption.high} · Moderate ${s.adoption.moderate} · Low ${s.adoption.low}`,
  ];
  const blocks: Record<string, unknown>[] = [
    header(`:bar_chart: Cursor Cycle Summary — Ending ${s.cycle.lastDay}`),
    section(lines.join('\n')),
  ];
  if (opts.dashboardUrl) blocks.push(section(link(opts.dashboardUrl, 'View dashboard')));
  blocks.push(context(`${s.cycle.startDay} – ${s.cycle.lastDay} · ${s.cycle.daysLeft} days remaining`));
  return { text: `Cursor cycle summary: ${formatUsd(s.totalSpendMicro)} spent, cycle ends ${s.cycle.lastDay}`, blocks };
}
