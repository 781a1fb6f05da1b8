// The face recipe end to end: takes tracked and cut, the idle loop chosen, the mouth network trained, the held-out report against two baselines; training worker.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceReport } from '../../contract/models.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import { VideoEncoder } from '../media/video-encoder.js';
import { type LoopIo, type LoopOptions, type StopReason, runTraining } from '../ml/train/loop.js';
import { heldOutIndices } from '../ml/train/held-out.js';
import { writeFileAtomic } from '../store/atomic.js';
import { FaceTracker } from '../vision/tracker.js';
import { type FaceStats, buildFaceDataset, faceFrames, restFrame } from './dataset.js';
import { MouthGenerator } from './generator.js';
import { chooseIdle, idleFrameAt } from './idle.js';
import { mouthMask } from './mask.js';
import { DEFAULT_FACE_DIMS, type FaceNetworkDims, faceRecipe } from './network.js';
import type { FaceTrainTake } from './plan.js';
import { type PreparedTake, decodePrepared, encodePrepared, prepareFaceTake } from './preprocess.js';
import { maskedSsim, mouthLandmarkDistance } from './quality.js';
import { type IdleClip, buildIdleClip } from './idle-clip.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS, MOUTH_BOX, MOUTH_SIZE, type Similarity } from './spec.js';
import { pasteFromCanonical } from './transform.js';

export interface FaceTrainStart {
  takes: FaceTrainTake[];
  checkpointDir: string;
  loop: LoopOptions;
}

export interface FaceTrainIo extends LoopIo {
  phase(done: number, total: number, message: string): void;
  loadBest(): Uint8Array | undefined;
}

/** What the renderer needs beside the weights; the idle loop's frames are a separate video. */
export interface FaceModelParts {
  stats: FaceStats;
  dims: FaceNetworkDims;
  /** The rest mouth every frame is drawn from (MOUTH_SIZE² RGB, base64). */
  reference: string;
  idle: Omit<IdleClip, 'frames' | 'mouths'>;
}

export type FaceTrainOutcome =
  | {
      kind: 'completed';
      parts: FaceModelParts;
      report: Omit<FaceReport, 'trainingSeconds' | 'excluded'>;
      /** Written into the checkpoint folder: the idle loop, and a held-out take side by side (real | model | nearest). */
      idleVideo: string;
      sampleVideo: string | null;
    }
  | { kind: 'stopped'; reason: StopReason };

const LANDMARKS = 136;
const WINDOW = AUDIO_WINDOW * MEL_BANDS;
const MASK = mouthMask(MOUTH_SIZE);

function similarityAt(p: PreparedTake, f: number): Similarity {
  const t = p.transforms;
  return { a: t[4 * f]!, b: t[4 * f + 1]!, tx: t[4 * f + 2]!, ty: t[4 * f + 3]! };
}

/** Head motion per frame: mean landmark displacement from the previous frame, px. */
function motionOf(p: PreparedTake): Float32Array {
  const out = new Float32Array(p.frames).fill(Number.NaN);
  for (let f = 1; f < p.frames; f++) {
    let sum = 0;
    for (let k = 0; k < LANDMARKS; k++) sum += Math.abs(p.landmarks[f * LANDMARKS + k]! - p.landmarks[(f - 1) * LANDMARKS + k]!);
    out[f] = sum / LANDMARKS;
  }
  if (p.frames > 1) out[0] = out[1]!;
  return out;
}

async function prepareAll(start: FaceTrainStart, tracker: FaceTracker, io: FaceTrainIo): Promise<{ takes: PreparedTake[]; msPerFrame: number } | StopReason> {
  const cacheDir = join(start.checkpointDir, 'prepared');
  mkdirSync(cacheDir, { recursive: true });
  const takes: PreparedTake[] = [];
  let spent = 0;
  let tracked = 0;
  for (const [index, take] of start.takes.entries()) {
    const stop = io.stopRequested();
    if (stop) return stop;
    io.phase(index, start.takes.length, `Tracking the face in take ${index + 1} of ${start.takes.length}`);
    const cached = join(cacheDir, `${take.id}.bin`);
    if (existsSync(cached)) {
      takes.push(decodePrepared(new Uint8Array(readFileSync(cached))));
      continue;
    }
    const started = performance.now();
    const prepared = await prepareFaceTake(take.video, tracker);
    spent += performance.now() - started;
    tracked += prepared.frames;
    writeFileAtomic(cached, encodePrepared(prepared));
    takes.push(prepared);
  }
  return { takes, msPerFrame: tracked > 0 ? spent / tracked : 0 };
}

/** Every frame of a take's video, as the preparation decoded them. */
async function videoFrames(path: string): Promise<{ data: Uint8Array; width: number; height: number }[]> {
  const frames: { data: Uint8Array; width: number; height: number }[] = [];
  await decodeVideoFrames(path, { fps: FACE_FPS, maxWidth: 640, maxHeight: 640 }, (frame) => void frames.push({ data: frame.data, width: frame.width, height: frame.height }));
  return frames;
}

interface Scores {
  lmd: number[];
  ssim: number[];
}

export async function trainFace(start: FaceTrainStart, io: FaceTrainIo): Promise<FaceTrainOutcome> {
  const tracker = await FaceTracker.open({ threads: 1, detectorSize: 224 });
  try {
    const prepared = await prepareAll(start, tracker, io);
    if (typeof prepared === 'string') return { kind: 'stopped', reason: prepared };
    const notes: string[] = [];
    const trainIdx = start.takes.flatMap((t, i) => (t.heldOut ? [] : [i]));
    const heldIdx = start.takes.flatMap((t, i) => (t.heldOut ? [i] : []));
    const training = trainIdx.map((i) => prepared.takes[i]!);
    const validation = [...heldOutIndices(training.length)];
    const dataset = buildFaceDataset(training, { validation });
    const dims = DEFAULT_FACE_DIMS;
    const outcome = await runTraining(faceRecipe(dataset, { dims, epochs: start.loop.epochs }), start.loop, io);
    if (outcome.kind === 'stopped') return { kind: 'stopped', reason: outcome.reason };
    const best = io.loadBest();
    if (!best) throw new Error('training finished without a best checkpoint');

    io.phase(0, 1, 'Choosing the idle loop');
    const choice = chooseIdle(training.map((p) => ({ openness: p.openness, motion: motionOf(p) })));
    if (!choice) throw new Error('no stretch of a second with the face found throughout: the idle loop needs one');
    const idleTake = training[choice.take]!;
    const idle = buildIdleClip(await videoFrames(start.takes[trainIdx[choice.take]!]!.video), idleTake, choice);
    const idleVideo = join(start.checkpointDir, 'idle.mp4');
    const encoder = new VideoEncoder({ width: idle.size, height: idle.size, fps: FACE_FPS, output: idleVideo, crf: 16 });
    for (const frame of idle.frames) await encoder.write(frame);
    await encoder.finish();
    const rest = restFrame(idleTake);
    const reference = idleTake.mouths.slice(rest * MOUTH_SIZE * MOUTH_SIZE * 3, (rest + 1) * MOUTH_SIZE * MOUTH_SIZE * 3);

    // Nearest-neighbour baseline: the training mouth whose audio window is closest (every other training frame, for time).
    const bank: { take: PreparedTake; frame: number }[] = [];
    for (const p of training) for (const f of faceFrames(p).filter((_, k) => k % 2 === 0)) bank.push({ take: p, frame: f });
    const nearest = (window: Float32Array): Uint8Array => {
      let bestD = Infinity;
      let bestRef = bank[0]!;
      for (const ref of bank) {
        const a = ref.take.audio;
        const at = ref.frame * WINDOW;
        let d = 0;
        for (let k = 0; k < WINDOW && d < bestD; k++) d += (a[at + k]! - window[k]!) ** 2;
        if (d < bestD) {
          bestD = d;
          bestRef = ref;
        }
      }
      const size = MOUTH_SIZE * MOUTH_SIZE * 3;
      return bestRef.take.mouths.slice(bestRef.frame * size, (bestRef.frame + 1) * size);
    };

    const generator = await MouthGenerator.open(best, dataset.stats, dims, { threads: start.loop.threads });
    const scores: Record<'model' | 'idle' | 'nearest', Scores> = { model: { lmd: [], ssim: [] }, idle: { lmd: [], ssim: [] }, nearest: { lmd: [], ssim: [] } };
    let sampleVideo: string | null = null;
    let heldFrames = 0;
    try {
      for (const [n, i] of heldIdx.entries()) {
        const p = prepared.takes[i]!;
        const frames = await videoFrames(start.takes[i]!.video);
        const side = n === 0 ? join(start.checkpointDir, 'sample.mp4') : null;
        const width = 3 * 320;
        const sideBySide = side ? new VideoEncoder({ width, height: 240, fps: FACE_FPS, audio: start.takes[i]!.video, output: side }) : null;
        for (const f of faceFrames(p)) {
          const frame = frames[f];
          if (!frame) continue;
          heldFrames++;
          const s = similarityAt(p, f);
          const size = MOUTH_SIZE * MOUTH_SIZE * 3;
          const real = p.mouths.subarray(f * size, (f + 1) * size);
          const window = p.audio.subarray(f * WINDOW, (f + 1) * WINDOW);
          const mouths = {
            model: await generator.generate(window, reference, real),
            idle: idle.mouths[idleFrameAt(f, idle.length)]!,
            nearest: nearest(window),
          };
          const composites: Record<string, Uint8Array> = {};
          for (const key of ['model', 'idle', 'nearest'] as const) {
            const composite = { data: frame.data.slice(), width: frame.width, height: frame.height };
            pasteFromCanonical(composite, mouths[key], s, MOUTH_BOX, MASK);
            composites[key] = composite.data;
            // Landmark distance by tracking the drawn frame again, never read from the model's own output.
            const faces = await tracker.detect(composite);
            if (faces.length === 1) scores[key].lmd.push(mouthLandmarkDistance(faces[0]!.landmarks.flat(), p.landmarks.subarray(f * LANDMARKS, (f + 1) * LANDMARKS), s));
            scores[key].ssim.push(maskedSsim(mouths[key], real, MASK));
          }
          if (sideBySide) await sideBySide.write(sideBySideFrame([frame.data, composites.model!, composites.nearest!], frame.width, frame.height));
        }
        if (sideBySide) {
          await sideBySide.finish();
          sampleVideo = side;
        }
        io.phase(n + 1, heldIdx.length, `Measured ${n + 1} of ${heldIdx.length} held-out takes`);
      }
    } finally {
      await generator.close();
    }
    const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
    const row = (k: keyof typeof scores) => ({ lmd: mean(scores[k].lmd), ssim: mean(scores[k].ssim) });
    const lost = heldFrames - scores.model.lmd.length;
    if (lost > 0) notes.push(`${lost} of ${heldFrames} drawn frames were not re-tracked as one face and count only in SSIM`);
    return {
      kind: 'completed',
      parts: { stats: dataset.stats, dims, reference: Buffer.from(reference).toString('base64'), idle: { size: idle.size, length: idle.length, transforms: idle.transforms } },
      report: {
        trainTakes: training.length,
        heldOutTakes: heldIdx.length,
        trainFrames: dataset.trainFrames.length + dataset.validationFrames.length,
        heldOutFrames: heldFrames,
        model: row('model'),
        idle: row('idle'),
        nearest: row('nearest'),
        idleSeconds: idle.length / FACE_FPS,
        preprocessMsPerFrame: prepared.msPerFrame,
        device: outcome.device,
        notes,
      },
      idleVideo,
      sampleVideo,
    };
  } finally {
    await tracker.close();
  }
}

/** Frames side by side, each scaled to 320×240 by nearest neighbour (a preview, not a measurement). */
function sideBySideFrame(frames: Uint8Array[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(frames.length * 320 * 240 * 3);
  const rowBytes = frames.length * 320 * 3;
  frames.forEach((data, k) => {
    for (let y = 0; y < 240; y++) {
      const sy = Math.min(height - 1, Math.floor((y * height) / 240));
      for (let x = 0; x < 320; x++) {
        const sx = Math.min(width - 1, Math.floor((x * width) / 320));
        const from = (sy * width + sx) * 3;
        const to = y * rowBytes + (k * 320 + x) * 3;
        out[to] = data[from]!;
        out[to + 1] = data[from + 1]!;
        out[to + 2] = data[from + 2]!;
      }
    }
  });
  return out;
}
