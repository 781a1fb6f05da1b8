// The Licenses screen's file handling: a JSON file pasted or loaded (read as text in the browser, never uploaded
// by path) and a JSON value saved as a download; renderer.
import { useId } from 'react';
import { useToast } from '../../design/index.js';

/** Saves the value as a pretty-printed JSON file through the browser's download. */
export function downloadJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click starts the download asynchronously; revoking at once could cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies a value as pretty-printed JSON, saying so in a toast: `what` names it ("Approval"). */
export function useCopyJson(): (value: unknown, what: string) => void {
  const toast = useToast();
  return (value, what) => {
    navigator.clipboard.writeText(`${JSON.stringify(value, null, 2)}\n`).then(
      () => toast(`${what} copied`, 'success'),
      () => toast('Could not copy: save the file instead', 'error'),
    );
  };
}

export interface JsonFileFieldProps {
  label: string;
  /** What to load, for the file button: "Load a request file…". */
  loadLabel: string;
  value: string;
  onChange: (text: string) => void;
  onError: (error: Error) => void;
  rows?: number;
  hint?: string;
}

/** A textarea to paste a file into, with a file button that puts the chosen file's text there instead. */
export function JsonFileField({ label, loadLabel, value, onChange, onError, rows = 6, hint }: JsonFileFieldProps) {
  const id = useId();
  return (
    <div className="stack" style={{ gap: '0.35rem' }}>
      <label className="field" htmlFor={`${id}-text`}>
        {label}
        <textarea
          id={`${id}-text`}
          value={value}
          rows={rows}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hint ? `${id}-hint` : undefined}
          style={{ fontFamily: 'var(--mono, monospace)', fontSize: '0.85rem' }}
        />
      </label>
      <div className="row">
        <label className="btn btn-secondary">
          {loadLabel}
          <input
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) file.text().then(onChange, (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
            }}
          />
        </label>
        {hint ? (
          <span id={`${id}-hint`} className="lede" style={{ fontSize: '0.85rem' }}>
            {hint}
          </span>
        ) : null}
      </div>
    </div>
  );
}
