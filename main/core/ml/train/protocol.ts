// Messages between the studio and a training worker; main process and training worker.
import type { LossPoint, TrainingMetrics } from '../../../contract/models.js';
import type { LoopOptions, StopReason } from './loop.js';

/** A task the worker knows by name ('recipe', or one a later stage registers), with its input. */
export interface WorkerStart {
  task: string;
  checkpointDir: string;
  input: unknown;
}

export interface RecipeTaskInput {
  recipe: string;
  options: LoopOptions;
}

export type ToWorker = { type: 'stop'; reason: StopReason };

export type FromWorker =
  | { type: 'report'; metrics: TrainingMetrics; message: string }
  | { type: 'point'; point: LossPoint }
  | { type: 'rewind'; afterStep: number }
  | { type: 'log'; message: string }
  | { type: 'phase'; done: number; total: number; message: string }
  /** The task's outcome: a LoopOutcome for 'recipe', the registering stage's own type otherwise. */
  | { type: 'done'; outcome: unknown }
  | { type: 'failed'; message: string };

export const LATEST_CHECKPOINT = 'latest.ckpt';
export const BEST_WEIGHTS = 'best.safetensors';
