import { DAY_MS } from '../domain/time';
import { dayWindows, msWindows } from './chunks';

describe('msWindows', () => {
  it('cuts 70 days into 30 + 30 + 10, each starting 1 ms after the previous end', () => {
    const from = Date.parse('2026-01-01T00:00:00.000Z');
    const to = from + 70 * DAY_MS - 1;
    expect(msWindows(from, to, 365 * DAY_MS)).toEqual([
      { startMs: from, endMs: from + 30 * DAY_MS - 1 },
      { startMs: from + 30 * DAY_MS, endMs: from + 60 * DAY_MS - 1 },
      { startMs: from + 60 * DAY_MS, endMs: to },
    ]);
  });
  it('uses the requested window when shorter, and covers a single instant', () => {
    expect(msWindows(0, 2 * DAY_MS, DAY_MS)).toEqual([
      { startMs: 0, endMs: DAY_MS - 1 },
      { startMs: DAY_MS, endMs: 2 * DAY_MS - 1 },
      { startMs: 2 * DAY_MS, endMs: 2 * DAY_MS },
    ]);
    expect(msWindows(5, 5, DAY_MS)).toEqual([{ startMs: 5, endMs: 5 }]);
  });
  it('rejects reversed ranges and bad windows with a clear error', () => {
    expect(() => msWindows(10, 5, DAY_MS)).toThrow(/after its end/);
    expect(() => msWindows(0, 5, 0)).toThrow(/positive integer/);
    expect(() => msWindows(Number.NaN, 5, 1)).toThrow(/integer epoch ms/);
  });
});

describe('dayWindows', () => {
  it('cuts an inclusive day range into ≤ 30-day windows', () => {
    expect(dayWindows('2026-01-01', '2026-03-11')).toEqual([
      { fromDay: '2026-01-01', toDay: '2026-01-30' },
      { fromDay: '2026-01-31', toDay: '2026-03-01' },
      { fromDay: '2026-03-02', toDay: '2026-03-11' },
    ]);
    expect(dayWindows('2026-01-01', '2026-01-01')).toEqual([{ fromDay: '2026-01-01', toDay: '2026-01-01' }]);
  });
  it('rejects impossible or reversed days', () => {
    expect(() => dayWindows('2026-02-30', '2026-03-01')).toThrow(/invalid day '2026-02-30'/);
    expect(() => dayWindows('2026-03-02', '2026-03-01')).toThrow(/after its end/);
  });
});
