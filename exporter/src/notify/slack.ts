import { request } from 'undici';

/** A Slack incoming-webhook message: `text` is the notification fallback, `blocks` the Block Kit body. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export interface PostOptions {
  /** Total attempts, first one included (bounded retry). */
  attempts?: number;
  timeoutMs?: number;
  /** Base backoff; doubles per retry. Retry-After on a 429 wins, capped at maxWaitMs. */
  backoffMs?: number;
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type PostResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Escapes the three characters Slack mrkdwn treats as control characters (api.slack.com "Escaping text"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Posts one message to a Slack incoming webhook. Retries network errors, 429 and 5xx a bounded number
 * of times; any other status is final (400 invalid_payload, 403, 404 no_service will not get better).
 * The webhook URL is a secret: it never appears in the result or in thrown errors.
 */
export async function postSlackWebhook(
  webhookUrl: string,
  message: SlackMessage,
  opts: PostOptions = {},
): Promise<PostResult> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const backoffMs = opts.backoffMs ?? 1_000;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const sleep = opts.sleep ?? wait;
  const body = JSON.stringify(message);
  let error = 'not attempted';
  for (let i = 1; i <= attempts; i++) {
    let retryAfterMs: number | null = null;
    try {
      const res = await request(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = (await res.body.text()).slice(0, 200);
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, attempts: i };
      error = `Slack webhook answered HTTP ${res.statusCode}${text ? ` (${text.replace(/\s+/g, ' ').trim()})` : ''}`;
      if (res.statusCode !== 429 && res.statusCode < 500) return { ok: false, attempts: i, error };
      const ra = Number(res.headers['retry-after']);
      if (res.statusCode === 429 && Number.isFinite(ra) && ra >= 0) retryAfterMs = ra * 1000;
    } catch (err) {
      const code = (err as { code?: string }).code;
      error = `Slack webhook request failed: ${(err as Error).name}${code ? ` (${code})` : ''}`;
    }
    if (i < attempts) await sleep(Math.min(maxWaitMs, retryAfterMs ?? backoffMs * 2 ** (i - 1)));
  }
  return { ok: false, attempts, error };
}
