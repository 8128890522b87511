/**
 * bench/ingest: 1,000,000 usage events from simulator-shaped JSON pages through the real
 * parse → validate → normalise → key → upsert path (with the usage_daily pre-aggregate and its API
 * rollups, store/usage-daily.ts), against a raw better-sqlite3 insert loop of the same rows into
 * the same table, in the same run.
 * Then: the API calls one hourly collection of a 500-user team makes, against the lower bound.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { parseUsageEventsPage } from '../exporter/src/cursor/normalize';
import type { UsageEvent } from '../exporter/src/domain/records';
import { openDb } from '../exporter/src/store/db';
import { EventKeyer } from '../exporter/src/store/event-key';
import { insertUsageEvents } from '../exporter/src/store/usage-events';
import { createSimulation } from '../exporter/src/simulator/simulation';
import { hourlyCollectionCalls } from './_collection-calls';

const TARGET_EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 1_000_000);
const PAGE_SIZE = 1000;

interface Page {
  day: string;
  json: string;
}

function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Simulator days serialised as Cursor's filtered-usage-events pages, until TARGET_EVENTS. */
function buildPages(): { pages: Page[]; events: number; users: number } {
  const users = 2000;
  const sim = createSimulation({ seed: 11, users, historyDays: 120, scenario: 'none' });
  const pages: Page[] = [];
  let events = 0;
  const bar = progress('generate', TARGET_EVENTS);
  for (let d = sim.startDayNum; d <= sim.endDayNum && events < TARGET_EVENTS; d++) {
    const day = new Date(d * 86_400_000).toISOString().slice(0, 10);
    const all = sim.eventsForDay(day).slice(0, TARGET_EVENTS - events);
    const numPages = Math.ceil(all.length / PAGE_SIZE);
    for (let p = 0; p < numPages; p++) {
      const usageEvents = all.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
      pages.push({
        day,
        json: JSON.stringify({
          totalUsageEventsCount: all.length,
          pagination: { numPages, currentPage: p + 1, pageSize: PAGE_SIZE, hasNextPage: p + 1 < numPages, hasPreviousPage: p > 0 },
          usageEvents,
          period: { startDate: d * 86_400_000, endDate: (d + 1) * 86_400_000 - 1 },
        }),
      });
    }
    events += all.length;
    bar.update(events);
  }
  bar.stop();
  return { pages, events, users };
}

function tempDb(dir: string, name: string) {
  return openDb(path.join(dir, `${name}.db`));
}

/** The pages of each window (a day) in turn: the collector commits a window after its last page. */
function* windows(pages: Page[]): Generator<Page[]> {
  let start = 0;
  for (let i = 0; i < pages.length; i++) {
    if (i + 1 < pages.length && pages[i + 1].day === pages[i].day) continue;
    yield pages.slice(start, i + 1);
    start = i + 1;
  }
}

export async function run(): Promise<Record<string, number>> {
  const { pages, events, users } = buildPages();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  try {
    // Ours: JSON text → parse/validate/normalise → natural key → upsert + pre-aggregate. Like the
    // collector, the pages of one window (a day) are committed in one transaction after its last
    // page, and nothing of a window is kept once it is committed.
    const db = tempDb(dir, 'ours');
    const write = db.transaction((evs: UsageEvent[]) => insertUsageEvents(db, evs, new EventKeyer()));
    let bar = progress('ours   ', events);
    let done = 0;
    const t0 = process.hrtime.bigint();
    for (const window of windows(pages)) {
      const pending: UsageEvent[] = [];
      for (const page of window) for (const e of parseUsageEventsPage(page.json).events) pending.push(e);
      write(pending);
      done += pending.length;
      bar.update(done);
    }
    const oursSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    bar.stop();
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM usage_events').get() as { n: number }).n;
    db.close();
    if (stored !== events) throw new Error(`ingest stored ${stored} of ${events} events`);

    // Raw: a plain prepared INSERT of the same normalised rows into the same table, in the same
    // order and with the same batching. The rows are parsed and keyed before the timing starts, so
    // this loop measures SQLite inserts alone.
    const rows = [...windows(pages)].map((window) => {
      const evs = window.flatMap((page) => parseUsageEventsPage(page.json).events);
      const keyer = new EventKeyer();
      return { day: window[0].day, evs, keys: evs.map((e) => keyer.key(e)) };
    });
    const raw = tempDb(dir, 'raw');
    const insert = raw.prepare(`INSERT INTO usage_events (ts_ms, event_hash, day, email, model, kind, max_mode,
      requests_costs, is_token_based, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro,
      charged_micro, cursor_fee_micro, is_chargeable, is_headless, conversation_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const rawWrite = raw.transaction((w: (typeof rows)[number]) => {
      for (let i = 0; i < w.evs.length; i++) {
        const e = w.evs[i];
        insert.run(e.timestampMs, w.keys[i], w.day, e.email, e.model, e.kind, e.maxMode ? 1 : 0, e.requestsCosts,
          e.isTokenBasedCall ? 1 : 0, e.inputTokens, e.outputTokens, e.cacheWriteTokens, e.cacheReadTokens, e.tokenMicro,
          e.chargedMicro, e.cursorFeeMicro, e.isChargeable ? 1 : 0, e.isHeadless ? 1 : 0, e.conversationId);
      }
    });
    bar = progress('raw    ', events);
    done = 0;
    const t1 = process.hrtime.bigint();
    for (const w of rows) {
      rawWrite(w);
      done += w.evs.length;
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
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      hourly_collection_users: 500,
      hourly_collection_api_calls: calls.calls,
      hourly_collection_lower_bound: calls.lowerBound,
    };
    console.log(
      `ingest: ${events.toLocaleString()} events in ${oursSeconds.toFixed(2)} s = ${figures.events_per_s.toLocaleString()} events/s ` +
        `(raw insert loop ${figures.raw_events_per_s.toLocaleString()} events/s; ratio ${figures.ratio_to_raw}); peak RSS ${figures.peak_rss_mb} MB`,
    );
    console.log(`hourly collection of a 500-user team: ${calls.calls} API calls (lower bound ${calls.lowerBound}: ${calls.explain})`);
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
