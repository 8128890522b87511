import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { BadInput } from '../domain/errors';

export interface CsvRow {
  line: number; // 1-based line in the file; the header is line 1
  cells: Record<string, string>; // lower-cased header → trimmed cell
}

/**
 * Parses an uploaded CSV (BOM stripped, quoted commas and quotes honoured, blank lines skipped).
 * Headers are lower-cased and trimmed. A file that is not CSV at all is a 400 on `body.csv`.
 */
export function parseCsv(text: string): { headers: string[]; rows: CsvRow[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as typeof records;
  } catch (err) {
    throw new BadInput('body.csv', `not a valid CSV file: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new BadInput('body.csv', 'the file is empty');
  const headers = records[0].record.map((h) => h.trim().toLowerCase());
  const rows = records.slice(1).map(({ record, info }) => ({
    line: info.lines,
    cells: Object.fromEntries(headers.map((h, i) => [h, unguard((record[i] ?? '').trim())])),
  }));
  return { headers, rows: rows.filter((r) => Object.values(r.cells).some((v) => v !== '')) };
}

export function requireColumns(headers: string[], required: string[]): void {
  const missing = required.filter((c) => !headers.includes(c));
  if (missing.length > 0)
    throw new BadInput(
      'body.csv',
      `missing required column(s): ${missing.join(', ')}; found: ${headers.join(', ') || 'none'}`,
    );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmail = (s: string) => EMAIL.test(s);

/** Cells a spreadsheet would run as a formula (CSV injection): =, +, -, @, tab and CR first. */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * RFC 4180 CSV (quotes doubled), the reference's `email,name,group` backup format. A cell that a
 * spreadsheet would read as a formula gets a leading `'` (OWASP's advice); parseCsv removes it, so a
 * backup restores the exact names.
 */
export function toCsv(header: string[], rows: string[][]): string {
  return stringify([header, ...rows].map((row) => row.map((cell) => (FORMULA.test(cell) ? `'${cell}` : cell))));
}

/** Undoes toCsv's formula guard. */
const unguard = (cell: string): string => (cell.startsWith("'") && FORMULA.test(cell.slice(1)) ? cell.slice(1) : cell);
