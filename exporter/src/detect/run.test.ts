import { DAY_MS, HOUR_MS, dayStartMs } from '../domain/time';
import type { UsageEvent } from '../domain/records';
import { openDb, type Db } from '../store/db';
import { UsageEventsRepo } from '../store/usage-events';
import { runDetection } from './run';
import { DEFAULT_SETTINGS } from './settings';
import { day } from './test-fixtures';

const event = (email: string, ts: number, cents: number): UsageEvent => ({
  timestampMs: ts, email, model: 'claude-4.5-sonnet', kind: 'Included in Business', maxMode: false, requestsCosts: 1, isTokenBasedCall: true,
  inputTokens: 100, outputTokens: 10, cacheWriteTokens: 0, cacheReadTokens: 0, tokenMicro: cents * 1e6, chargedMicro: cents * 1e6,
  cursorFeeMicro: 0, isChargeable: false, isHeadless: false, conversationId: null,
});

describe('runDetection over the store', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
    db.prepare("INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES ('alice@x.io', NULL, 'Alice', 'member', 0, 0, 0)").run();
    db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(dayStartMs(day(0)), dayStartMs(day(0)) + 30 * DAY_MS);
    const events: UsageEvent[] = [];
    // $20 a day (two $10 events) on days 0–20; on day 21 ten $25 events, one per hour from 09:00.
    for (let d = 0; d < 21; d++) events.push(event('alice@x.io', dayStartMs(day(d)) + 10 * HOUR_MS, 1000), event('alice@x.io', dayStartMs(day(d)) + 15 * HOUR_MS, 1000));
    for (let h = 0; h < 10; h++) events.push(event('alice@x.io', dayStartMs(day(21)) + (9 + h) * HOUR_MS, 2500));
    db.transaction(() => new UsageEventsRepo(db).insert(events))();
  });
  afterEach(() => db.close());

  it('finds the spike and dates its onset to the event that crossed the threshold', () => {
    const result = runDetection(db, DEFAULT_SETTINGS, dayStartMs(day(22)) + 6 * HOUR_MS);
    const spike = result.findings.find((f) => f.key === 'spend_spike:alice@x.io');
    // Threshold 4 × $20 = $80, crossed by the 4th $25 event (cumulative $100) at 12:00.
    expect(spike).toMatchObject({ day: day(21), value: 250, baseline: 20, threshold: 80, notify: true, onsetMs: dayStartMs(day(21)) + 12 * HOUR_MS });
    expect(spike?.message).toBe('Alice: daily spend spiked to $250 (12.5× the $20.00 they would usually spend that day) — model: claude-4.5-sonnet');
    expect(result.forecasts.find((f) => f.subject === 'team')?.toDateMicro).toBe(670 * 1e8);
  });

  it('returns no findings on an empty store', () => {
    const empty = openDb(':memory:');
    expect(runDetection(empty, DEFAULT_SETTINGS, Date.parse('2026-03-10T00:00:00Z'))).toMatchObject({ findings: [], signals: [], burn: [] });
    empty.close();
  });
});
