/**
 * The first `k` of `items` in `cmp` order (a total order: ties broken, as every caller does), as
 * `[...items].sort(cmp).slice(0, k)` would give them, without sorting all of them: a table page or
 * a top ten out of 10,000 people compares most of them once, with the k-th best so far.
 */
export function firstSorted<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  let kept: T[] = [];
  let worst: T | undefined; // the k-th best once k are kept: nothing after it can enter
  for (const x of items) {
    if (worst !== undefined && cmp(x, worst) >= 0) continue;
    kept.push(x);
    // Sorting 2k at a time keeps the work near n·log k comparisons.
    if (kept.length >= 2 * k) {
      kept = kept.sort(cmp).slice(0, k);
      worst = kept[k - 1];
    }
  }
  return kept.sort(cmp).slice(0, k);
}
