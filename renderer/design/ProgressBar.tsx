// Progress bar with percentage and time left, announced to screen readers; renderer.
import { formatEta } from './format.js';

export interface ProgressBarProps {
  fraction: number;
  label: string;
  etaSeconds?: number | null;
  showEta?: boolean;
}

export function ProgressBar({ fraction, label, etaSeconds = null, showEta = true }: ProgressBarProps) {
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%${showEta ? `, ${formatEta(etaSeconds)}` : ''}`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="progress-meta">
        <span>{percent}%</span>
        {showEta ? <span>{formatEta(etaSeconds)}</span> : null}
      </div>
    </div>
  );
}
