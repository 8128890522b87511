import {
  DEFAULT_SETTINGS,
  validateSettings,
  type DetectionSettings,
  type SettingsError,
} from '../detect/settings';
import type { Db } from '../store/db';

/** The settings row holding the detection thresholds. */
export const DETECTION_KEY = 'detection';

export interface StoredSettings {
  settings: DetectionSettings;
  /** 'defaults' when nothing was ever saved, or when the saved document no longer validates. */
  source: 'stored' | 'defaults';
  updatedMs: number | null;
  /** Why the saved document was ignored (e.g. a newer version tightened a range). Empty otherwise. */
  errors: SettingsError[];
}

/**
 * Reads the saved settings merged over the defaults, so fields added by later versions get their
 * defaults. A saved document that no longer validates is ignored as a whole (detection must keep
 * running) and its errors are returned so the API can show them.
 */
export function readSettings(db: Db): StoredSettings {
  const row = db.prepare('SELECT value, updated_ms FROM settings WHERE key = ?').get(DETECTION_KEY) as
    | { value: string; updated_ms: number }
    | undefined;
  if (!row) return { settings: DEFAULT_SETTINGS, source: 'defaults', updatedMs: null, errors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.value);
  } catch {
    return { settings: DEFAULT_SETTINGS, source: 'defaults', updatedMs: row.updated_ms, errors: [{ field: '', message: 'saved settings are not valid JSON' }] };
  }
  const v = validateSettings(parsed, DEFAULT_SETTINGS);
  return v.ok
    ? { settings: v.value, source: 'stored', updatedMs: row.updated_ms, errors: [] }
    : { settings: DEFAULT_SETTINGS, source: 'defaults', updatedMs: row.updated_ms, errors: v.errors };
}

export function loadSettings(db: Db): DetectionSettings {
  return readSettings(db).settings;
}

export type UpdateResult = { ok: true; settings: DetectionSettings } | { ok: false; errors: SettingsError[] };

function save(db: Db, result: ReturnType<typeof validateSettings>, nowMs: number): UpdateResult {
  if (!result.ok) return { ok: false, errors: result.errors };
  db.prepare(
    `INSERT INTO settings (key, value, updated_ms) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`,
  ).run(DETECTION_KEY, JSON.stringify(result.value), nowMs);
  return { ok: true, settings: result.value };
}

/**
 * Applies a partial document over the current settings (PATCH semantics). Every bad field is named
 * in `errors` and nothing is written. The next detection run reads the new values.
 */
export function updateSettings(db: Db, patch: unknown, nowMs: number = Date.now()): UpdateResult {
  return db.transaction(() => save(db, validateSettings(patch, loadSettings(db)), nowMs))();
}

/** Replaces the settings (PUT semantics): fields left out go back to their defaults. */
export function replaceSettings(db: Db, doc: unknown, nowMs: number = Date.now()): UpdateResult {
  return save(db, validateSettings(doc, DEFAULT_SETTINGS), nowMs);
}

/** Forgets the saved settings; the defaults apply from the next run. */
export function resetSettings(db: Db): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(DETECTION_KEY);
}
