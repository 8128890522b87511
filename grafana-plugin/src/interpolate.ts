/**
 * Template variables in query fields, through Grafana's own getTemplateSrv().replace (so `$var`,
 * `${var}`, `${var:text}`, repeat-panel scopedVars and `$__from`-style macros all work).
 *
 * The exporter's filters take one value each, so a multi-value variable fans out: a field with n
 * values gives n parameter sets (several multi-value fields: every combination), one request each.
 * A variable set to "All" means "no filter": the field is dropped.
 */
import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';

export const ALL_VALUE = '$__all';
/** Past this many requests for one panel query, ask for fewer values (or All) instead. */
export const MAX_FANOUT = 20;

export type Params = Record<string, string | number>;

/** What Grafana gives a format function about the variable (legacy model or scenes' summary). */
interface VariableInfo {
  name?: string;
  current?: { value?: unknown };
}

function isAllValue(value: unknown): boolean {
  return value === ALL_VALUE || (Array.isArray(value) && value.includes(ALL_VALUE));
}

/** Whether the variable behind a replacement is set to "All" (looked up by name: scenes passes no current value). */
function isAll(variable: VariableInfo | undefined): boolean {
  if (!variable) {
    return false;
  }
  if (isAllValue(variable.current?.value)) {
    return true;
  }
  const model = getTemplateSrv()
    .getVariables()
    .find((v) => v.name === variable.name) as VariableInfo | undefined;
  return isAllValue(model?.current?.value);
}

const marker = (i: number) => `\u0000${i}\u0000`;

/**
 * The values one field expands to: [] for a field set to "All" or left empty (no filter),
 * one string per combination of the multi-value variables it contains.
 */
export function expandField(text: string, scopedVars?: ScopedVars): string[] {
  let all = false;
  const lists: string[][] = [];
  const marked = getTemplateSrv().replace(text, scopedVars, (value: unknown, variable?: VariableInfo) => {
    if (isAllValue(value) || isAll(variable)) {
      all = true;
      return '';
    }
    lists.push((Array.isArray(value) ? value : [value]).map(String));
    return marker(lists.length - 1);
  });
  if (all) {
    return [];
  }
  let results = [marked];
  lists.forEach((values, i) => {
    results = results.flatMap((r) => values.map((v) => r.split(marker(i)).join(v)));
  });
  return results.map((r) => r.trim()).filter((r) => r !== '');
}

/**
 * The parameter sets a query's fields expand to (one request each). Numbers pass through; strings
 * are interpolated; a field with no value is left out. Throws past MAX_FANOUT requests.
 */
export function expandParams(fields: Record<string, unknown>, scopedVars?: ScopedVars): Params[] {
  let sets: Params[] = [{}];
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'number') {
      sets = sets.map((s) => ({ ...s, [name]: value }));
    } else if (typeof value === 'string' && value.trim() !== '') {
      const values = expandField(value, scopedVars);
      if (values.length > 0) {
        sets = sets.flatMap((s) => values.map((v) => ({ ...s, [name]: v })));
      }
    }
    if (sets.length > MAX_FANOUT) {
      throw new Error(
        `the selected variable values need more than ${MAX_FANOUT} requests to the exporter (one per value); select fewer values or All`
      );
    }
  }
  return sets;
}
