/** Small statistics over plain number arrays; the detectors' only maths. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length === 0 ? 0 : s / xs.length;
}

/** Sample standard deviation (n − 1): unbiased with few samples, and z is not capped at √(n−1). */
export function sampleSd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** The reference's median: element floor(n/2) of the sorted list (the upper median for even n). */
export function upperMedian(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The reference's percentile: element floor(q·n) of the sorted list, clamped to the last. */
export function rankQuantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface LinearFit {
  intercept: number; // value at x = 0
  slope: number;
  residualSd: number; // sample SD of residuals (n − 2); 0 with ≤ 2 points
}

/** Least-squares line through (i, ys[i]), i = 0…n−1. */
export function linearFit(ys: ArrayLike<number>): LinearFit {
  const n = ys.length;
  if (n === 0) return { intercept: 0, slope: 0, residualSd: 0 };
  if (n === 1) return { intercept: ys[0], slope: 0, residualSd: 0 };
  const mx = (n - 1) / 2;
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * (ys[i] - my);
    sxx += (i - mx) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (ys[i] - intercept - slope * i) ** 2;
  return { intercept, slope, residualSd: n > 2 ? Math.sqrt(ss / (n - 2)) : 0 };
}
