import { openDb } from '../store/db';
import { IncidentsRepo } from '../store/incidents';
import { computeMttx, mttxReport, type MttxInput } from './mttx';

const T0 = Date.parse('2026-03-10T00:00:00Z');
const min = (n: number) => T0 + n * 60_000;

const incidents: MttxInput[] = [
  // onset 0, alerted 30, ack 40, resolved 120 → D 30, I 10, R 120
  { detector: 'spend_spike', onsetMs: min(0), alertedMs: min(30), acknowledgedMs: min(40), resolvedMs: min(120) },
  // onset 0, alerted 90, never acked, resolved 300 → D 90, R 300
  { detector: 'spend_spike', onsetMs: min(0), alertedMs: min(90), acknowledgedMs: null, resolvedMs: min(300) },
  // never alerted: counts for nothing but MTTR
  { detector: 'zscore', onsetMs: min(0), alertedMs: null, acknowledgedMs: min(20), resolvedMs: min(60) },
  // acknowledged by a silence before the alert: no MTTI
  { detector: 'zscore', onsetMs: min(10), alertedMs: min(70), acknowledgedMs: min(50), resolvedMs: null },
];

describe('MTTx', () => {
  it('computes MTTD from onset, MTTI from alert to ack, MTTR from onset to resolve', () => {
    const r = computeMttx(incidents);
    expect(r.incidents).toBe(4);
    expect(r.mttd).toEqual({ count: 3, meanMs: 60 * 60_000, medianMs: 60 * 60_000, meanMinutes: 60 }); // 30, 90, 60
    expect(r.mtti).toEqual({ count: 1, meanMs: 10 * 60_000, medianMs: 10 * 60_000, meanMinutes: 10 });
    expect(r.mttr.count).toBe(3);
    expect(r.mttr.meanMinutes).toBe(160); // (120 + 300 + 60) / 3
    expect(r.mttr.medianMs).toBe(120 * 60_000);
  });

  it('splits per detector', () => {
    const r = computeMttx(incidents);
    expect(Object.keys(r.byDetector)).toEqual(['spend_spike', 'zscore']);
    expect(r.byDetector.spend_spike.mttd.meanMinutes).toBe(60);
    expect(r.byDetector.spend_spike.mtti.meanMinutes).toBe(10);
    expect(r.byDetector.zscore.mttd.meanMinutes).toBe(60); // only the alerted one: 70 − 10
    expect(r.byDetector.zscore.mtti.count).toBe(0);
    expect(r.byDetector.zscore.mttr.meanMinutes).toBe(60);
  });

  it('is empty, not zero, with no incidents', () => {
    expect(computeMttx([]).mttd).toEqual({ count: 0, meanMs: null, medianMs: null, meanMinutes: null });
  });

  it('reads incidents detected inside the window from the store', () => {
    const db = openDb(':memory:');
    const ins =
      db.prepare(`INSERT INTO incidents (key, detector, severity, subject, day, message, value, threshold, unit, status,
      onset_ms, detected_ms, alerted_ms, first_run, last_seen_run, updated_ms)
      VALUES (?, 'spend_spike', 'warning', 'user', '2026-03-10', 'm', 1, 1, 'usd', 'alerted', ?, ?, ?, 1, 1, ?)`);
    ins.run('a', min(0), min(5), min(30), min(30));
    ins.run('b', min(0), min(5_000), min(5_060), min(5_060)); // outside the window
    const r = mttxReport(new IncidentsRepo(db), min(0), min(60));
    expect(r.incidents).toBe(1);
    expect(r.mttd.meanMinutes).toBe(30);
    db.close();
  });
});
