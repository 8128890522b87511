/**
 * A small, fully known team for API tests: every figure the tests assert follows from these rows.
 * Cycle 2026-03-01 → 2026-04-01; "now" is 2026-03-10T12:00Z.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Store } from '../store';
import { openDb, type Db } from '../store/db';
import { addUsageDaily, type UsageDailyRow } from '../store/usage-daily';
import { apiPlugin, type ApiOptions } from './index';
import { docsPlugin } from './docs';

export const NOW = Date.parse('2026-03-10T12:00:00Z');
export const CYCLE_START = Date.parse('2026-03-01T00:00:00Z');
export const TOKEN = 'test-token-0123456789';
export const M = 1_000_000; // micro-cents per cent

export function seedTeam(db: Db = openDb(':memory:')): Db {
  const ins = (sql: string, rows: unknown[][]) => {
    const st = db.prepare(sql);
    for (const r of rows) st.run(...r);
  };
  ins(
    'INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, 0, 0)',
    [
      ['alice@acme.io', 'u1', 'Alice', 'member', 0],
      ['bob@acme.io', 'u2', 'Bob', 'member', 0],
      ['carol@acme.io', 'u3', 'Carol', 'owner', 0],
      ['dan@acme.io', 'u4', 'Dan', 'member', 0],
      ['gone@acme.io', 'u5', 'Gone', 'member', 1],
    ],
  );
  ins(`INSERT INTO billing_groups (id, name, source, updated_ms) VALUES (?, ?, 'cursor', 0)`, [
    ['g_web', 'Eng > Web'],
    ['g_api', 'Eng > API'],
    ['g_ops', 'Ops'],
  ]);
  ins(`INSERT INTO group_members (email, group_id) VALUES (?, ?)`, [
    ['alice@acme.io', 'g_web'],
    ['bob@acme.io', 'g_web'],
    ['carol@acme.io', 'g_api'],
  ]);
  ins('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)', [
    [CYCLE_START, Date.parse('2026-04-01T00:00:00Z')],
  ]);
  ins(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, effective_limit_dollars, collected_ms)
     VALUES (?, ?, ?, ?, ?, ?, 0)`,
    [
      [CYCLE_START, 'alice@acme.io', 5000 * M, 3000 * M, 2000 * M, 100],
      [CYCLE_START, 'bob@acme.io', 1000 * M, 0, 1000 * M, null],
      [CYCLE_START, 'carol@acme.io', 2500 * M, 500 * M, 2000 * M, null],
      [Date.parse('2026-02-01T00:00:00Z'), 'alice@acme.io', 4000 * M, 0, 4000 * M, null],
    ],
  );
  // usage_daily and its rollups: (day, email, model, events, requests, charged_micro, input, output, cache_write, cache_read, included, usage_based, errored)
  const usage = (
    day: string,
    email: string,
    model: string,
    events: number,
    requests: number,
    charged_micro: number,
    input_tokens: number,
    output_tokens: number,
    cache_write_tokens: number,
    cache_read_tokens: number,
    included_events: number,
    usage_based_events: number,
    errored_events: number,
  ): UsageDailyRow => ({
    day,
    email,
    model,
    events,
    requests,
    charged_micro,
    input_tokens,
    output_tokens,
    cache_write_tokens,
    cache_read_tokens,
    included_events,
    usage_based_events,
    errored_events,
  });
  addUsageDaily(db, [
    usage('2026-03-02', 'alice@acme.io', 'claude-4-opus-max', 10, 20, 2000 * M, 100, 50, 0, 1000, 4, 6, 0),
    usage('2026-03-02', 'alice@acme.io', 'gpt-5', 5, 5, 100 * M, 10, 5, 0, 0, 5, 0, 0),
    usage('2026-03-03', 'alice@acme.io', 'claude-4-opus-max', 10, 10, 1000 * M, 100, 50, 0, 1000, 10, 0, 0),
    usage('2026-03-02', 'bob@acme.io', 'gpt-5', 20, 40, 400 * M, 200, 100, 0, 0, 20, 0, 0),
    usage('2026-03-03', 'carol@acme.io', 'gpt-5', 10, 10, 300 * M, 50, 50, 0, 0, 8, 0, 2),
  ]);
  // daily_usage: (day, email, is_active, agent_requests, lines_added, accepts, applies, usage_based_reqs, most_used_model, client_version)
  ins(
    `INSERT INTO daily_usage (day, email, is_active, agent_requests, lines_added, accepts, applies, usage_based_reqs, most_used_model, client_version)
     VALUES (?,?,?,?,?,?,?,?,?,?)`,
    [
      ['2026-03-02', 'alice@acme.io', 1, 20, 100, 8, 10, 3, 'claude-4-opus-max', '1.5.0'],
      ['2026-03-03', 'alice@acme.io', 1, 15, 50, 5, 10, 2, 'claude-4-opus-max', '1.5.0'],
      ['2026-03-02', 'bob@acme.io', 1, 40, 300, 20, 20, 0, 'gpt-5', '1.4.9'],
      ['2026-03-03', 'carol@acme.io', 1, 5, 10, 1, 2, 0, 'gpt-5', '1.5.0'],
      ['2026-03-03', 'dan@acme.io', 0, 0, 0, 0, 0, 0, null, null],
    ],
  );
  ins('INSERT INTO analytics_rows (endpoint, day, key, data) VALUES (?, ?, ?, ?)', [
    ['dau', '2026-03-02', '', JSON.stringify({ dau: 3, cli_dau: 1, cloud_agent_dau: 0, bugbot_dau: 0 })],
    ['dau', '2026-03-03', '', JSON.stringify({ dau: 2, cli_dau: 0, cloud_agent_dau: 1, bugbot_dau: 0 })],
    ['models', '2026-03-02', 'gpt-5', JSON.stringify({ messages: 30, users: 2 })],
    ['models', '2026-03-02', 'claude-4-opus-max', JSON.stringify({ messages: 10, users: 1 })],
    ['models', '2026-03-03', 'gpt-5', JSON.stringify({ messages: 20, users: 3 })],
    ['mcp', '2026-03-02', 'github/create_pr', JSON.stringify({ usage: 4 })],
    ['mcp', '2026-03-03', 'github/create_pr', JSON.stringify({ usage: 2 })],
    ['mcp', '2026-03-03', 'linear/search', JSON.stringify({ usage: 5 })],
    ['commands', '2026-03-02', 'review.md', JSON.stringify({ usage: 2 })],
    ['commands', '2026-03-03', 'review', JSON.stringify({ usage: 3 })],
    ['top-file-extensions', '2026-03-02', 'ts', JSON.stringify({ total_files: 5, total_lines_accepted: 120 })],
    ['top-file-extensions', '2026-03-02', 'py', JSON.stringify({ total_files: 2, total_lines_accepted: 30 })],
    ['client-versions', '2026-03-03', '1.10.0', JSON.stringify({ user_count: 1, percentage: 0.25 })],
    ['client-versions', '2026-03-03', '1.9.3', JSON.stringify({ user_count: 3, percentage: 0.75 })],
  ]);
  db.prepare(`INSERT INTO collection_runs (kind, started_ms, ended_ms, status) VALUES ('collect', ?, ?, 'ok')`).run(
    NOW - 30 * 60_000,
    NOW - 20 * 60_000,
  );
  return db;
}

/**
 * An app with docs + the API at /api/v1, as the lead mounts them, listening on a free loopback port
 * (jest cannot load light-my-request's ESM-only dependency, so tests use real HTTP). Caller closes it.
 */
export async function buildTestApp(
  db: Db,
  opts: Partial<ApiOptions> = {},
): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({ logger: false });
  await app.register(docsPlugin);
  await app.register(apiPlugin, {
    prefix: '/api/v1',
    store: new Store(db),
    auth: { mode: 'on', token: TOKEN },
    nowMs: () => NOW,
    ...opts,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One HTTP exchange; JSON bodies are parsed, others returned as text. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? auth) };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('json') ?? false;
  return { status: res.status, headers: res.headers, body: isJson ? JSON.parse(text) : text };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
