// The `train` job: runs a task in a training worker thread, relays its progress, pause and cancel, and stores the best weights as a blob; main process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LikenessError } from '../../../contract/errors.js';
import { type TrainingMetrics, TrainOptions } from '../../../contract/models.js';
import { type JobContext, type JobRunner, stopReasonOf } from '../../jobs/manager.js';
import type { BlobStore } from '../../store/blobs.js';
import type { LoopOutcome } from './loop.js';
import { BEST_WEIGHTS, type FromWorker, type RecipeTaskInput, type ToWorker, type WorkerStart } from './protocol.js';
import { findRecipe } from './recipe.js';

export const WEIGHTS_MEDIA_TYPE = 'application/vnd.likeness.weights.v1+safetensors';
const METRICS_INTERVAL_MS = 200;
export const CHECKPOINT_EVERY_MS = 5 * 60 * 1000;

export interface TrainingJobDeps {
  home: string;
  blobs: BlobStore;
  /** The worker entry: a bootstrap that registers the recipes and tasks, then calls serveTrainingWorker. */
  workerUrl: URL;
  log?: (message: string) => void;
}

export function parseTrainInput(input: unknown): TrainOptions {
  const options = TrainOptions.parse(input);
  if (!findRecipe(options.recipe)) throw new LikenessError('not-found', `No training recipe ${options.recipe}.`);
  return options;
}

export function checkpointDirOf(home: string, context: JobContext): string {
  return join(home, 'checkpoints', context.id);
}

/**
 * Runs one worker task for a job: its progress, metrics and curve points reach the job; pause and cancel reach the worker.
 * Resolves with the task's outcome; rejects when it fails or the worker dies.
 */
export async function runInTrainingWorker(deps: TrainingJobDeps, context: JobContext, task: string, input: unknown): Promise<unknown> {
  const start: WorkerStart = { task, checkpointDir: checkpointDirOf(deps.home, context), input };
  const worker = new Worker(deps.workerUrl, { workerData: start });
  const stop = () => worker.postMessage({ type: 'stop', reason: stopReasonOf(context.signal) ?? 'cancel' } satisfies ToWorker);
  context.signal.addEventListener('abort', stop, { once: true });
  let lastMetrics = 0;
  let pending: TrainingMetrics | undefined;
  let lastMessage = '';
  try {
    const outcome = await new Promise<unknown>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'report': {
            const news = message.message !== lastMessage;
            lastMessage = message.message;
            pending = message.metrics;
            if (news || Date.now() - lastMetrics >= METRICS_INTERVAL_MS || message.metrics.step === message.metrics.totalSteps) {
              context.metrics(message.metrics);
              lastMetrics = Date.now();
              pending = undefined;
            }
            context.report(message.metrics.step, message.metrics.totalSteps, message.message);
            return;
          }
          case 'phase':
            return context.report(message.done, message.total, message.message);
          case 'point':
            return context.point(message.point);
          case 'rewind':
            return context.rewindPoints(message.afterStep);
          case 'log':
            return deps.log?.(`${context.id}: ${message.message}`);
          case 'done':
            return resolve(message.outcome);
          case 'failed':
            return reject(new Error(message.message));
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the training worker stopped unexpectedly (exit code ${code})`)));
    });
    if (pending) context.metrics(pending);
    return outcome;
  } finally {
    context.signal.removeEventListener('abort', stop);
    await worker.terminate();
  }
}

export function trainingJob(deps: TrainingJobDeps): JobRunner {
  return {
    title: (input) => `Training: ${findRecipe(TrainOptions.parse(input).recipe)?.title ?? 'unknown recipe'}`,
    async run(context, input) {
      const options = parseTrainInput(input);
      const recipe = findRecipe(options.recipe)!;
      const task: RecipeTaskInput = {
        recipe: recipe.name,
        options: {
          epochs: options.epochs ?? recipe.defaultEpochs,
          seed: options.seed ?? 1,
          provider: options.provider,
          threads: options.threads,
          learningRate: options.learningRate,
          checkpointEveryMs: CHECKPOINT_EVERY_MS,
        },
      };
      const outcome = (await runInTrainingWorker(deps, context, 'recipe', task)) as LoopOutcome;
      if (outcome.kind === 'stopped') throw new Error(`training stopped (${outcome.reason})`);
      const best = join(checkpointDirOf(deps.home, context), BEST_WEIGHTS);
      const weights = existsSync(best) ? await deps.blobs.put(readFileSync(best), { mediaType: WEIGHTS_MEDIA_TYPE, owner: `job:${context.id}` }) : undefined;
      return {
        recipe: recipe.name,
        bestEpoch: outcome.bestEpoch ?? 0,
        bestValLoss: outcome.bestValLoss ?? Number.NaN,
        stoppedEarly: outcome.stoppedEarly,
        steps: outcome.steps,
        device: outcome.device,
        weights: weights?.digest ?? '',
      };
    },
  };
}
