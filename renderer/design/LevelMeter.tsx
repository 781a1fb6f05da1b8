// Audio level meter in dBFS with a peak-hold clipping light; renderer.
export interface LevelMeterProps {
  /** Current level in dBFS (e.g. -60..0). */
  levelDb: number;
  /** True when recent samples reached full scale. */
  clipping: boolean;
  label?: string;
}

const FLOOR_DB = -60;

export function LevelMeter({ levelDb, clipping, label = 'Input level' }: LevelMeterProps) {
  const clamped = Math.max(FLOOR_DB, Math.min(0, levelDb));
  const fraction = (clamped - FLOOR_DB) / -FLOOR_DB;
  const zone = clamped > -6 ? 'hot' : clamped > -18 ? 'good' : 'low';
  return (
    <div className="level-meter">
      <div className="level-track" role="meter" aria-label={label} aria-valuemin={FLOOR_DB} aria-valuemax={0} aria-valuenow={Math.round(clamped)} aria-valuetext={`${Math.round(clamped)} dBFS`}>
        <div className={`level-fill level-${zone}`} style={{ width: `${fraction * 100}%` }} />
      </div>
      <span className={`clip-light${clipping ? ' on' : ''}`} role="status" aria-label={clipping ? 'Clipping' : 'No clipping'} title={clipping ? 'Clipping: move back or lower the gain' : 'No clipping'} />
      <span className="level-value">{Number.isFinite(levelDb) ? `${Math.round(clamped)} dB` : '–∞ dB'}</span>
    </div>
  );
}
