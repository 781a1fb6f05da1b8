// The language of the prompt scripts a take is recorded in; renderer.
import type { PromptScript } from '../../../main/contract/models.js';

const FALLBACK = [{ tag: 'en', name: 'English' }];

export function LanguagePicker({ languages, value, onChange, disabled }: { languages: PromptScript['languages'] | undefined; value: string; onChange: (tag: string) => void; disabled?: boolean }) {
  return (
    <label className="field">
      Language
      <select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {(languages ?? FALLBACK).map((l) => (
          <option key={l.tag} value={l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
