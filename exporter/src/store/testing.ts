import type { Db } from './db';

/**
 * One usage event straight into usage_event_rows, its names added to usage_names (schema/022), for
 * tests that seed the raw events apart from their usage_daily rows (the write side,
 * UsageEventsRepo, adds both and has its own tests).
 */
export function insertRawEvent(
  db: Db,
  e: { tsMs: number; email: string; model?: string; kind?: string; tokenMicro?: number; chargedMicro?: number },
): void {
  const name = db.prepare(
    'INSERT INTO usage_names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id',
  );
  const id = (n: string) => (name.get(n) as { id: number }).id;
  db.prepare(
    `INSERT INTO usage_event_rows (ts_ms, event_hash, email_id, model_id, kind_id, flags, requests_costs, input_tokens,
       output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro, cursor_fee_micro)
     VALUES (?, 1, ?, ?, ?, 2, 1, 0, 0, 0, 0, ?, ?, 0)`,
  ).run(
    e.tsMs,
    id(e.email),
    id(e.model ?? 'gpt-5'),
    id(e.kind ?? 'Included in Business'),
    e.tokenMicro ?? e.chargedMicro ?? 0,
    e.chargedMicro ?? 0,
  );
}
