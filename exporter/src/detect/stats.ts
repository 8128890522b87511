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

/**
 * The usual median: the middle element, or the mean of the two middle ones for even n; null when
 * empty. A person's few dozen days are sorted (a typed-array sort compares numerically without a
 * comparator call); the team's day (thousands of people) is selected without a full sort.
 */
export function median(xs: ArrayLike<number>): number | null {
  const n = xs.length;
  if (n === 0) return null;
  const s = new Float64Array(xs);
  const mid = n >> 1;
  if (n <= 64) {
    s.sort();
    return n % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }
  select(s, mid);
  if (n % 2) return s[mid];
  let below = s[0];
  for (let i = 1; i < mid; i++) if (s[i] > below) below = s[i];
  return (below + s[mid]) / 2;
}

/** Quickselect (Hoare): puts the k-th smallest at k, smaller ones before it, larger after. */
function select(xs: Float64Array, k: number): void {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
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
  return fit === null ? null : { slope: fit.b, t: fit.se > 0 ? fit.b / fit.se : fit.b > 0 ? Infinity : 0, days: fit.n };
}

export interface LevelComparison {
  earlyLevel: number; // ln of the median value of the early window
  rise: number; // the late window's shift in ln (Hodges–Lehmann)
  z: number; // the rise's standard score: the normal z of the same tail probability as rise ÷ its estimated standard error
}

/**
 * Robust two-window comparison of a level: x = ln(values[i] ÷ per[i]) on the days where `days[i]`
 * is set and the value is positive, the late window [lateFrom, lateTo] against the early one
 * [earlyFrom, earlyTo].
 * - The shift is the two-sample Hodges–Lehmann estimate, the median of all late − early
 *   differences: the estimator that goes with the Mann–Whitney test, as robust as the medians (a
 *   lone dear day moves it little) and nearly as efficient as the means (its standard error is
 *   σ·√(π/3)·√(1/n + 1/m), where a difference of medians has √(π/2)).
 * - σ, the day-to-day scatter, comes from successive differences over all the days from
 *   earlyFrom to lateTo (a slow rise barely moves them): their root mean square ÷ √2, after
 *   dropping the ones more than 4× the median |difference| (a burst or a lone dear day). Deviations
 *   from the median of a handful of days would be biased low; a scale estimated from fewer days is
 *   itself noisier, which is what minimum days and the caller's z guard against. At least 0.1: no
 *   person's working days are that regular, and a near-constant series must not turn a small rise
 *   into a large z.
 * null when a window has fewer than minDays days (at least 2).
 */
export function levelComparison(
  values: ArrayLike<number>,
  days: ArrayLike<number>,
  per: ArrayLike<number>,
  earlyFrom: number,
  earlyTo: number,
  lateFrom: number,
  lateTo: number,
  minDays: number,
): LevelComparison | null {
  const pick = (a: number, b: number): number[] => {
    const xs: number[] = [];
    for (let i = Math.max(0, a); i <= b; i++)
      if (days[i] && values[i] > 0 && per[i] > 0) xs.push(Math.log(values[i] / per[i]));
    return xs;
  };
  const e = pick(earlyFrom, earlyTo);
  const l = pick(lateFrom, lateTo);
  if (e.length < Math.max(2, minDays) || l.length < Math.max(2, minDays)) return null;
  const diffs: number[] = [];
  for (const y of l) for (const x of e) diffs.push(y - x);
  const rise = median(diffs) as number;
  const all = pick(earlyFrom, lateTo);
  const steps: number[] = [];
  for (let k = 1; k < all.length; k++) steps.push(Math.abs(all[k] - all[k - 1]));
  const cut = 4 * (median(steps) as number);
  let ss = 0;
  let n = 0;
  for (const st of steps)
    if (st <= cut) {
      ss += st * st;
      n++;
    }
  const sigma = Math.max(0.1, Math.sqrt(ss / Math.max(1, n) / 2));
  const se = Math.sqrt(Math.PI / 3) * sigma * Math.sqrt(1 / e.length + 1 / l.length);
  // σ is estimated, from few days for a light user: the ratio is a t with about ⅔ of the steps as
  // degrees of freedom (successive differences share days), turned into the normal z of the same
  // tail probability (Wallace's approximation), so a light user's few days need a larger rise.
  const t = rise / se;
  const df = Math.max(1, (2 * n) / 3);
  return { earlyLevel: median(e) as number, rise, z: (t * (1 - 1 / (4 * df))) / Math.sqrt(1 + (t * t) / (2 * df)) };
}

/**
 * Mann–Kendall trend of a series in order: S = rising pairs − falling pairs (NaN entries skipped),
 * and its one-sided standard score with the continuity correction, (S − 1) ÷ √(n(n−1)(2n+5)/18).
 */
export function mannKendall(xs: readonly number[]): { s: number; z: number } {
  let s = 0;
  const ys = xs.filter((x) => !Number.isNaN(x));
  const n = ys.length;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(ys[j] - ys[i]);
  const sd = Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  return { s, z: sd > 0 ? (s - Math.sign(s)) / sd : 0 };
}

/** Theil–Sen slope: the median of the pairwise slopes (NaN entries skipped; 0 with fewer than two points). */
export function theilSenSlope(xs: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++)
      if (!Number.isNaN(xs[i]) && !Number.isNaN(xs[j])) slopes.push((xs[j] - xs[i]) / (j - i));
  return median(slopes) ?? 0;
}

function weightedLine(
  xs: number[],
  ys: number[],
  ws: number[],
  keep: boolean[] | null,
): { a: number; b: number; s: number; se: number; n: number } | null {
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
