// The `face.render` job: a soundtrack of the studio spoken by the creator's talking head, in the training worker, stored as MP4; main process.
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import { FaceRenderOptions } from '../../contract/models.js';
import type { JobRunner } from '../jobs/manager.js';
import { type TrainingJobDeps, runInTrainingWorker } from '../ml/train/job.js';
import type { FaceModelsRepository } from './models-repository.js';

export interface RenderTaskInput {
  model: string;
  idle: string;
  audio: string;
  out: string;
}

export interface RenderTaskOutcome {
  frames: number;
  seconds: number;
  stopped: boolean;
}

export function faceRenderJob(deps: TrainingJobDeps & { models: FaceModelsRepository; tmpDir: string }): JobRunner {
  return {
    title: 'Rendering your talking head',
    async run(context, input) {
      const options = FaceRenderOptions.parse(input);
      const model = deps.models.require(options.model);
      if (!deps.blobs.has(options.audio)) throw new LikenessError('not-found', `No audio ${options.audio} in this studio.`);
      const out = join(deps.tmpDir, `render-${randomBytes(6).toString('hex')}.mp4`);
      try {
        const task: RenderTaskInput = { model: deps.blobs.pathOf(model.model), idle: deps.blobs.pathOf(model.idle), audio: deps.blobs.pathOf(options.audio), out };
        const outcome = (await runInTrainingWorker(deps, context, 'render', task)) as RenderTaskOutcome;
        if (outcome.stopped) throw new Error('rendering stopped');
        const video = await deps.blobs.put(createReadStream(out), { mediaType: 'video/mp4', owner: `job:${context.id}` });
        return { video: video.digest, frames: outcome.frames, seconds: outcome.seconds, model: model.id };
      } finally {
        rmSync(out, { force: true });
      }
    },
  };
}
