import { binomialUpperTail, median, weightedLogTrend, rampLogTrend } from './stats';

describe('median', () => {
  it('takes the middle element, or the mean of the middle two, of unsorted input', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 4, 30])).toBe(7); // numeric order, not string order (10 < 2 as text)
  });
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

describe('rampLogTrend', () => {
  const ones = new Float64Array(42).fill(1);
  it.each([
    ['a plain line', (x: number) => Math.exp(0.03 * x), 0],
    ['flat for 3 weeks, then growing', (x: number) => Math.exp(0.04 * Math.max(0, x - 21)), 21],
  ])('finds where %s starts to grow, and its slope', (_l, f, start) => {
    const values = Array.from({ length: 42 }, (_, x) => f(x) * (1 + 0.05 * Math.sin(x * 2.3)));
    const t = rampLogTrend(values, ones, 0, 41, ones);
    expect(t?.start).toBe(start);
    expect(t?.slope).toBeCloseTo(start ? 0.04 : 0.03, 2);
    expect(t?.t).toBeGreaterThan(10);
  });

  it('is null with fewer than 6 days', () => {
    expect(rampLogTrend([1, 2, 3, 4, 5], ones, 0, 4, ones)).toBeNull();
  });
});
