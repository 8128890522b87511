import type { Cell, Column, Frame } from '../schemas/common';
import { microToUsd } from '../domain/money';

export function frame(columns: Column[], rows: Record<string, Cell>[]): Frame {
  return { columns, rows };
}

export const col = {
  time: (name = 'time'): Column => ({ name, type: 'time' }),
  str: (name: string): Column => ({ name, type: 'string' }),
  num: (name: string, unit?: string): Column => (unit ? { name, type: 'number', unit } : { name, type: 'number' }),
  usd: (name: string): Column => ({ name, type: 'number', unit: 'currencyUSD' }),
  bool: (name: string): Column => ({ name, type: 'boolean' }),
};

/** USD rounded to micro-cent precision, so float noise never shows in a table. */
export function usd(micro: number): number {
  return Math.round(microToUsd(micro) * 1e8) / 1e8;
}

/** Ratio or null when the denominator is zero (Grafana shows null as empty, not as 0 or Infinity). */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}
