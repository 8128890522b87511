import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { request } from 'undici';
import { alertMatchesIncident, silenceMatchesIncident } from './labels';
import { acknowledgeIncident, markAlerted, type IncidentStore } from './lifecycle';

const Labels = Type.Record(Type.String(), Type.String());

/** Alertmanager webhook payload, version 4 (prometheus/alertmanager notify/webhook). Extra fields are allowed. */
export const AlertmanagerWebhook = Type.Object({
  version: Type.Literal('4'),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  receiver: Type.Optional(Type.String()),
  groupKey: Type.Optional(Type.String()),
  alerts: Type.Array(
    Type.Object({
      status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
      labels: Labels,
      annotations: Type.Optional(Labels),
      startsAt: Type.String(),
      endsAt: Type.Optional(Type.String()),
      generatorURL: Type.Optional(Type.String()),
      fingerprint: Type.Optional(Type.String()),
    }),
    { maxItems: 10_000 },
  ),
});
export type AlertmanagerWebhook = Static<typeof AlertmanagerWebhook>;

export interface PayloadError {
  field: string;
  message: string;
}

export type WebhookResult =
  | {
      ok: true;
      /** Incidents whose alerted time was stamped by this notification. */
      alerted: number[];
      /** Firing alerts that matched at least one open incident. */
      matched: number;
      /** Alerts that point at no open incident (other alert rules, or incidents already resolved). */
      ignored: number;
      /** Resolved alerts: noted, never used to resolve — the exporter decides when a condition is over, and a
       *  failed scrape also makes Alertmanager send "resolved" (prometheus-alertmanager.md §2.5). */
      resolvedAlerts: number;
    }
  | { ok: false; errors: PayloadError[] };

function validateWebhook(
  payload: unknown,
): { ok: true; value: AlertmanagerWebhook } | { ok: false; errors: PayloadError[] } {
  if (Value.Check(AlertmanagerWebhook, payload)) return { ok: true, value: payload };
  const seen = new Set<string>();
  const errors: PayloadError[] = [];
  for (const e of Value.Errors(AlertmanagerWebhook, payload)) {
    const field = e.path.replace(/^\//, '').split('/').join('.') || '(body)';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: e.message });
  }
  return { ok: false, errors };
}

/**
 * Stamps "alerted" on the open incidents that a firing Alertmanager notification is about. An invalid
 * payload changes nothing. Alertmanager repeats notifications; only the first stamps a time.
 */
export function applyAlertmanagerWebhook(store: IncidentStore, payload: unknown, nowMs: number): WebhookResult {
  const v = validateWebhook(payload);
  if (!v.ok) return v;
  const open = store.incidents.listOpen();
  const alerted: number[] = [];
  let matched = 0;
  let ignored = 0;
  let resolvedAlerts = 0;
  store.transaction(() => {
    for (const alert of v.value.alerts) {
      if (alert.status === 'resolved') {
        resolvedAlerts++;
        continue;
      }
      const hits = open.filter((inc) => alertMatchesIncident(alert.labels, inc));
      if (hits.length === 0) {
        ignored++;
        continue;
      }
      matched++;
      for (const inc of hits) {
        const detail = {
          fingerprint: alert.fingerprint ?? null,
          receiver: v.value.receiver ?? null,
          startsAt: alert.startsAt,
        };
        if (markAlerted(store, inc.id, nowMs, alert.labels, detail)) alerted.push(inc.id);
      }
    }
  });
  return { ok: true, alerted, matched, ignored, resolvedAlerts };
}

const Silence = Type.Object({
  id: Type.String(),
  status: Type.Object({ state: Type.String() }),
  matchers: Type.Array(
    Type.Object({
      name: Type.String(),
      value: Type.String(),
      isRegex: Type.Boolean(),
      isEqual: Type.Optional(Type.Boolean()),
    }),
  ),
  startsAt: Type.String(),
  endsAt: Type.String(),
  createdBy: Type.Optional(Type.String()),
});
const Silences = Type.Array(Silence);

export interface SilencePollResult {
  activeSilences: number;
  acknowledged: number[];
}

export class AlertmanagerError extends Error {
  override name = 'AlertmanagerError';
}

/**
 * Reads Alertmanager's silences (GET /api/v2/silences) and acknowledges every open, unacknowledged
 * incident an active silence covers: silencing an alert is a human saying "seen, on it". The
 * acknowledgement time is when the silence started, but never before the incident was alerted or
 * detected (a silence set up in advance acknowledges at detection, so MTTI is not negative).
 * Errors never include the URL, which may carry credentials.
 */
export async function pollSilences(
  store: IncidentStore,
  amUrl: string,
  nowMs: number,
  timeoutMs = 10_000,
): Promise<SilencePollResult> {
  const url = new URL('api/v2/silences', amUrl.endsWith('/') ? amUrl : `${amUrl}/`);
  let body: unknown;
  try {
    const res = await request(url, {
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: { accept: 'application/json' },
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new AlertmanagerError(`Alertmanager silences request failed: HTTP ${res.statusCode}`);
    }
    body = await res.body.json();
  } catch (err) {
    if (err instanceof AlertmanagerError) throw err;
    throw new AlertmanagerError(
      `Alertmanager silences request failed: ${(err as Error).name}${(err as { code?: string }).code ? ` (${(err as { code?: string }).code})` : ''}`,
    );
  }
  if (!Value.Check(Silences, body))
    throw new AlertmanagerError('Alertmanager silences response is not a list of silences');

  const active = body.filter((s) => s.status.state === 'active');
  const acknowledged: number[] = [];
  if (active.length === 0) return { activeSilences: 0, acknowledged };
  for (const inc of store.incidents.listOpen()) {
    if (inc.acknowledgedMs !== null) continue;
    const silence = active.find((s) => silenceMatchesIncident(s.matchers, inc));
    if (!silence) continue;
    const startsMs = Date.parse(silence.startsAt);
    const atMs = Math.min(nowMs, Math.max(Number.isNaN(startsMs) ? nowMs : startsMs, inc.alertedMs ?? inc.detectedMs));
    const r = acknowledgeIncident(store, inc.id, atMs, `silence:${silence.id}`);
    if (r.ok) acknowledged.push(inc.id);
  }
  return { activeSilences: active.length, acknowledged };
}
