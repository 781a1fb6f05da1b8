// The compose speech task: each segment spoken in the twin's voice, resampled to 48 kHz, its pause added and padded to whole frames, written as it finishes; training worker thread.
import { readFileSync, rmSync } from 'node:fs';
import { EspeakRunner } from '../speech/espeak.js';
import { resample } from '../speech/features.js';
import { encodeWav, wavSamples } from '../speech/wav.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { WorkerIo } from '../ml/train/worker.js';
import { Speaker } from '../voice/speaker.js';
import { VOICE_RATE } from '../voice/spec.js';
import { COMPOSE_SAMPLE_RATE, SAMPLES_PER_FRAME, type SpokenSegment, readDone, segmentFiles, waitFor } from './work-dir.js';

export interface SpeechTaskInput {
  model: string;
  dir: string;
  videoExt: string;
  segments: { index: number; language: string; text: string; pauseSeconds: number }[];
  rate?: number;
  /** How many segments speech may run ahead of the drawn video (memory and disk stay flat); null when nothing is drawn. */
  lookahead: number | null;
}

export interface SpeechTaskOutcome {
  stopped: boolean;
  /** Loading the voice model (ONNX session creation); the benchmark leaves it out of the real-time factor. */
  openSeconds: number;
  /** Speaking, from the model's loading to the last segment written (waiting for the face included). */
  workSeconds: number;
}

/** A segment's sound: speech, then its pause, then silence up to the next whole frame. */
export function segmentSound(speech: Float32Array, pauseSeconds: number): Float32Array {
  const spoken = speech.length + Math.round(pauseSeconds * COMPOSE_SAMPLE_RATE);
  const length = Math.max(1, Math.ceil(spoken / SAMPLES_PER_FRAME)) * SAMPLES_PER_FRAME;
  const out = new Float32Array(length);
  out.set(speech);
  return out;
}

export async function speakSegments(input: SpeechTaskInput, io: WorkerIo): Promise<SpeechTaskOutcome> {
  const opening = performance.now();
  const espeak = await EspeakRunner.start();
  // This worker is already the render's speech thread, the face drawing has the other core: sentences render here, in no lanes of their own.
  const speaker = await Speaker.open(new Uint8Array(readFileSync(input.model)), espeak, { threads: 1, lanes: 0 });
  const started = performance.now();
  const openSeconds = (started - opening) / 1000;
  const outcome = (stopped: boolean): SpeechTaskOutcome => ({ stopped, openSeconds, workSeconds: (performance.now() - started) / 1000 });
  const stopped = () => io.stopRequested() !== undefined;
  try {
    for (const [n, segment] of input.segments.entries()) {
      const files = segmentFiles(input.dir, segment.index, input.videoExt);
      if (readDone<SpokenSegment>(files.speech)) continue;
      if (input.lookahead !== null && n >= input.lookahead) {
        const behind = input.segments[n - input.lookahead]!;
        if (!(await waitFor(segmentFiles(input.dir, behind.index, input.videoExt).drawn, stopped))) return outcome(true);
      }
      if (stopped()) return outcome(true);
      const temp = `${files.wav}.voice.wav`;
      try {
        const spoken = await speaker.speakToFile(segment.text, segment.language, temp, { rate: input.rate });
        const sound = segmentSound(resample(wavSamples(readFileSync(temp)), VOICE_RATE, COMPOSE_SAMPLE_RATE), segment.pauseSeconds);
        writeFileAtomic(files.wav, encodeWav(sound, COMPOSE_SAMPLE_RATE));
        const done: SpokenSegment = { samples: sound.length, cues: spoken.sentences.map((s) => ({ text: s.text, startSeconds: s.startSeconds, endSeconds: s.endSeconds })) };
        writeFileAtomic(files.speech, JSON.stringify(done));
      } finally {
        rmSync(temp, { force: true });
      }
      io.phase(n + 1, input.segments.length, `Spoke segment ${n + 1} of ${input.segments.length}`);
    }
    return outcome(false);
  } finally {
    await speaker.close();
    await espeak.close();
  }
}
