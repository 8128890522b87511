import { lookbackStartMs, streamStartMs } from './range';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const H = 3_600_000;

describe('stream ranges', () => {
  it('counts lookback days including today, from 00:00 UTC', () => {
    expect(new Date(lookbackStartMs(NOW, 1)).toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(new Date(lookbackStartMs(NOW, 30)).toISOString()).toBe('2026-02-09T00:00:00.000Z');
  });
  it('starts at the watermark minus the overlap, or the initial backfill on an empty stream', () => {
    expect(streamStartMs(NOW, NOW - 5 * H, 2 * H, 30, undefined)).toBe(NOW - 7 * H);
    expect(streamStartMs(NOW, undefined, 2 * H, 30, undefined)).toBe(lookbackStartMs(NOW, 30));
  });
  it('a backfill reaches exactly N days on an empty stream and at least N days otherwise', () => {
    expect(streamStartMs(NOW, undefined, 2 * H, 30, 5)).toBe(lookbackStartMs(NOW, 5));
    expect(streamStartMs(NOW, NOW - H, 2 * H, 30, 5)).toBe(lookbackStartMs(NOW, 5));
    expect(streamStartMs(NOW, NOW - 10 * 24 * H, 2 * H, 30, 5)).toBe(NOW - 10 * 24 * H - 2 * H);
  });
  it('a backfill over days already held without a gap resumes from the watermark', () => {
    const wm = NOW - 20 * 24 * H;
    expect(streamStartMs(NOW, wm, 2 * H, 30, 45, lookbackStartMs(NOW, 45))).toBe(wm - 2 * H);
    expect(streamStartMs(NOW, wm, 2 * H, 30, 45, lookbackStartMs(NOW, 46))).toBe(wm - 2 * H);
    // Stored range starts later than asked: the older days are fetched.
    expect(streamStartMs(NOW, wm, 2 * H, 30, 45, lookbackStartMs(NOW, 30))).toBe(lookbackStartMs(NOW, 45));
  });
});
