import { backfillEtaMs, formatDuration } from './progress';

describe('backfill ETA', () => {
  const p = { window: 3, windows: 30, pagesDone: 10, pagesEstimated: 130, events: 10_000 };
  it('is bounded below by the rate limit when the observed pace is faster', () => {
    // 10 pages in 1 s observed (100 ms/page), but 60/min allows one page per second: 120 s left.
    expect(backfillEtaMs(p, 1000, 60)).toBe(120_000);
  });
  it('uses the observed pace when it is slower than the limit', () => {
    expect(backfillEtaMs(p, 30_000, 60)).toBe(360_000);
  });
  it('formats durations', () => {
    expect(formatDuration(5_400)).toBe('5s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_780_000)).toBe('1h03m');
  });
});
