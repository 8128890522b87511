/**
 * Money is stored as integer micro-cents (1e-6 US cent). Cursor sends cents with up to six
 * decimals (e.g. 2450.125487) since 2026-06; micro-cents keep every digit and make sums exact.
 * Number.MAX_SAFE_INTEGER micro-cents is ~$90 billion, so plain JS numbers are safe.
 */
export const MICROCENTS_PER_CENT = 1_000_000;
export const MICROCENTS_PER_USD = 100 * MICROCENTS_PER_CENT;

export function centsToMicro(cents: number): number {
  return Math.round(cents * MICROCENTS_PER_CENT);
}

export function microToUsd(micro: number): number {
  return micro / MICROCENTS_PER_USD;
}

export function usdToMicro(usd: number): number {
  return Math.round(usd * MICROCENTS_PER_USD);
}

export function formatUsd(micro: number): string {
  const usd = microToUsd(micro);
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: usd >= 100 ? 0 : 2, maximumFractionDigits: usd >= 100 ? 0 : 2 })}`;
}
