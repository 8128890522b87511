import type { Frame } from '../schemas/common';
import type { VariableKind } from '../schemas/tables';
import { DETECTOR_IDS } from '../detect/types';
import type { Db } from '../store/db';
import { col, frame } from './frame';

/** LIKE pattern for a substring search, with the user's % and _ taken literally. */
function contains(q: string | undefined): string {
  return `%${(q ?? '').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Grafana template variables: `text` is shown, `value` goes into queries (Grafana's __text/__value
 * convention). Search-as-you-type matches a substring of either, case-insensitively.
 */
export function variables(db: Db, kind: VariableKind, q: string | undefined, limit: number): Frame {
  // Detectors are a fixed list in code, not rows: every one is offered, whether it has fired yet or not.
  if (kind === 'detectors') {
    const needle = (q ?? '').toLowerCase();
    return frame(
      [col.str('text'), col.str('value')],
      DETECTOR_IDS.filter((d) => d.includes(needle))
        .slice(0, limit)
        .map((d) => ({ text: d, value: d })),
    );
  }
  const like = contains(q);
  const sql = {
    users: `SELECT name || ' <' || email || '>' AS text, email AS value FROM members
            WHERE is_removed = 0 AND (lower(name) LIKE @like ESCAPE '\\' OR email LIKE @like ESCAPE '\\') ORDER BY lower(name), email LIMIT @limit`,
    groups: `SELECT name AS text, id AS value FROM billing_groups WHERE lower(name) LIKE @like ESCAPE '\\' OR lower(id) LIKE @like ESCAPE '\\'
             ORDER BY lower(name), id LIMIT @limit`,
    // Distinct models over the rollup's (day, model) keys: a few thousand rows at most.
    models: `SELECT model AS text, model AS value FROM (SELECT DISTINCT model FROM usage_team_daily)
             WHERE lower(model) LIKE @like ESCAPE '\\' ORDER BY model LIMIT @limit`,
  }[kind];
  return frame(
    [col.str('text'), col.str('value')],
    db.prepare(sql).all({ like, limit }) as { text: string; value: string }[],
  );
}
