// Face video analysis for capture (studio process and workers): face presence, extra faces, face size, head pose, blur and light over a take, and a verdict with advice.
import { decodeVideoFrames } from '../media/video-frames.js';
import type { VideoFrame } from '../media/video-frames.js';
import { meanLuma, regionQuality } from './image-quality.js';
import { estimatePose } from './pose.js';
import type { HeadPose } from './pose.js';
import type { RgbImage, TrackedFace } from './tracker.js';

/** What analyseVideo needs of a face tracker (FaceTracker fits; tests may pass a fake). */
export interface FaceDetector {
  detect(image: RgbImage): Promise<readonly Pick<TrackedFace, 'box' | 'landmarks'>[]>;
}

export interface AnalyseVideoOptions {
  /**
   * Track every `stride`-th frame (default 1: every frame). All frames are decoded either way. At 25 fps with the
   * tracker at detector size 224 (~10 ms a frame on one thread) every frame is tracked faster than real time; a stride
   * of 2-5 suits slow machines or long imports, at the cost of missing very short events.
   */
  stride?: number;
  /** Decode rate; default 25 (the studio's video rate). */
  fps?: number;
  /** Frames are fitted within this size before tracking; default 640 x 480. */
  maxWidth?: number;
  maxHeight?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Keep per-frame results in the metrics (`perFrame`); default false. */
  keepFrames?: boolean;
  /** Called after each analysed frame with the frame's time in seconds. */
  onProgress?: (timeSeconds: number) => void;
}

export interface FrameAnalysis {
  index: number;
  timeSeconds: number;
  faces: number;
  /** Of the largest face; undefined when there is none. */
  faceSize?: number;
  pose?: HeadPose;
  sharpness?: number;
  brightness?: number;
  /** Mean luma of the whole frame. */
  frameBrightness: number;
}

export interface VideoMetrics {
  /** Frames decoded (at `fps`). */
  frames: number;
  /** Frames tracked: every `stride`-th. */
  analysedFrames: number;
  stride: number;
  fps: number;
  durationSeconds: number;
  width: number;
  height: number;
  /** Share of analysed frames with at least one face, 0-1. */
  facePresentRatio: number;
  /** Share of analysed frames with two or more faces, 0-1. */
  multipleFacesRatio: number;
  /** Median over frames with a face of the largest face's box height / frame height; null when no frame has a face. */
  medianFaceSize: number | null;
  /** Head pose in degrees (see pose.ts for the model and signs), medians over frames with a face. */
  medianYaw: number | null;
  medianPitch: number | null;
  medianRoll: number | null;
  /** Largest |angle| over frames with a face. */
  maxAbsYaw: number | null;
  maxAbsPitch: number | null;
  maxAbsRoll: number | null;
  /** 95th percentile of |angle|: what judgeVideo uses, so one frame's landmark glitch does not count. */
  p95AbsYaw: number | null;
  p95AbsPitch: number | null;
  p95AbsRoll: number | null;
  /** Median variance of the Laplacian of the face region (image-quality.ts); null when no frame has a face. */
  sharpness: number | null;
  /** Median mean luma 0-255 of the face region; null when no frame has a face. */
  brightness: number | null;
  /** Median mean luma of whole frames (judges light when no face is found). */
  frameBrightness: number;
  /** Analysed frames per second of wall-clock time, decoding included. */
  analysisFps: number;
  perFrame?: FrameAnalysis[];
}

export type VideoStatus = 'pass' | 'warn' | 'fail';

export type VideoIssueCode = 'no-face' | 'multiple-faces' | 'face-too-small' | 'face-too-large' | 'too-dark' | 'too-bright' | 'blurry' | 'head-turned' | 'head-tilted' | 'head-nodded' | 'too-short';

export interface VideoIssue {
  code: VideoIssueCode;
  severity: 'warn' | 'fail';
  message: string;
}

export interface VideoVerdict {
  status: VideoStatus;
  /** Messages, failures first, each saying what is wrong and what to do. */
  reasons: string[];
  issues: VideoIssue[];
}

/** Limits judgeVideo applies; each pair is (warn below/above, fail below/above). */
export const VIDEO_LIMITS = {
  facePresent: { warn: 0.9, fail: 0.5 },
  multipleFaces: { warn: 0.05, fail: 0.25 },
  /** Face box height over frame height. */
  faceSizeMin: { warn: 0.25, fail: 0.12 },
  faceSizeMax: { warn: 0.9 },
  /** Mean luma 0-255 of the face. */
  brightnessMin: { warn: 60, fail: 35 },
  brightnessMax: { warn: 215, fail: 240 },
  /**
   * Variance of the Laplacian of the face (image-quality.ts). The test creator's sharp face reads about 285; the same
   * video box-blurred by ffmpeg (boxblur radius 2 / 4 at 640x480) about 107 / 38. Tuned on that synthetic face only.
   */
  sharpnessMin: { warn: 60, fail: 20 },
  /** 95th percentile of |angle|, degrees. */
  yaw: { warn: 25, fail: 40 },
  pitch: { warn: 20, fail: 35 },
  roll: { warn: 15, fail: 30 },
  durationMin: { warn: 3, fail: 1 },
} as const;

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile, q in [0, 1]; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function maxAbs(values: readonly number[]): number | null {
  return values.length ? Math.max(...values.map(Math.abs)) : null;
}

function largest<T extends Pick<TrackedFace, 'box'>>(faces: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const f of faces) if (!best || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  return best;
}

/** Tracks one frame: faces, and for the largest one its size, pose, sharpness and brightness. */
export async function analyseFrame(detector: FaceDetector, frame: VideoFrame): Promise<FrameAnalysis> {
  const image: RgbImage = { data: frame.data, width: frame.width, height: frame.height };
  const faces = await detector.detect(image);
  const result: FrameAnalysis = { index: frame.index, timeSeconds: frame.timeSeconds, faces: faces.length, frameBrightness: meanLuma(image) };
  const face = largest(faces);
  if (face) {
    result.faceSize = face.box.height / frame.height;
    result.pose = estimatePose(face.landmarks);
    const quality = regionQuality(image, face.box);
    if (Number.isFinite(quality.sharpness)) result.sharpness = quality.sharpness;
    if (Number.isFinite(quality.brightness)) result.brightness = quality.brightness;
  }
  return result;
}

/** Summarises per-frame results (pure). */
export function summariseFrames(
  frames: readonly FrameAnalysis[],
  info: { frames: number; stride: number; fps: number; width: number; height: number; elapsedSeconds: number },
): VideoMetrics {
  const withFace = frames.filter((f) => f.faces > 0);
  const pick = (get: (f: FrameAnalysis) => number | undefined): number[] => withFace.map(get).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const yaw = pick((f) => f.pose?.yaw);
  const pitch = pick((f) => f.pose?.pitch);
  const roll = pick((f) => f.pose?.roll);
  const n = frames.length;
  return {
    frames: info.frames,
    analysedFrames: n,
    stride: info.stride,
    fps: info.fps,
    durationSeconds: info.frames / info.fps,
    width: info.width,
    height: info.height,
    facePresentRatio: n ? withFace.length / n : 0,
    multipleFacesRatio: n ? frames.filter((f) => f.faces > 1).length / n : 0,
    medianFaceSize: median(pick((f) => f.faceSize)),
    medianYaw: median(yaw),
    medianPitch: median(pitch),
    medianRoll: median(roll),
    maxAbsYaw: maxAbs(yaw),
    maxAbsPitch: maxAbs(pitch),
    maxAbsRoll: maxAbs(roll),
    p95AbsYaw: quantile(yaw.map(Math.abs), 0.95),
    p95AbsPitch: quantile(pitch.map(Math.abs), 0.95),
    p95AbsRoll: quantile(roll.map(Math.abs), 0.95),
    sharpness: median(pick((f) => f.sharpness)),
    brightness: median(pick((f) => f.brightness)),
    frameBrightness: median(frames.map((f) => f.frameBrightness)) ?? 0,
    analysisFps: info.elapsedSeconds > 0 ? n / info.elapsedSeconds : 0,
  };
}

/**
 * Decodes `path` (any video ffmpeg reads; 25 fps, within 640 x 480) and tracks faces in every `stride`-th frame.
 * Decoding and tracking overlap (ffmpeg decodes ahead into the pipe while a frame is tracked); memory stays flat unless
 * keepFrames is set. Throws VideoError (media/video-frames.ts) for a missing file, no video stream, corrupt input.
 */
export async function analyseVideo(path: string, detector: FaceDetector, options: AnalyseVideoOptions = {}): Promise<VideoMetrics> {
  const stride = options.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be a positive integer, got ${stride}`);
  const frames: FrameAnalysis[] = [];
  const started = performance.now();
  const decoded = await decodeVideoFrames(
    path,
    {
      ...(options.fps !== undefined ? { fps: options.fps } : {}),
      ...(options.maxWidth !== undefined ? { maxWidth: options.maxWidth } : {}),
      ...(options.maxHeight !== undefined ? { maxHeight: options.maxHeight } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    },
    async (frame) => {
      if (frame.index % stride !== 0) return;
      frames.push(await analyseFrame(detector, frame));
      options.onProgress?.(frame.timeSeconds);
    },
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const metrics = summariseFrames(frames, { frames: decoded.frames, stride, fps: decoded.fps, width: decoded.width, height: decoded.height, elapsedSeconds });
  if (options.keepFrames) metrics.perFrame = frames;
  return metrics;
}

const pct = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const deg = (angle: number): string => `${Math.round(angle)}°`;

/** The verdict on a take's metrics: pass, warn or fail, with actionable reasons (failures first). Pure. */
export function judgeVideo(m: VideoMetrics): VideoVerdict {
  const issues: VideoIssue[] = [];
  const add = (code: VideoIssueCode, severity: 'warn' | 'fail', message: string): void => {
    issues.push({ code, severity, message });
  };
  const L = VIDEO_LIMITS;
  if (m.durationSeconds < L.durationMin.warn) {
    add('too-short', m.durationSeconds < L.durationMin.fail ? 'fail' : 'warn', `too short: ${m.durationSeconds.toFixed(1)} s of video, record at least ${L.durationMin.warn} s`);
  }
  const noFace = 1 - m.facePresentRatio;
  if (m.analysedFrames === 0 || m.facePresentRatio < L.facePresent.warn) {
    add('no-face', m.facePresentRatio < L.facePresent.fail ? 'fail' : 'warn', `no face in ${pct(m.analysedFrames ? noFace : 1)} of frames: face the camera and keep your whole face in the picture`);
  }
  if (m.multipleFacesRatio > L.multipleFaces.warn) {
    add('multiple-faces', m.multipleFacesRatio > L.multipleFaces.fail ? 'fail' : 'warn', `several faces in ${pct(m.multipleFacesRatio)} of frames: record alone, with no faces or photos of faces behind you`);
  }
  if (m.medianFaceSize !== null) {
    if (m.medianFaceSize < L.faceSizeMin.warn) {
      add(
        'face-too-small',
        m.medianFaceSize < L.faceSizeMin.fail ? 'fail' : 'warn',
        `face too small: ${pct(m.medianFaceSize)} of the frame height, move closer (aim for at least ${pct(L.faceSizeMin.warn)})`,
      );
    } else if (m.medianFaceSize > L.faceSizeMax.warn) {
      add('face-too-large', 'warn', `face too close: ${pct(m.medianFaceSize)} of the frame height, move back so your chin and forehead fit in the picture`);
    }
  }
  // Light: the face's brightness when a face was found, else the whole frame's (a dark room hides the face).
  const light = m.brightness ?? m.frameBrightness;
  if (light < L.brightnessMin.warn) {
    add('too-dark', light < L.brightnessMin.fail ? 'fail' : 'warn', `too dark: brightness ${Math.round(light)}, add light in front of you (aim for at least ${L.brightnessMin.warn})`);
  } else if (light > L.brightnessMax.warn) {
    add('too-bright', light > L.brightnessMax.fail ? 'fail' : 'warn', `too bright: brightness ${Math.round(light)}, the face is overexposed; soften or move the light, or lower the camera's exposure`);
  }
  if (m.sharpness !== null && m.sharpness < L.sharpnessMin.warn) {
    add(
      'blurry',
      m.sharpness < L.sharpnessMin.fail ? 'fail' : 'warn',
      `blurry: sharpness ${m.sharpness.toFixed(1)} (aim for at least ${L.sharpnessMin.warn}), clean the lens, check the focus, hold still and add light`,
    );
  }
  const angle = (value: number | null, limits: { warn: number; fail: number }, code: VideoIssueCode, message: (a: string) => string): void => {
    if (value !== null && value > limits.warn) add(code, value > limits.fail ? 'fail' : 'warn', message(deg(value)));
  };
  angle(m.p95AbsYaw, L.yaw, 'head-turned', (a) => `head turned: yaw up to ${a}, look at the camera`);
  angle(m.p95AbsPitch, L.pitch, 'head-nodded', (a) => `head tilted up or down: pitch up to ${a}, put the camera at eye level and look into it`);
  angle(m.p95AbsRoll, L.roll, 'head-tilted', (a) => `head tilted sideways: roll up to ${a}, hold your head level`);
  issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'fail' ? -1 : 1));
  const status: VideoStatus = issues.some((i) => i.severity === 'fail') ? 'fail' : issues.length ? 'warn' : 'pass';
  return { status, reasons: issues.map((i) => i.message), issues };
}
