import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from './retry';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T12:00:00.000Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('60', now)).toBe(60_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
  });
  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('returns undefined when absent or unparseable, so the caller backs off instead', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles the ceiling from 1 s up to the 16 s cap, with full jitter below it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, DEFAULT_BACKOFF, () => 0.999999));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999, 15999, 15999]);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(2000);
  });
});
