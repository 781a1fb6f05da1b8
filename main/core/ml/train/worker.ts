// Training worker body: runs one task (a recipe's loop, or a stage's own pipeline around it), writes checkpoints atomically, reports to the studio; training worker thread.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '../../store/atomic.js';
import { translateFsError } from '../../store/fs-errors.js';
import { type LoopIo, type StopReason, runTraining } from './loop.js';
import { BEST_WEIGHTS, type FromWorker, LATEST_CHECKPOINT, type RecipeTaskInput, type ToWorker, type WorkerStart } from './protocol.js';
import { findRecipe } from './recipe.js';

/** Atomic: on a full disk the write fails and the previous checkpoint stays whole. */
export function saveCheckpointFile(dir: string, name: string, bytes: Uint8Array): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, name), bytes);
  } catch (error) {
    throw translateFsError(error, 'the checkpoint (the previous one is kept)', dir);
  }
}

export interface WorkerIo extends LoopIo {
  /** Progress outside the training loop (preparing data, measuring the result). */
  phase(done: number, total: number, message: string): void;
  loadBest(): Uint8Array | undefined;
  readonly checkpointDir: string;
}

/** A worker task: its input comes from the job that started it, its outcome goes back in the 'done' message. */
export type WorkerTask = (input: unknown, io: WorkerIo) => Promise<unknown>;

const recipeTask: WorkerTask = async (input, io) => {
  const { recipe: name, options } = input as RecipeTaskInput;
  const recipe = findRecipe(name);
  if (!recipe) throw new Error(`unknown recipe ${name}`);
  return runTraining(recipe, options, io);
};

export async function serveTrainingWorker(tasks: Readonly<Record<string, WorkerTask>> = {}): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the training worker must run in a worker thread');
  const send = (message: FromWorker) => port.postMessage(message);
  const start = workerData as WorkerStart;
  let stop: StopReason | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') stop = message.reason;
  });
  const dir = start.checkpointDir;
  const save = (name: string, bytes: Uint8Array) => saveCheckpointFile(dir, name, bytes);
  const load = (name: string) => (existsSync(join(dir, name)) ? new Uint8Array(readFileSync(join(dir, name))) : undefined);
  try {
    const task = start.task === 'recipe' ? recipeTask : tasks[start.task];
    if (!task) throw new Error(`unknown training task ${start.task}`);
    const outcome = await task(start.input, {
      checkpointDir: dir,
      stopRequested: () => stop,
      report: (metrics, message) => send({ type: 'report', metrics, message }),
      point: (point) => send({ type: 'point', point }),
      rewind: (afterStep) => send({ type: 'rewind', afterStep }),
      phase: (done, total, message) => send({ type: 'phase', done, total, message }),
      saveLatest: (bytes) => save(LATEST_CHECKPOINT, bytes),
      saveBest: (bytes) => save(BEST_WEIGHTS, bytes),
      loadLatest: () => load(LATEST_CHECKPOINT),
      loadBest: () => load(BEST_WEIGHTS),
      log: (message) => send({ type: 'log', message }),
    });
    send({ type: 'done', outcome });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
