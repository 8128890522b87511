import {
  DEFAULT_SETTINGS,
  validateSettings,
  type DetectionSettings,
  type SettingsError,
  upgradeSettings,
} from '../detect/settings';
import type { Store } from '../store';

/** What the settings need of the store: their rows, and a transaction for read-merge-write. */
export type SettingsStore = Pick<Store, 'settings' | 'transaction'>;

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
export function readSettings(store: SettingsStore): StoredSettings {
  const row = store.settings.get(DETECTION_KEY);
  if (!row) return { settings: DEFAULT_SETTINGS, source: 'defaults', updatedMs: null, errors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.value);
  } catch {
    return {
      settings: DEFAULT_SETTINGS,
      source: 'defaults',
      updatedMs: row.updatedMs,
      errors: [{ field: '', message: 'saved settings are not valid JSON' }],
    };
  }
  const v = validateSettings(upgradeSettings(parsed), DEFAULT_SETTINGS); // documents saved by earlier versions mean today's thing
  return v.ok
    ? { settings: v.value, source: 'stored', updatedMs: row.updatedMs, errors: [] }
    : { settings: DEFAULT_SETTINGS, source: 'defaults', updatedMs: row.updatedMs, errors: v.errors };
}

export function loadSettings(store: SettingsStore): DetectionSettings {
  return readSettings(store).settings;
}

export type UpdateResult = { ok: true; settings: DetectionSettings } | { ok: false; errors: SettingsError[] };

function save(store: SettingsStore, result: ReturnType<typeof validateSettings>, nowMs: number): UpdateResult {
  if (!result.ok) return { ok: false, errors: result.errors };
  store.settings.put(DETECTION_KEY, JSON.stringify(result.value), nowMs);
  return { ok: true, settings: result.value };
}

/**
 * Applies a partial document over the current settings (PATCH semantics). Every bad field is named
 * in `errors` and nothing is written. The next detection run reads the new values.
 */
export function updateSettings(store: SettingsStore, patch: unknown, nowMs: number = Date.now()): UpdateResult {
  return store.transaction(() => save(store, validateSettings(patch, loadSettings(store)), nowMs));
}

/** Replaces the settings (PUT semantics): fields left out go back to their defaults. */
export function replaceSettings(store: SettingsStore, doc: unknown, nowMs: number = Date.now()): UpdateResult {
  return save(store, validateSettings(doc, DEFAULT_SETTINGS), nowMs);
}
