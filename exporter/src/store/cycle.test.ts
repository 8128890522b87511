import { openDb, type Db } from './db';
import { CyclesRepo, dayOfCycle, describeCycle, lastDataDay } from './cycle';

const ms = (iso: string) => Date.parse(iso);
const MAR = ms('2026-03-01T00:00:00Z');
const APR = ms('2026-04-01T00:00:00Z');
const NOW = ms('2026-03-10T12:00:00Z');

let db: Db;
beforeEach(() => (db = openDb(':memory:')));
afterEach(() => db.close());

const cycleRow = (start: number, end: number) =>
  db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(start, end);
const spendStart = (start: number) =>
  db
    .prepare(
      `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, collected_ms) VALUES (?, 'a@x.io', 0, 0, 0, 0)`,
    )
    .run(start);

describe('CyclesRepo.resolve', () => {
  it('is null before anything was collected', () => {
    expect(new CyclesRepo(db).resolve(NOW)).toBeNull();
  });

  it('takes the billing_cycles row containing now, not the latest one', () => {
    cycleRow(ms('2026-02-01T00:00:00Z'), MAR);
    cycleRow(MAR, APR);
    cycleRow(APR, ms('2026-05-01T00:00:00Z'));
    expect(new CyclesRepo(db).resolve(NOW)).toEqual({
      startMs: MAR,
      endMs: APR,
      endKnown: true,
      startDay: '2026-03-01',
      lastDay: '2026-03-31',
      lengthDays: 31,
      dayOfCycle: 10,
      daysLeft: 22,
    });
  });

  it('keeps the groups cycle when the spend endpoint reports the same or an older start', () => {
    cycleRow(MAR, APR);
    spendStart(ms('2026-02-01T00:00:00Z'));
    spendStart(MAR);
    expect(new CyclesRepo(db).resolve(NOW)).toMatchObject({ startMs: MAR, endMs: APR, endKnown: true });
  });

  it('follows a newer spend start, with end = start + 1 month not known', () => {
    cycleRow(ms('2026-02-01T00:00:00Z'), ms('2026-03-11T00:00:00Z'));
    spendStart(ms('2026-03-05T00:00:00Z'));
    expect(new CyclesRepo(db).resolve(NOW)).toMatchObject({
      startDay: '2026-03-05',
      endMs: ms('2026-04-05T00:00:00Z'),
      endKnown: false,
      dayOfCycle: 6,
    });
  });

  it('without a row containing now, uses the latest spend start (not a future one) + 1 calendar month', () => {
    cycleRow(ms('2026-01-01T00:00:00Z'), ms('2026-02-01T00:00:00Z'));
    spendStart(ms('2026-02-15T00:00:00Z'));
    spendStart(ms('2026-03-05T00:00:00Z'));
    spendStart(ms('2026-04-05T00:00:00Z'));
    expect(new CyclesRepo(db).resolve(NOW)).toMatchObject({
      startDay: '2026-03-05',
      lastDay: '2026-04-04',
      lengthDays: 31,
      endKnown: false,
    });
  });

  it('is null with only a stale groups cycle and no spend', () => {
    cycleRow(ms('2026-01-01T00:00:00Z'), ms('2026-02-01T00:00:00Z'));
    expect(new CyclesRepo(db).resolve(NOW)).toBeNull();
  });
});

describe('describeCycle', () => {
  it('clamps the day of the cycle and never counts days left below 0', () => {
    expect(describeCycle(MAR, APR, MAR - 1, true)).toMatchObject({ dayOfCycle: 1, daysLeft: 32 });
    expect(describeCycle(MAR, APR, APR + 5 * 86_400_000, true)).toMatchObject({ dayOfCycle: 31, daysLeft: 0 });
    expect(describeCycle(MAR, APR, APR - 1, true)).toMatchObject({ dayOfCycle: 31, daysLeft: 1 });
  });
});

describe('CyclesRepo.previous', () => {
  it('is the stored one before, else one of the same length ending at the start', () => {
    const march = describeCycle(MAR, APR, NOW, true);
    expect(new CyclesRepo(db).previous(march)).toMatchObject({
      startMs: MAR - 31 * 86_400_000,
      endMs: MAR,
      endKnown: false,
      lengthDays: 31,
    });
    cycleRow(ms('2026-02-01T00:00:00Z'), MAR);
    expect(new CyclesRepo(db).previous(march)).toMatchObject({
      startDay: '2026-02-01',
      lastDay: '2026-02-28',
      lengthDays: 28,
      endKnown: true,
    });
  });
});

describe('day helpers', () => {
  it('numbers data days from 1 and stops reading at today or the last day', () => {
    const march = describeCycle(MAR, APR, NOW, true);
    expect([dayOfCycle(march, '2026-03-01'), dayOfCycle(march, '2026-03-31')]).toEqual([1, 31]);
    expect(lastDataDay(march, NOW)).toBe('2026-03-10');
    expect(lastDataDay(march, APR + 86_400_000)).toBe('2026-03-31');
  });
});
