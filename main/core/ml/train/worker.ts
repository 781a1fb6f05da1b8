// Training worker body: runs one recipe's loop, writes checkpoints atomically, reports to the studio; training worker thread.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '../../store/atomic.js';
import { translateFsError } from '../../store/fs-errors.js';
import { type StopReason, runTraining } from './loop.js';
import { BEST_WEIGHTS, type FromWorker, LATEST_CHECKPOINT, type ToWorker, type WorkerStart } from './protocol.js';
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

export async function serveTrainingWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the training worker must run in a worker thread');
  const send = (message: FromWorker) => port.postMessage(message);
  const start = workerData as WorkerStart;
  let stop: StopReason | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') stop = message.reason;
  });
  const save = (name: string, bytes: Uint8Array) => saveCheckpointFile(start.checkpointDir, name, bytes);
  try {
    const recipe = findRecipe(start.recipe);
    if (!recipe) throw new Error(`unknown recipe ${start.recipe}`);
    const outcome = await runTraining(recipe, start.options, {
      stopRequested: () => stop,
      report: (metrics, message) => send({ type: 'report', metrics, message }),
      point: (point) => send({ type: 'point', point }),
      rewind: (afterStep) => send({ type: 'rewind', afterStep }),
      saveLatest: (bytes) => save(LATEST_CHECKPOINT, bytes),
      saveBest: (bytes) => save(BEST_WEIGHTS, bytes),
      loadLatest: () => {
        const path = join(start.checkpointDir, LATEST_CHECKPOINT);
        return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
      },
      log: (message) => send({ type: 'log', message }),
    });
    send({ type: 'done', outcome });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
