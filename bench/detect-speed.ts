/**
 * bench/detect-speed: one full detection pass (load facts from SQLite, every detector, forecasts,
 * burn rates, savings, onset refinement) over 10,000 users × 90 days, from a store seeded directly
 * with usage_daily rows (and their rollups, through store/usage-daily as ingest keeps them). Reports the time of the
 * first pass and of a second one over the days packed as the detection cycle packs them, and the process's peak
 * RSS; also a pass before packing (each day read from its rows, as right after a backfill) and the packing itself,
 * which the cycle does once for every day after a backfill, then for the day collected. Target: < 1 s.
 *
 * Progress goes to stderr while it runs (seeding, each pass), then a breakdown by phase — loading
 * the facts, each detector, burn rates, forecasts, savings — timed separately after the passes (the
 * figure is the whole pass, not the sum). The 1-minute load average is recorded with the result:
 * other work on a 2-core machine stretches wall time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAY_MS, addDays, dayStartMs } from '../exporter/src/domain/time';
import { burnRates } from '../exporter/src/detect/burn';
import { makeContext } from '../exporter/src/detect/context';
import { DAILY_DETECTORS } from '../exporter/src/detect/detect';
import { forecasts } from '../exporter/src/detect/forecast';
import { FactsBuilder } from '../exporter/src/detect/facts';
import { detectFrom, runWindow } from '../exporter/src/detect/run';
import { savings } from '../exporter/src/detect/savings';
import type { DetectionSettings } from '../exporter/src/detect/settings';
import { validateSettings } from '../exporter/src/detect/settings';
import { packDays } from '../exporter/src/detection-cycle';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';
import type { DetectionFactsRepo } from '../exporter/src/store/detection-facts';
import { addUsageDaily, type UsageDailyRow } from '../exporter/src/store/usage-daily';
import { mulberry32 } from './_rng';

const USERS = 10_000;
const DAYS = 90;
const GROUPS = 50;
const END_DAY = '2026-03-31';
const MODELS = ['claude-4.5-sonnet', 'gpt-5', 'claude-4.6-opus-max', 'gemini-2.5-pro', 'auto'];

function seed(file: string): number {
  const db = openDb(file);
  const now = dayStartMs(END_DAY) + DAY_MS;
  const rand = mulberry32(42);
  let rows = 0;
  db.transaction(() => {
    const group = db.prepare('INSERT INTO billing_groups (id, name, updated_ms) VALUES (?, ?, ?)');
    for (let g = 0; g < GROUPS; g++) group.run(`group_${g}`, `Team ${g}`, now);
    const member = db.prepare(
      'INSERT INTO members (email, user_id, name, role, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const inGroup = db.prepare('INSERT INTO group_members (email, group_id) VALUES (?, ?)');
    for (let u = 0; u < USERS; u++) {
      member.run(`user${u}@acme.dev`, `user_${u}`, `User ${u}`, 'member', now, now);
      inGroup.run(`user${u}@acme.dev`, `group_${u % GROUPS}`);
    }
    const cycle = db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)');
    for (let m = 0; m < 4; m++) cycle.run(Date.UTC(2026, m, 1), Date.UTC(2026, m + 1, 1));
    const first = addDays(END_DAY, -(DAYS - 1));
    for (let d = 0; d < DAYS; d++) {
      const day = addDays(first, d);
      const usage: UsageDailyRow[] = [];
      for (let u = 0; u < USERS; u++) {
        if (rand() < 0.3) continue; // not active that day
        const scale = 1 + (u % 17); // heavy and light users
        const models = rand() < 0.4 ? 2 : 1;
        for (let k = 0; k < models; k++) {
          const events = 5 + Math.floor(rand() * 40);
          const micro = Math.round(events * scale * (2 + rand() * 8) * 1e6);
          const usageBased = d % 30 > 20 ? Math.floor(events / 3) : 0;
          usage.push({
            day,
            email: `user${u}@acme.dev`,
            model: MODELS[(u + k) % MODELS.length],
            events,
            requests: events,
            charged_micro: micro,
            chargeable_micro: usageBased ? micro : 0,
            token_micro: micro,
            included_events: events - usageBased,
            usage_based_events: usageBased,
            input_tokens: events * 3000,
            output_tokens: events * 400,
            cache_read_tokens: events * 20000,
          });
          rows++;
        }
      }
      addUsageDaily(db, usage);
      if ((d + 1) % 15 === 0)
        process.stderr.write(`  seeding: ${d + 1}/${DAYS} days, ${rows.toLocaleString('en-US')} rows\n`);
    }
  })();
  db.close();
  return rows;
}

/** Milliseconds of each phase of a pass, each timed on its own (after the measured passes). */
function phases(loader: DetectionFactsRepo, settings: DetectionSettings, nowMs: number): Record<string, number> {
  const ms = (f: () => unknown) => {
    const t = performance.now();
    f();
    return Math.round(performance.now() - t);
  };
  const out: Record<string, number> = {};
  const w = runWindow(loader.cycles(), settings, nowMs);
  let facts = loader.load(w, new FactsBuilder(w));
  out.load_facts = ms(() => (facts = loader.load(w, new FactsBuilder(w))));
  const ctx = makeContext(facts, settings, nowMs);
  for (const detector of DAILY_DETECTORS) out[detector.name] = ms(() => detector(ctx));
  out.burnRates = ms(() => burnRates(ctx));
  out.forecasts = ms(() => forecasts(ctx));
  out.savings = ms(() => savings(ctx));
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-speed-'));
  const file = path.join(dir, 'store.db');
  try {
    const t0 = performance.now();
    process.stderr.write(
      `detect-speed: seeding a store with ${USERS} users × ${DAYS} days (load average ${os.loadavg()[0].toFixed(2)})\n`,
    );
    const rows = seed(file);
    const seedSeconds = (performance.now() - t0) / 1000;
    process.stderr.write(`  seeded in ${seedSeconds.toFixed(1)} s; timing two detection passes\n`);
    // Default thresholds, plus budgets for the team and every group so burn rates are computed too.
    const settings = validateSettings({
      budgets: {
        teamCycleUsd: 500_000,
        groupCycleUsd: Object.fromEntries(Array.from({ length: GROUPS }, (_, g) => [`group_${g}`, 10_000])),
      },
    });
    if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
    const store = Store.open(file);
    const loader = store.detectionFacts;
    const nowMs = dayStartMs(END_DAY) + 15 * 3_600_000;
    const pass = () => {
      const t = performance.now();
      const result = detectFrom(loader, settings.value, nowMs);
      return { seconds: (performance.now() - t) / 1000, findings: result.findings.length };
    };
    // As the store stands after a backfill: no day packed yet, every day read from its rows.
    const fromRows = pass();
    process.stderr.write(
      `  pass over the rows (no packs): ${fromRows.seconds.toFixed(3)} s, ${fromRows.findings} findings\n`,
    );
    // What the detection cycle does before each pass (after a backfill: the whole window, once).
    const t = performance.now();
    await packDays(store);
    const packSeconds = (performance.now() - t) / 1000;
    process.stderr.write(`  packed the ${DAYS} days in ${packSeconds.toFixed(3)} s\n`);
    const passes: number[] = [];
    let findings = 0;
    for (let i = 0; i < 2; i++) {
      const p = pass();
      passes.push(p.seconds);
      findings = p.findings;
      process.stderr.write(`  pass ${i + 1}: ${p.seconds.toFixed(3)} s, ${findings} findings\n`);
    }
    if (findings !== fromRows.findings)
      throw new Error(`packed days gave ${findings} findings, the rows ${fromRows.findings}`);
    const loadAvg = Math.round(os.loadavg()[0] * 100) / 100;
    const phaseMs = phases(loader, settings.value, nowMs);
    store.close();
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      `detect-speed: ${USERS} users × ${DAYS} days (${rows.toLocaleString('en-US')} usage_daily rows, seeded in ${seedSeconds.toFixed(1)} s)`,
    );
    console.log(
      `  first pass ${passes[0].toFixed(3)} s, second ${passes[1].toFixed(3)} s, ${findings} findings, peak RSS ${peakRssMb} MB (load average ${loadAvg})`,
    );
    console.log(
      `  before the days were packed: ${fromRows.seconds.toFixed(3)} s; packing the ${DAYS} days ${packSeconds.toFixed(3)} s (once after a backfill, then the day collected)`,
    );
    const ranked = Object.entries(phaseMs).sort((a, b) => b[1] - a[1]);
    console.log(`  phases (ms, each timed alone): ${ranked.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    return {
      users: USERS,
      days: DAYS,
      usage_daily_rows: rows,
      seconds: Math.round(passes[0] * 1000) / 1000,
      second_pass_seconds: Math.round(passes[1] * 1000) / 1000,
      unpacked_pass_seconds: Math.round(fromRows.seconds * 1000) / 1000,
      pack_seconds: Math.round(packSeconds * 1000) / 1000,
      findings,
      peak_rss_mb: peakRssMb,
      load_avg_1m: loadAvg,
      phases_ms: phaseMs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
