// Loss curves of a training job: training loss per step and validation loss per epoch, on a log scale; renderer.
import type { LossPoint } from '../../main/contract/models.js';

export interface LossPlotProps {
  points: readonly LossPoint[];
  bestEpoch?: number | null;
  width?: number;
  height?: number;
}

const PAD = { left: 44, right: 8, top: 8, bottom: 20 };

export function LossPlot({ points, bestEpoch = null, width = 480, height = 160 }: LossPlotProps) {
  const train = points.filter((p) => p.trainLoss !== null && p.trainLoss > 0);
  const validation = points.filter((p) => p.valLoss !== null && p.valLoss > 0);
  const values = [...train.map((p) => p.trainLoss!), ...validation.map((p) => p.valLoss!)];
  if (values.length === 0) return <p className="plot-empty">The loss curves appear after the first steps.</p>;
  const maxStep = Math.max(1, ...points.map((p) => p.step));
  const lo = Math.log10(Math.min(...values));
  const hi = Math.log10(Math.max(...values));
  const span = Math.max(hi - lo, 1e-6);
  const x = (step: number) => PAD.left + (step / maxStep) * (width - PAD.left - PAD.right);
  const y = (loss: number) => PAD.top + ((hi - Math.log10(loss)) / span) * (height - PAD.top - PAD.bottom);
  const path = (list: LossPoint[], key: 'trainLoss' | 'valLoss') => list.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.step).toFixed(1)},${y(p[key]!).toFixed(1)}`).join(' ');
  const best = validation.find((p) => p.epoch === bestEpoch);
  const last = validation.at(-1);
  return (
    <figure className="loss-plot">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Loss curves: training ${train.at(-1)?.trainLoss?.toPrecision(3) ?? '–'}, validation ${last?.valLoss?.toPrecision(3) ?? '–'}`}>
        <line className="axis" x1={PAD.left} x2={width - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} />
        <line className="axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={height - PAD.bottom} />
        <text className="tick" x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">
          {(10 ** hi).toPrecision(2)}
        </text>
        <text className="tick" x={PAD.left - 4} y={height - PAD.bottom} textAnchor="end">
          {(10 ** lo).toPrecision(2)}
        </text>
        <text className="tick" x={width - PAD.right} y={height - 4} textAnchor="end">
          step {maxStep}
        </text>
        {train.length > 0 ? <path className="series-train" d={path(train, 'trainLoss')} /> : null}
        {validation.length > 0 ? <path className="series-val" d={path(validation, 'valLoss')} /> : null}
        {validation.map((p) => (
          <circle key={p.epoch} className="series-val-dot" cx={x(p.step)} cy={y(p.valLoss!)} r={3} />
        ))}
        {best ? <circle className="series-best" cx={x(best.step)} cy={y(best.valLoss!)} r={6} /> : null}
      </svg>
      <figcaption className="legend">
        <span className="key key-train">training</span>
        <span className="key key-val">validation</span>
        {best ? <span className="key key-best">best epoch {best.epoch}</span> : null}
      </figcaption>
    </figure>
  );
}
