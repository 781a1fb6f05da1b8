// The `train` job: runs a recipe in a worker thread, relays its progress, pause and cancel, and stores the best weights as a blob; main process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LikenessError } from '../../../contract/errors.js';
import { type TrainingMetrics, TrainOptions } from '../../../contract/models.js';
import { type JobRunner, stopReasonOf } from '../../jobs/manager.js';
import type { BlobStore } from '../../store/blobs.js';
import { BEST_WEIGHTS, type FromWorker, type ToWorker, type WorkerStart } from './protocol.js';
import { findRecipe } from './recipe.js';

export const WEIGHTS_MEDIA_TYPE = 'application/vnd.likeness.weights.v1+safetensors';
const METRICS_INTERVAL_MS = 200;
const CHECKPOINT_EVERY_MS = 5 * 60 * 1000;

export interface TrainingJobDeps {
  home: string;
  blobs: BlobStore;
  /** The worker entry: a bootstrap that registers the recipes, then calls serveTrainingWorker. */
  workerUrl: URL;
  log?: (message: string) => void;
}

export function parseTrainInput(input: unknown): TrainOptions {
  const options = TrainOptions.parse(input);
  if (!findRecipe(options.recipe)) throw new LikenessError('not-found', `No training recipe ${options.recipe}.`);
  return options;
}

export function trainingJob(deps: TrainingJobDeps): JobRunner {
  return {
    title: (input) => `Training: ${findRecipe(TrainOptions.parse(input).recipe)?.title ?? 'unknown recipe'}`,
    async run(context, input) {
      const options = parseTrainInput(input);
      const recipe = findRecipe(options.recipe)!;
      const checkpointDir = join(deps.home, 'checkpoints', context.id);
      const start: WorkerStart = {
        recipe: recipe.name,
        checkpointDir,
        options: {
          epochs: options.epochs ?? recipe.defaultEpochs,
          seed: options.seed ?? 1,
          provider: options.provider,
          threads: options.threads,
          learningRate: options.learningRate,
          checkpointEveryMs: CHECKPOINT_EVERY_MS,
        },
      };
      const worker = new Worker(deps.workerUrl, { workerData: start });
      const stop = () => worker.postMessage({ type: 'stop', reason: stopReasonOf(context.signal) ?? 'cancel' } satisfies ToWorker);
      context.signal.addEventListener('abort', stop, { once: true });
      let lastMetrics = 0;
      let pending: TrainingMetrics | undefined;
      let lastMessage = '';
      try {
        const outcome = await new Promise<Extract<FromWorker, { type: 'done' }>['outcome']>((resolve, reject) => {
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
        if (outcome.kind === 'stopped') throw new Error(`training stopped (${outcome.reason})`);
        const best = join(checkpointDir, BEST_WEIGHTS);
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
      } finally {
        context.signal.removeEventListener('abort', stop);
        await worker.terminate();
      }
    },
  };
}
