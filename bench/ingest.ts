/**
 * bench/ingest: 1,000,000 usage events from simulator-shaped JSON pages through the product's own
 * ingest path: the real Cursor client (transport, read-ahead, parse worker: parse → validate →
 * normalise → hash on the second core) and the real collector step (natural keys → upsert, the
 * usage_daily pre-aggregate and its API rollups, a window and its watermark per transaction).
 * Cursor itself is replaced by undici's MockAgent answering each page request with the page's
 * bytes at once (read from the file the generator wrote), and the client's rate limiter is opened
 * up: what is measured is how fast the exporter ingests, not Cursor's 60 pages/min. Ours runs in
 * its own process (bench/_ingest-ours.ts, compiled to JavaScript as the exporter ships), so its peak
 * RSS is the exporter's. Against it: a raw better-sqlite3 insert loop of the
 * same rows into the same table, in the same order and the same per-day transactions, in the same
 * run. Then: the API calls one hourly collection of a 500-user team makes, against the lower bound.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { SingleBar, Presets } from 'cli-progress';
import { parseUsageEventsPage } from '../exporter/src/cursor/normalize';
import { FLAG } from '../exporter/src/domain/event-batch';
import { eventHash, repeatKey } from '../exporter/src/domain/event-key';
import type { UsageEvent } from '../exporter/src/domain/records';
import { DAY_MS } from '../exporter/src/domain/time';
import { openDb } from '../exporter/src/store/db';
import { createSimulation } from '../exporter/src/simulator/simulation';
import { hourlyCollectionCalls } from './_collection-calls';
import { compiledHarness } from './_compiled';

const TARGET_EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 1_000_000);
const PAGE_SIZE = 1000;

export function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/**
 * Simulator days serialised as Cursor's filtered-usage-events pages (newest first, as Cursor
 * sends them) until TARGET_EVENTS, one file per page named `${startDate}-${page}.json` in `dir`:
 * the bytes the network delivers, kept on disk so no process holds all of them.
 */
function writePages(dir: string): { events: number; users: number; firstDay: number; days: number } {
  const users = 2000;
  const sim = createSimulation({ seed: 11, users, historyDays: 120, scenario: 'none' });
  let events = 0;
  let d = sim.startDayNum;
  const bar = progress('generate', TARGET_EVENTS);
  for (; d <= sim.endDayNum && events < TARGET_EVENTS; d++) {
    const day = new Date(d * DAY_MS).toISOString().slice(0, 10);
    const all = sim.eventsForDay(day).slice(0, TARGET_EVENTS - events);
    const numPages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    for (let p = 0; p < numPages; p++) {
      const body = JSON.stringify({
        totalUsageEventsCount: all.length,
        pagination: {
          numPages,
          currentPage: p + 1,
          pageSize: PAGE_SIZE,
          hasNextPage: p + 1 < numPages,
          hasPreviousPage: p > 0,
        },
        usageEvents: all.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE),
        period: { startDate: d * DAY_MS, endDate: (d + 1) * DAY_MS - 1 },
      });
      fs.writeFileSync(pageFile(dir, d * DAY_MS, p + 1), body);
    }
    events += all.length;
    bar.update(events);
  }
  bar.stop();
  return { events, users, firstDay: sim.startDayNum, days: d - sim.startDayNum };
}

export const pageFile = (dir: string, startDate: number, page: number): string =>
  path.join(dir, `${startDate}-${page}.json`);

interface RawWindow {
  events: UsageEvent[];
  keys: number[];
  /** Each event's e-mail, model and kind as usage_names ids (schema/022), three to an event. */
  ids: number[];
  /** Each event's yes/no fields as usage_event_rows stores them (schema/022). */
  flags: number[];
}

/**
 * Each day's events parsed from its pages into plain objects, oldest first (the order ours inserts
 * in), with the keys ours stores: the event's hash, and for the n-th repeat of an identical event
 * in the same millisecond, repeatKey(hash, n); and the names' ids, numbered in `names`.
 */
function rawWindows(pagesDir: string, firstDay: number, days: number, names: Map<string, number>): RawWindow[] {
  const out: RawWindow[] = [];
  const id = (name: string) => names.get(name) ?? (names.set(name, names.size + 1), names.size);
  for (let d = firstDay; d < firstDay + days; d++) {
    const events: UsageEvent[] = [];
    for (let p = 1; fs.existsSync(pageFile(pagesDir, d * DAY_MS, p)); p++)
      events.push(...parseUsageEventsPage(fs.readFileSync(pageFile(pagesDir, d * DAY_MS, p))).events);
    events.reverse();
    const keys: number[] = [];
    const ids: number[] = [];
    const flags: number[] = [];
    const seen = new Map<number, number>();
    for (const e of events) {
      ids.push(id(e.email), id(e.model), id(e.kind));
      flags.push(
        (e.maxMode ? FLAG.MAX_MODE : 0) |
          (e.isTokenBasedCall ? FLAG.TOKEN_BASED : 0) |
          (e.isChargeable ? FLAG.CHARGEABLE : 0) |
          (e.isHeadless ? FLAG.HEADLESS : 0),
      );
      const hash = eventHash(e);
      const n = seen.get(hash) ?? 0;
      seen.set(hash, n + 1);
      keys.push(n === 0 ? hash : repeatKey(hash, n));
    }
    out.push({ events, keys, ids, flags });
  }
  return out;
}

function tempDb(dir: string, name: string) {
  return openDb(path.join(dir, `${name}.db`));
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const pagesDir = path.join(dir, 'pages');
  fs.mkdirSync(pagesDir);
  try {
    // The harness compiles in a child process while the pages are written here.
    const compiling = compiledHarness('_ingest-ours.ts');
    const { events, users, firstDay, days } = writePages(pagesDir);
    const harness = await compiling;
    // Ours in a process of its own, so its peak RSS is the exporter's alone (not the generator's,
    // not the raw loop's parsed rows): a backfill by the collector's usage-events step.
    const ours = await new Promise<{ seconds: number; rows: number; peak_rss_mb: number }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [harness, JSON.stringify({ pagesDir, dbFile: path.join(dir, 'ours.db'), firstDay, days, events })],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`ingest child exited ${code}`)),
      );
    });
    if (ours.rows !== events) throw new Error(`ingest inserted ${ours.rows} of ${events} events`);
    const oursSeconds = ours.seconds;

    // Raw: a plain prepared INSERT of the same rows into the same table, in the same order and the
    // same per-day transactions. The rows (Cursor's events parsed into plain objects, with their
    // keys and days) are prepared before the timing starts, so this loop measures SQLite alone.
    const names = new Map<string, number>();
    const windows = rawWindows(pagesDir, firstDay, days, names);
    const raw = tempDb(dir, 'raw');
    const addName = raw.prepare('INSERT INTO usage_names (id, name) VALUES (?, ?)');
    raw.transaction(() => names.forEach((id, name) => addName.run(id, name)))();
    const insert = raw.prepare(`INSERT INTO usage_event_rows (ts_ms, event_hash, email_id, model_id, kind_id, flags,
      requests_costs, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro, charged_micro,
      cursor_fee_micro, conversation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const rawWrite = raw.transaction((w: RawWindow) => {
      for (let i = 0; i < w.events.length; i++) {
        const e = w.events[i];
        insert.run(
          e.timestampMs,
          w.keys[i],
          w.ids[3 * i],
          w.ids[3 * i + 1],
          w.ids[3 * i + 2],
          w.flags[i],
          e.requestsCosts,
          e.inputTokens,
          e.outputTokens,
          e.cacheWriteTokens,
          e.cacheReadTokens,
          e.tokenMicro,
          e.chargedMicro,
          e.cursorFeeMicro,
          e.conversationId,
        );
      }
    });
    const bar = progress('raw    ', events);
    let done = 0;
    const t1 = process.hrtime.bigint();
    for (const w of windows) {
      rawWrite(w);
      done += w.events.length;
      bar.update(done);
    }
    const rawSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    bar.stop();
    raw.close();

    const calls = await hourlyCollectionCalls(500);
    const figures = {
      events,
      simulated_users: users,
      events_per_s: Math.round(events / oursSeconds),
      raw_events_per_s: Math.round(events / rawSeconds),
      ratio_to_raw: Number((rawSeconds / oursSeconds).toFixed(3)),
      exporter_peak_rss_mb: ours.peak_rss_mb,
      hourly_collection_users: 500,
      hourly_collection_api_calls: calls.calls,
      hourly_collection_lower_bound: calls.lowerBound,
    };
    console.log(
      `ingest: ${events.toLocaleString()} events in ${oursSeconds.toFixed(2)} s = ${figures.events_per_s.toLocaleString()} events/s ` +
        `(raw insert loop ${figures.raw_events_per_s.toLocaleString()} events/s; ratio ${figures.ratio_to_raw}); exporter peak RSS ${figures.exporter_peak_rss_mb} MB`,
    );
    console.log(
      `hourly collection of a 500-user team: ${calls.calls} API calls (lower bound ${calls.lowerBound}: ${calls.explain})`,
    );
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
