// The compose face task: each spoken segment drawn as the creator's talking head (continuing the idle loop across segments), labelled when the rules require it, encoded as one video chunk; training worker thread.
import { readFileSync } from 'node:fs';
import type { ComposeFormat, ComposeResolution } from '../../contract/compose.js';
import { TalkingHead } from '../face/render.js';
import { FACE_FPS } from '../face/spec.js';
import { VideoEncoder } from '../media/video-encoder.js';
import type { WorkerIo } from '../ml/train/worker.js';
import { downsample48kTo16k } from '../speech/resample.js';
import { wavSamples } from '../speech/wav.js';
import { writeFileAtomic } from '../store/atomic.js';
import { chunkEncodeArgs } from './encode-args.js';
import { drawLabel, labelStamp } from './label.js';
import { type DrawnSegment, SAMPLES_PER_FRAME, type SpokenSegment, readDone, segmentFiles, waitFor } from './work-dir.js';

export interface FaceTaskInput {
  model: string;
  idle: string;
  dir: string;
  /** Segment indices in the order they play. */
  segments: number[];
  format: ComposeFormat;
  resolution: ComposeResolution;
  label: boolean;
}

export interface FaceTaskOutcome {
  frames: number;
  stopped: boolean;
  /** Loading the face model (ONNX session creation) and its idle loop. */
  openSeconds: number;
  /** Drawing and encoding, waiting for speech included. */
  workSeconds: number;
}

export async function drawSegments(input: FaceTaskInput, io: WorkerIo): Promise<FaceTaskOutcome> {
  const opening = performance.now();
  const head = await TalkingHead.open(new Uint8Array(readFileSync(input.model)), input.idle, { threads: 1 });
  const started = performance.now();
  const openSeconds = (started - opening) / 1000;
  const stamp = input.label ? labelStamp(head.size) : undefined;
  const stop = new AbortController();
  const stopped = () => {
    if (io.stopRequested() !== undefined) stop.abort();
    return stop.signal.aborted;
  };
  let frameOffset = 0;
  const outcome = (stopped: boolean): FaceTaskOutcome => ({ frames: frameOffset, stopped, openSeconds, workSeconds: (performance.now() - started) / 1000 });
  try {
    for (const [n, index] of input.segments.entries()) {
      const files = segmentFiles(input.dir, index, input.format);
      const done = readDone<DrawnSegment>(files.drawn);
      if (done) {
        frameOffset += done.frames;
        continue;
      }
      if (!(await waitFor(files.speech, stopped))) return outcome(true);
      const spoken = readDone<SpokenSegment>(files.speech)!;
      const samples48k = wavSamples(readFileSync(files.wav));
      const frames = spoken.samples / SAMPLES_PER_FRAME;
      const encoder = new VideoEncoder({
        width: head.size,
        height: head.size,
        fps: FACE_FPS,
        output: files.video,
        argsFor: (output) => chunkEncodeArgs({ size: head.size, fps: FACE_FPS, format: input.format, resolution: input.resolution, output }),
      });
      try {
        await head.renderFrames(
          downsample48kTo16k(samples48k),
          frameOffset,
          frames,
          (frame) => {
            if (stamp) drawLabel(frame, head.size, stamp);
            return encoder.write(frame);
          },
          {
            signal: stop.signal,
            onProgress: (frame) => {
              if (frame % 25 === 0) stopped();
            },
          },
        );
        await encoder.finish();
      } catch (error) {
        await encoder.abort();
        if (stop.signal.aborted) return outcome(true);
        throw error;
      }
      writeFileAtomic(files.drawn, JSON.stringify({ frames } satisfies DrawnSegment));
      frameOffset += frames;
      io.phase(n + 1, input.segments.length, `Drew segment ${n + 1} of ${input.segments.length}`);
    }
    return outcome(false);
  } finally {
    await head.close();
  }
}
