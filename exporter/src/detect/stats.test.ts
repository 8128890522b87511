import { binomialUpperTail, levelComparison, mannKendall, median, theilSenSlope, weightedLogTrend } from './stats';

describe('median', () => {
  it('takes the middle element, or the mean of the middle two, of unsorted input', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 4, 30])).toBe(7); // numeric order, not string order (10 < 2 as text)
  });

  it.each([65, 66, 1001, 10_000])(
    'selects the same median as a full sort from %d values (ties, typed input), leaving the input as it was',
    (n) => {
      const xs = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 613) / 7 + (i % 3 === 0 ? 0 : 0.5));
      const before = xs.slice();
      const sorted = xs.slice().sort();
      const mid = n >> 1;
      expect(median(xs)).toBe(n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
      expect(xs).toEqual(before);
    },
  );
});

describe('binomialUpperTail', () => {
  it('matches hand-computed tails', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(2, 2, 0.5)).toBeCloseTo(0.25, 12);
    expect(binomialUpperTail(2, 3, 0.5)).toBeCloseTo(0.5, 12); // 3/8 + 1/8
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
  });

  it("tells a light user's chance flip from a real switch", () => {
    expect(binomialUpperTail(12, 24, 0.2)).toBeGreaterThan(1e-5); // 12 of 24 on a model used a fifth of the time
    expect(binomialUpperTail(80, 95, 0.05)).toBeLessThan(1e-30); // 85% on a model used 5% of the time
  });
});

describe('weightedLogTrend', () => {
  const days = 28;
  const reqs = Array.from({ length: days }, () => 20);
  it('recovers a compounding growth rate exactly on a clean series', () => {
    const spend = reqs.map((r, d) => r * 0.5 * 1.2 ** (d / 7));
    const t = weightedLogTrend(spend, reqs, 0, days - 1)!;
    expect(Math.exp(7 * t.slope)).toBeCloseTo(1.2, 10);
    expect(t.days).toBe(28);
  });

  it('divides by `per` when given (price at a fixed model mix)', () => {
    const spend = reqs.map((r, d) => r * 1.1 ** (d / 7));
    const per = reqs.map((r, d) => r * 1.1 ** (d / 7)); // the rise is all mix: flat
    expect(weightedLogTrend(spend, reqs, 0, days - 1, per)!.slope).toBeCloseTo(0, 12);
  });

  it('drops one far-off day and needs six days', () => {
    const spend = reqs.map((r, d) => r * (1 + 0.01 * Math.sin(d)) * (d === 27 ? 10 : 1));
    const t = weightedLogTrend(spend, reqs, 0, days - 1)!;
    expect(t.days).toBe(27);
    expect(Math.abs(Math.exp(7 * t.slope) - 1)).toBeLessThan(0.01);
    expect(weightedLogTrend(spend, reqs, 0, 4)).toBeNull();
  });
});

describe('levelComparison', () => {
  const ones = new Float64Array(28).fill(1);
  /** Two weeks at `a`, then two at `b`, with a fixed ±20% scatter. */
  const twoLevels = (a: number, b: number) =>
    Array.from({ length: 28 }, (_, i) => (i < 14 ? a : b) * (1 + 0.2 * Math.sin(i * 2.3)));

  it('measures the shift in logs and its z from the day-to-day scatter', () => {
    const c = levelComparison(twoLevels(10, 20), ones, ones, 0, 13, 14, 27, 4)!;
    expect(Math.exp(c.rise)).toBeCloseTo(2, 0);
    expect(Math.exp(c.earlyLevel)).toBeCloseTo(10, 0);
    expect(c.z).toBeGreaterThan(4);
    expect(Math.abs(levelComparison(twoLevels(10, 10), ones, ones, 0, 13, 14, 27, 4)!.z)).toBeLessThan(1);
  });

  it('is not moved by one dear day, and counts only the marked days', () => {
    const spiky = twoLevels(10, 10).map((v, i) => (i === 20 ? 500 : v));
    expect(levelComparison(spiky, ones, ones, 0, 13, 14, 27, 4)!.z).toBeLessThan(1);
    const marked = ones.map((_, i) => (i === 20 ? 0 : 1));
    expect(levelComparison(spiky, marked, ones, 0, 13, 14, 27, 4)!.rise).toBeCloseTo(
      levelComparison(twoLevels(10, 10), marked, ones, 0, 13, 14, 27, 4)!.rise,
      6,
    );
  });

  it('divides by per (the team factor)', () => {
    const per = ones.map((_, i) => (i >= 14 ? 2 : 1));
    expect(Math.abs(levelComparison(twoLevels(10, 20), ones, per, 0, 13, 14, 27, 4)!.rise)).toBeLessThan(0.1);
  });

  it('needs a larger rise from fewer days (the scale is estimated)', () => {
    const few = ones.map((_, i) => (i % 4 === 0 ? 1 : 0));
    const many = levelComparison(twoLevels(10, 14), ones, ones, 0, 13, 14, 27, 2)!;
    const sparse = levelComparison(twoLevels(10, 14), few, ones, 0, 13, 14, 27, 2)!;
    expect(sparse.z).toBeLessThan(many.z);
  });

  it('is null with fewer than minDays days in a window', () => {
    const early = ones.map((_, i) => (i < 3 || i >= 14 ? 1 : 0));
    expect(levelComparison(twoLevels(10, 20), early, ones, 0, 13, 14, 27, 4)).toBeNull();
  });
});

describe('mannKendall and theilSenSlope', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6], 15, 2.5],
    [[6, 5, 4, 3, 2, 1], -15, -2.5],
    [[1, 3, 2, 4, NaN, 5], 8, 1.5],
    [[2, 1, 2, 1, 2, 1], -3, 0],
  ])('%j: S %d, z about %d', (xs, s, z) => {
    const mk = mannKendall(xs);
    expect(mk.s).toBe(s);
    expect(mk.z).toBeCloseTo(z, 0);
  });

  it('Theil–Sen is the median pairwise slope, unmoved by one outlier', () => {
    expect(theilSenSlope([0, 1, 2, 3, 4, 5])).toBeCloseTo(1, 10);
    expect(theilSenSlope([0, 1, 2, 30, 4, 5])).toBeCloseTo(1, 10);
    expect(theilSenSlope([NaN, 1])).toBe(0);
  });
});
