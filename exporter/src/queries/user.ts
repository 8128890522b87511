import type { Frame } from '../schemas/common';
import { dayStartMs } from '../domain/time';
import type { Db } from '../store/db';
import { col, frame, usd } from './frame';
import { MEMBER_COLUMNS, memberRow, type TeamStats } from './members';
import { NotFound } from '../domain/errors';
import type { DayWindow } from './window';

/** Lower-cased email of a known member (removed ones too: history stays browsable), else NotFound. */
export function knownEmail(db: Db, email: string): string {
  const e = email.toLowerCase();
  if (db.prepare('SELECT 1 FROM members WHERE email = ?').get(e) === undefined) throw new NotFound('user', email);
  return e;
}

/** One row: the member's table row plus rank context and accept rate. */
export function userSummary(stats: TeamStats, email: string): Frame {
  const i = stats.indexOf(email);
  if (i === undefined) throw new NotFound('user', email);
  const m = stats.member(i);
  const base = memberRow(m);
  return frame(
    [
      // The members table's own columns, so the summary carries the same types and units (USD, ratio, time).
      ...MEMBER_COLUMNS,
      col.num('total_ranked'),
      col.num('accept_rate', 'percentunit'),
      col.str('group_id'),
      col.num('cycle_day'),
    ],
    [
      {
        ...base,
        total_ranked: stats.size,
        accept_rate: m.applies > 0 ? m.accepts / m.applies : null,
        group_id: m.groupId,
        cycle_day: stats.cycle?.dayOfCycle ?? null,
      },
    ],
  );
}

/**
 * The days @from…@to as rows. usage_daily is keyed (day, email, model) with no index by person
 * (schema/009), so a person's rows are read with one primary-key seek per day of the window.
 */
const DAYS = `days(day) AS (SELECT @from UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < @to)`;

/** Per day: spend, requests and tokens by kind (usage_daily), agent requests, lines and version (daily_usage). */
export function userTimeline(db: Db, email: string, w: DayWindow): Frame {
  const rows = db
    .prepare(
      `WITH RECURSIVE ${DAYS},
       d AS (SELECT u.day, SUM(u.charged_micro) AS spend, SUM(u.requests) AS requests, SUM(u.input_tokens) AS input,
               SUM(u.output_tokens) AS output, SUM(u.cache_write_tokens) AS cache_write, SUM(u.cache_read_tokens) AS cache_read
             FROM days CROSS JOIN usage_daily u ON u.day = days.day AND u.email = @email GROUP BY u.day)
       SELECT x.day AS day, d.spend, d.requests, d.input, d.output, d.cache_write, d.cache_read,
         a.agent_requests, a.lines_added, a.lines_deleted, a.accepts, a.tabs_accepted, a.client_version, a.most_used_model
       FROM (SELECT day FROM d UNION SELECT day FROM daily_usage WHERE email = @email AND day BETWEEN @from AND @to) x
       LEFT JOIN d ON d.day = x.day
       LEFT JOIN daily_usage a ON a.email = @email AND a.day = x.day
       ORDER BY x.day`,
    )
    .all({ email, from: w.fromDay, to: w.toDay }) as Record<string, number | string | null>[];
  return frame(
    [
      col.time(),
      col.usd('spend_usd'),
      col.num('requests'),
      col.num('input_tokens'),
      col.num('output_tokens'),
      col.num('cache_write_tokens'),
      col.num('cache_read_tokens'),
      col.num('agent_requests'),
      col.num('lines_added'),
      col.num('lines_deleted'),
      col.num('accepts'),
      col.num('tabs_accepted'),
      col.str('model'),
      col.str('client_version'),
    ],
    rows.map((r) => ({
      time: dayStartMs(r.day as string),
      spend_usd: usd((r.spend as number | null) ?? 0),
      requests: (r.requests as number | null) ?? 0,
      input_tokens: (r.input as number | null) ?? 0,
      output_tokens: (r.output as number | null) ?? 0,
      cache_write_tokens: (r.cache_write as number | null) ?? 0,
      cache_read_tokens: (r.cache_read as number | null) ?? 0,
      agent_requests: (r.agent_requests as number | null) ?? 0,
      lines_added: (r.lines_added as number | null) ?? 0,
      lines_deleted: (r.lines_deleted as number | null) ?? 0,
      accepts: (r.accepts as number | null) ?? 0,
      tabs_accepted: (r.tabs_accepted as number | null) ?? 0,
      model: r.most_used_model as string | null,
      client_version: r.client_version as string | null,
    })),
  );
}

/** Cost breakdown per model (included vs usage-based vs errored events), biggest spend first. */
export function userModels(db: Db, email: string, w: DayWindow): Frame {
  const rows = db
    .prepare(
      `WITH RECURSIVE ${DAYS}
       SELECT model, SUM(requests) AS requests, SUM(charged_micro) AS spend, SUM(events) AS events, SUM(included_events) AS included,
         SUM(usage_based_events) AS usage_based, SUM(errored_events) AS errored, SUM(max_mode_events) AS max_mode,
         SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens
       FROM days CROSS JOIN usage_daily u ON u.day = days.day AND u.email = @email GROUP BY model ORDER BY spend DESC, model`,
    )
    .all({ email, from: w.fromDay, to: w.toDay }) as {
    model: string;
    requests: number;
    spend: number;
    events: number;
    included: number;
    usage_based: number;
    errored: number;
    max_mode: number;
    tokens: number;
  }[];
  return frame(
    [
      col.str('model'),
      col.num('requests'),
      col.usd('spend_usd'),
      col.usd('cost_per_request_usd'),
      col.num('events'),
      col.num('included_events'),
      col.num('usage_based_events'),
      col.num('errored_events'),
      col.num('max_mode_events'),
      col.num('tokens'),
    ],
    rows.map((r) => ({
      model: r.model,
      requests: r.requests,
      spend_usd: usd(r.spend),
      cost_per_request_usd: r.requests > 0 ? usd(r.spend / r.requests) : null,
      events: r.events,
      included_events: r.included,
      usage_based_events: r.usage_based,
      errored_events: r.errored,
      max_mode_events: r.max_mode,
      tokens: r.tokens,
    })),
  );
}

const FEATURES: [string, string][] = [
  ['agent', 'agent_requests'],
  ['composer', 'composer_requests'],
  ['chat', 'chat_requests'],
  ['cmd_k', 'cmdk_usages'],
  ['tab_shown', 'tabs_shown'],
  ['tab_accepted', 'tabs_accepted'],
  ['applies', 'applies'],
  ['accepts', 'accepts'],
  ['rejects', 'rejects'],
  ['bugbot', 'bugbot_usages'],
  ['included_requests', 'subscription_included_reqs'],
  ['usage_based_requests', 'usage_based_reqs'],
  ['api_key_requests', 'api_key_reqs'],
];

/** Feature usage totals over the window, one row per feature (daily_usage counters). */
export function userFeatures(db: Db, email: string, w: DayWindow): Frame {
  const sums = db
    .prepare(
      `SELECT ${FEATURES.map(([n, c]) => `COALESCE(SUM(${c}), 0) AS ${n}`).join(', ')} FROM daily_usage WHERE email = ? AND day BETWEEN ? AND ?`,
    )
    .get(email, w.fromDay, w.toDay) as Record<string, number>;
  return frame(
    [col.str('feature'), col.num('count')],
    FEATURES.map(([n]) => ({ feature: n, count: sums[n] })),
  );
}

/** The member's incidents, newest first (the reference shows the last 20). */
export function userAnomalies(db: Db, email: string, limit: number): Frame {
  const rows = db
    .prepare(
      `SELECT id, detected_ms AS detected, detector, severity, status, message, value, threshold, unit, resolved_ms AS resolved FROM incidents
       WHERE email = ? ORDER BY detected_ms DESC, id DESC LIMIT ?`,
    )
    .all(email, limit) as Record<string, string | number | null>[];
  return frame(
    [
      col.num('id'),
      col.time('detected'),
      col.str('detector'),
      col.str('severity'),
      col.str('status'),
      col.str('message'),
      col.num('value'),
      col.num('threshold'),
      col.str('unit'),
      col.time('resolved'),
    ],
    rows,
  );
}
