// The `face.train` job: picks the creator's usable face takes, trains the face model in the training worker, stores it with its idle loop and report; main process.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaceTrainOptions } from '../../contract/models.js';
import type { TakesRepository } from '../capture/takes-repository.js';
import type { JobRunner } from '../jobs/manager.js';
import { CHECKPOINT_EVERY_MS, type TrainingJobDeps, checkpointDirOf, runInTrainingWorker } from '../ml/train/job.js';
import { BEST_WEIGHTS } from '../ml/train/protocol.js';
import { FACE_MODEL_MEDIA_TYPE, encodeFaceModel } from './model-file.js';
import type { FaceModelsRepository } from './models-repository.js';
import { planFaceTraining } from './plan.js';
import type { FaceTrainOutcome } from './training.js';

export const DEFAULT_FACE_EPOCHS = 20;

export interface FaceJobDeps extends TrainingJobDeps {
  takes: TakesRepository;
  models: FaceModelsRepository;
}

export function faceTrainingJob(deps: FaceJobDeps): JobRunner {
  return {
    title: 'Training your face',
    async run(context, input) {
      const options = FaceTrainOptions.parse(input);
      const started = Date.now();
      const plan = planFaceTraining(deps.takes.list(), (d) => deps.blobs.pathOf(d));
      const outcome = (await runInTrainingWorker(deps, context, 'face', {
        takes: plan.takes,
        loop: { epochs: options.epochs ?? DEFAULT_FACE_EPOCHS, seed: options.seed ?? 1, provider: options.provider, threads: options.threads, checkpointEveryMs: CHECKPOINT_EVERY_MS },
      })) as FaceTrainOutcome;
      if (outcome.kind === 'stopped') throw new Error(`training stopped (${outcome.reason})`);
      const best = join(checkpointDirOf(deps.home, context), BEST_WEIGHTS);
      if (!existsSync(best)) throw new Error('training finished without a best checkpoint');
      const owner = `job:${context.id}`;
      const model = await deps.blobs.put(encodeFaceModel(new Uint8Array(readFileSync(best)), outcome.parts), { mediaType: FACE_MODEL_MEDIA_TYPE, owner });
      const idle = await deps.blobs.put(createReadStream(outcome.idleVideo), { mediaType: 'video/mp4', owner });
      const sample = outcome.sampleVideo ? await deps.blobs.put(createReadStream(outcome.sampleVideo), { mediaType: 'video/mp4', owner }) : null;
      const stored = deps.models.add({
        model: model.digest,
        idle: idle.digest,
        sample: sample?.digest ?? null,
        report: { ...outcome.report, trainingSeconds: (Date.now() - started) / 1000, excluded: plan.excluded },
        jobId: context.id,
      });
      const r = stored.report;
      const figures = { lmdModel: r.model.lmd, lmdIdle: r.idle.lmd, lmdNearest: r.nearest.lmd, ssimModel: r.model.ssim, ssimIdle: r.idle.ssim, ssimNearest: r.nearest.ssim };
      // A job result is JSON: a figure that could not be measured is left out rather than sent as NaN.
      return { model: stored.id, version: stored.version, ...Object.fromEntries(Object.entries(figures).filter(([, v]) => Number.isFinite(v))) };
    },
  };
}
