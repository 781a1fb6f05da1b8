// Entry of the training worker thread: registers the recipes and the stages' own tasks, then serves one run; training worker thread.
import { readFileSync } from 'node:fs';
import { serveTrainingWorker } from './ml/train/worker.js';
import { registerRecipes } from './recipes.js';
import { EspeakRunner } from './speech/espeak.js';
import type { SayTaskInput, SayTaskOutcome } from './voice/say-job.js';
import { Speaker } from './voice/speaker.js';
import { type VoiceTrainStart, trainVoice } from './voice/training.js';
import type { RenderTaskInput, RenderTaskOutcome } from './face/render-job.js';
import { TalkingHead } from './face/render.js';
import { type FaceTrainStart, trainFace } from './face/training.js';
import { type FaceTaskInput, drawSegments } from './compose/face-task.js';
import { type SpeechTaskInput, speakSegments } from './compose/speech-task.js';

registerRecipes();
void serveTrainingWorker({
  voice: (input, io) => trainVoice({ ...(input as Omit<VoiceTrainStart, 'checkpointDir'>), checkpointDir: io.checkpointDir }, io),
  face: (input, io) => trainFace({ ...(input as Omit<FaceTrainStart, 'checkpointDir'>), checkpointDir: io.checkpointDir }, io),
  async render(input, io): Promise<RenderTaskOutcome> {
    const task = input as RenderTaskInput;
    const head = await TalkingHead.open(new Uint8Array(readFileSync(task.model)), task.idle);
    const stop = new AbortController();
    try {
      const done = await head.render(task.audio, task.out, {
        signal: stop.signal,
        onProgress: (frame, frames) => {
          if (frame % 25 === 0 || frame === frames) io.phase(frame, frames, `Rendered ${frame} of ${frames} frames`);
          if (io.stopRequested()) stop.abort();
        },
      });
      return { ...done, stopped: false };
    } catch (error) {
      if (stop.signal.aborted) return { frames: 0, seconds: 0, stopped: true };
      throw error;
    } finally {
      await head.close();
    }
  },
  'compose-speech': (input, io) => speakSegments(input as SpeechTaskInput, io),
  'compose-face': (input, io) => drawSegments(input as FaceTaskInput, io),
  async say(input, io): Promise<SayTaskOutcome> {
    const task = input as SayTaskInput;
    const espeak = await EspeakRunner.start();
    const speaker = await Speaker.open(new Uint8Array(readFileSync(task.model)), espeak);
    const stop = new AbortController();
    try {
      const spoken = await speaker.speakToFile(task.text, task.language, task.out, {
        rate: task.rate,
        signal: stop.signal,
        onSentence: (sentence, index) => {
          io.phase(sentence.offset + sentence.text.length, task.text.length, `Spoke sentence ${index + 1} (${sentence.endSeconds.toFixed(1)} s so far)`);
          if (io.stopRequested()) stop.abort();
        },
      });
      return { ...spoken, stopped: false };
    } catch (error) {
      if (stop.signal.aborted) return { seconds: 0, sentences: [], stopped: true };
      throw error;
    } finally {
      await speaker.close();
      await espeak.close();
    }
  },
});
