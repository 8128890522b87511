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

/** The usual median: the middle element, or the mean of the two middle ones for even n; null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = Float64Array.from(xs).sort(); // numeric sort without a comparator call per compare
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The reference's median: element floor(n/2) of the sorted list (the upper median for even n). */
export function upperMedian(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort(); // numeric sort without a comparator call per compare
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

export interface LogTrend {
  intercept: number; // fitted ln(value) on day `from`
  slope: number; // growth of ln($/request) per day
  t: number; // slope ÷ its standard error
  days: number; // days in the final fit
}

/**
 * Trend of ln(spend ÷ per) over days [from, to] (per: requests by default, or what those requests
 * would cost at reference prices), each day weighted by its requests (a day's
 * mean of n requests has variance ∝ 1/n). Days that sit more than 3 standard errors off the first
 * fit (one expensive day) are dropped and the line refitted once. The t statistic uses the
 * residual scatter, so noisy series need a steeper slope to count. null with fewer than 6 days.
 */
export function weightedLogTrend(
  spend: ArrayLike<number>,
  requests: ArrayLike<number>,
  from: number,
  to: number,
  per: ArrayLike<number> = requests,
): LogTrend | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = Math.max(0, from); i <= to; i++) {
    if (!(requests[i] > 0) || !(spend[i] > 0) || !(per[i] > 0)) continue;
    xs.push(i - from);
    ys.push(Math.log(spend[i] / per[i]));
    ws.push(requests[i]);
  }
  let fit = weightedLine(xs, ys, ws, null);
  if (fit === null) return null;
  const { a, b, s } = fit;
  const keep = xs.map((x, i) => Math.abs(ys[i] - a - b * x) * Math.sqrt(ws[i]) <= 3 * s);
  if (keep.some((k) => !k)) fit = weightedLine(xs, ys, ws, keep);
  return fit === null ? null : { intercept: fit.a, slope: fit.b, t: fit.se > 0 ? fit.b / fit.se : fit.b > 0 ? Infinity : 0, days: fit.n };
}

export interface RampTrend extends LogTrend {
  start: number; // day offset (from `from`) where the growth begins; flat before it
}

/**
 * Like weightedLogTrend, but the series may be flat before the growth begins: ln(value) = a +
 * b·max(0, x − start), with `start` the candidate (0, 7, 14, … leaving at least two weeks of
 * growth) that gives the largest t. A rise that began mid-window is measured against the flat
 * level before it instead of a line through both, which is what gives a slow rise its power; the
 * pick of the best start is a handful of correlated tries, so callers ask for a larger t.
 */
export function rampLogTrend(values: ArrayLike<number>, weights: ArrayLike<number>, from: number, to: number, per: ArrayLike<number>): RampTrend | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = Math.max(0, from); i <= to; i++) {
    if (!(weights[i] > 0) || !(values[i] > 0) || !(per[i] > 0)) continue;
    xs.push(i - from);
    ys.push(Math.log(values[i] / per[i]));
    ws.push(weights[i]);
  }
  const hinge = (c: number) => xs.map((x) => Math.max(0, x - c));
  let best: { c: number; t: number } | null = null;
  for (let c = 0; c <= to - from - 14; c += 7) {
    const fit = weightedLine(hinge(c), ys, ws, null);
    if (fit === null) continue;
    const t = fit.se > 0 ? fit.b / fit.se : 0;
    if (best === null || t > best.t) best = { c, t };
  }
  if (best === null) return null;
  const hx = hinge(best.c);
  let fit = weightedLine(hx, ys, ws, null);
  if (fit === null) return null;
  const { a, b, s } = fit;
  const keep = hx.map((x, i) => Math.abs(ys[i] - a - b * x) * Math.sqrt(ws[i]) <= 3 * s);
  if (keep.some((k) => !k)) fit = weightedLine(hx, ys, ws, keep);
  return fit === null ? null : { intercept: fit.a, slope: fit.b, t: fit.se > 0 ? fit.b / fit.se : fit.b > 0 ? Infinity : 0, days: fit.n, start: best.c };
}

function weightedLine(xs: number[], ys: number[], ws: number[], keep: boolean[] | null): { a: number; b: number; s: number; se: number; n: number } | null {
  let W = 0;
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    if (keep && !keep[i]) continue;
    W += ws[i];
    sx += ws[i] * xs[i];
    sy += ws[i] * ys[i];
    n++;
  }
  if (n < 6) return null;
  const mx = sx / W;
  const my = sy / W;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    if (keep && !keep[i]) continue;
    sxx += ws[i] * (xs[i] - mx) ** 2;
    sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 0)) return null;
  const b = sxy / sxx;
  const a = my - b * mx;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) if (!keep || keep[i]) ss += ws[i] * (ys[i] - a - b * xs[i]) ** 2;
  const s = Math.sqrt(ss / (n - 2)); // scatter of one request's log cost around the line
  return { a, b, s, se: s / Math.sqrt(sxx), n };
}

/** P(X ≥ k) for X ~ Binomial(n, p): how surprising k successes in n tries are at rate p. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  // ln pmf(k) = ln C(n, k) + k ln p + (n − k) ln(1 − p), then the recurrence pmf(j+1)/pmf(j).
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log((n - k + i) / i);
  let term = Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p));
  let sum = 0;
  for (let j = k; j <= n && term > 0; j++) {
    sum += term;
    if (term < sum * 1e-12) break;
    term *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}
