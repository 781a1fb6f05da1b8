// Messages between the studio and a training worker; main process and training worker.
import type { LossPoint, TrainingMetrics } from '../../../contract/models.js';
import type { LoopOptions, LoopOutcome, StopReason } from './loop.js';

export interface WorkerStart {
  recipe: string;
  options: LoopOptions;
  checkpointDir: string;
}

export type ToWorker = { type: 'stop'; reason: StopReason };

export type FromWorker =
  | { type: 'report'; metrics: TrainingMetrics; message: string }
  | { type: 'point'; point: LossPoint }
  | { type: 'rewind'; afterStep: number }
  | { type: 'log'; message: string }
  | { type: 'done'; outcome: LoopOutcome }
  | { type: 'failed'; message: string };

export const LATEST_CHECKPOINT = 'latest.ckpt';
export const BEST_WEIGHTS = 'best.safetensors';
