// Waveform of a recording: min/max peaks per column, drawn as one SVG path; renderer.
export interface WaveformProps {
  peaks: readonly [number, number][];
  label: string;
  height?: number;
}

export function peaksOf(samples: Float32Array, columns: number): [number, number][] {
  const size = Math.max(1, Math.floor(samples.length / columns));
  const out: [number, number][] = [];
  for (let c = 0; c < columns && c * size < samples.length; c++) {
    let lo = 0;
    let hi = 0;
    for (let i = c * size; i < Math.min(samples.length, (c + 1) * size); i++) {
      lo = Math.min(lo, samples[i]!);
      hi = Math.max(hi, samples[i]!);
    }
    out.push([lo, hi]);
  }
  return out;
}

export function Waveform({ peaks, label, height = 64 }: WaveformProps) {
  const mid = height / 2;
  const d = peaks.map(([lo, hi], x) => `M${x},${(mid - hi * mid).toFixed(1)}V${(mid - lo * mid + 0.5).toFixed(1)}`).join('');
  return (
    <svg className="waveform" viewBox={`0 0 ${Math.max(1, peaks.length)} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <path d={d} />
    </svg>
  );
}
