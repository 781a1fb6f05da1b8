// Typed settings repository: every value validated on the way in and out; main process.
import { Settings } from '../../../contract/models.js';
import type { Db } from '../database.js';

export const DEFAULT_SETTINGS: Settings = { theme: 'system', reducedMotion: false };

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const { key, value } of rows) {
      try {
        stored[key] = JSON.parse(value);
      } catch {
        // A damaged value falls back to its default rather than locking the creator out of the app.
      }
    }
    const merged = { ...DEFAULT_SETTINGS, ...stored };
    const parsed = Settings.safeParse(merged);
    if (parsed.success) return parsed.data;
    const repaired: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const one = Settings.shape[key].safeParse(merged[key]);
      if (one.success) repaired[key] = one.data;
    }
    return Settings.parse(repaired);
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value));
      }
    })();
    return next;
  }
}
