// The `voice.say` job: text spoken in the creator's voice in the training worker, sentence by sentence, stored as a WAV with WebVTT timings; main process.
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VoiceSayOptions } from '../../contract/models.js';
import type { JobRunner } from '../jobs/manager.js';
import { type TrainingJobDeps, runInTrainingWorker } from '../ml/train/job.js';
import type { VoiceModelsRepository } from './models-repository.js';
import { webVtt } from '../speech/subtitles.js';
import type { SpokenSentence } from './speaker.js';

export interface SayTaskInput {
  model: string;
  text: string;
  language: string;
  rate?: number;
  out: string;
}

export interface SayTaskOutcome {
  seconds: number;
  sentences: SpokenSentence[];
  stopped: boolean;
}

export interface SayJobDeps extends TrainingJobDeps {
  models: VoiceModelsRepository;
  tmpDir: string;
}

export function voiceSayJob(deps: SayJobDeps): JobRunner {
  return {
    title: (input) => {
      const { text } = VoiceSayOptions.parse(input);
      return `Speaking: “${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
    },
    async run(context, input) {
      const options = VoiceSayOptions.parse(input);
      const model = deps.models.require(options.model);
      const out = join(deps.tmpDir, `say-${randomBytes(6).toString('hex')}.wav`);
      try {
        const task: SayTaskInput = { model: deps.blobs.pathOf(model.model), text: options.text, language: options.language, rate: options.rate, out };
        const outcome = (await runInTrainingWorker(deps, context, 'say', task)) as SayTaskOutcome;
        if (outcome.stopped) throw new Error('speaking stopped');
        const audio = await deps.blobs.put(createReadStream(out), { mediaType: 'audio/wav', owner: `job:${context.id}` });
        return { audio: audio.digest, seconds: outcome.seconds, sentences: outcome.sentences.length, subtitles: webVtt(outcome.sentences), model: model.id };
      } finally {
        rmSync(out, { force: true });
      }
    },
  };
}
