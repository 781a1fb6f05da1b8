// Imports a recording of any format ffmpeg reads: normalised to 48 kHz mono, split into takes at pauses, each analysed and stored; main process.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import type { AudioMetrics, Take, TakeKind, TakeStatus, VideoMetrics } from '../../contract/models.js';
import { MediaError, decodeAudio, probe } from '../media/ffmpeg.js';
import { judgeTake } from '../speech/levels.js';
import { analyseAudio } from '../speech/loudness.js';
import { Downsampler48kTo16k } from '../speech/resample.js';
import { type TimeSpan, speechActivity, splitAtPauses, takesFromCuts } from '../speech/segments.js';
import { SileroVad } from '../speech/vad.js';
import { encodeWav } from '../speech/wav.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import { translateFsError } from '../store/fs-errors.js';
import { type NewTake, TakesRepository } from './takes-repository.js';

export const TAKE_SAMPLE_RATE = 48_000;
/** A span with less speech than this is a pause or a noise, not a take. */
const MIN_SPEECH_SECONDS = 0.3;
export const FAIL_SPEECH_RATIO = 0.2;
export const WARN_SPEECH_RATIO = 0.4;

export interface ImportDeps {
  db: Db;
  blobs: BlobStore;
  /** Scratch space for the decoded audio of one file (kept on disk, so an 8-hour file keeps memory flat). */
  tmpDir: string;
}

export interface ImportRequest {
  path: string;
  /** BCP-47 tag of what is spoken. */
  language: string;
  /** One line per take, in order; a count that does not match leaves the takes untranscribed, with a note. */
  transcript?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /**
   * One take kept whole (trimmed to its speech plus a margin), never split: a take recorded in the app for one prompt,
   * or an imported video. Without it, the file is an audio import, split at pauses.
   */
  whole?: {
    kind: TakeKind;
    source: 'recorded' | 'imported';
    promptId: string | null;
    transcript: string | null;
    /** The recorder, or the imported file's name. */
    sourceName: string;
    video?: { digest: string; metrics: VideoMetrics; verdict: { status: TakeStatus; reasons: string[] } };
  };
}

const VAD_QUEUE_DEPTH = 4;
/** Silence kept around the speech of a recorded take. */
const TRIM_MARGIN_SECONDS = 0.25;

export interface ImportOutcome {
  file: string;
  takes: Take[];
  notes: string[];
}

/** Adds speech checks to the level verdict: a take must mostly be speech. */
export function judgeSpeech(metrics: AudioMetrics, verdict: { status: TakeStatus; reasons: string[] }): { status: TakeStatus; reasons: string[] } {
  const reasons = [...verdict.reasons];
  let status = verdict.status;
  const percent = Math.round(metrics.speechRatio * 100);
  if (metrics.speechRatio < FAIL_SPEECH_RATIO) {
    reasons.push(`little speech: ${percent}% of the take is speech; speak closer to the microphone, or trim the silence`);
    status = 'fail';
  } else if (metrics.speechRatio < WARN_SPEECH_RATIO) {
    reasons.push(`long silences: only ${percent}% of the take is speech`);
    if (status === 'pass') status = 'warn';
  }
  return { status, reasons };
}

const SEVERITY: Record<TakeStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The worse of the two statuses, with the reasons of both. */
export function combineVerdicts(
  audio: { status: TakeStatus; reasons: string[] },
  video: { status: TakeStatus; reasons: string[] } | undefined,
): { status: TakeStatus; reasons: string[] } {
  if (!video) return audio;
  return { status: SEVERITY[video.status] > SEVERITY[audio.status] ? video.status : audio.status, reasons: [...video.reasons, ...audio.reasons] };
}

function mediaProblem(error: unknown, file: string): Error {
  if (error instanceof MediaError) {
    if (error.code === 'not-found') return new LikenessError('not-found', error.message);
    if (error.code === 'aborted') return error;
    return new LikenessError('invalid-input', error.message);
  }
  return error instanceof Error ? error : new Error(`${file}: ${String(error)}`);
}

function readSpan(fd: number, span: TimeSpan): Float32Array {
  const first = Math.floor(span.start * TAKE_SAMPLE_RATE);
  const count = Math.max(0, Math.floor(span.end * TAKE_SAMPLE_RATE) - first);
  const samples = new Float32Array(count);
  readSync(fd, new Uint8Array(samples.buffer), 0, count * 4, first * 4);
  return samples;
}

function overlap(segments: readonly TimeSpan[], span: TimeSpan): number {
  return segments.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, span.end) - Math.max(s.start, span.start)), 0);
}

/**
 * Decodes the file once, streaming: the 48 kHz samples go to a scratch file while a 16 kHz copy feeds the VAD.
 * Takes are cut at pauses, analysed and stored as WAV blobs, then recorded in one transaction: a failure leaves no partial take.
 */
export async function importRecording(deps: ImportDeps, request: ImportRequest): Promise<ImportOutcome> {
  const file = basename(request.path);
  let info;
  try {
    info = await probe(request.path, { signal: request.signal });
  } catch (error) {
    throw mediaProblem(error, file);
  }
  if (!info.hasAudio) throw new LikenessError('invalid-input', `${file} has no audio stream to import.`);
  const scratch = join(deps.tmpDir, `import-${randomBytes(6).toString('hex')}.f32`);
  let fd: number;
  try {
    fd = openSync(scratch, 'w+', 0o600);
  } catch (error) {
    throw translateFsError(error, `the import of ${file}`, deps.tmpDir);
  }
  const vad = await SileroVad.open();
  try {
    const downsampler = new Downsampler48kTo16k();
    const probabilities: number[] = [];
    const inFlight: Promise<Float32Array>[] = [];
    let written = 0;
    try {
      await decodeAudio(request.path, { sampleRate: TAKE_SAMPLE_RATE, channels: 1, signal: request.signal }, async (chunk) => {
        try {
          writeSync(fd, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        } catch (error) {
          throw translateFsError(error, `the import of ${file}`, deps.tmpDir);
        }
        written += chunk.length;
        // The VAD runs on onnxruntime's own thread: let it work while the next chunk decodes, a few chunks deep at most.
        inFlight.push(vad.probabilities(downsampler.push(chunk)));
        if (inFlight.length >= VAD_QUEUE_DEPTH) probabilities.push(...(await inFlight.shift()!));
        request.onProgress?.(written / TAKE_SAMPLE_RATE, info.durationSeconds ?? 0);
      });
    } catch (error) {
      throw error instanceof LikenessError ? error : mediaProblem(error, file);
    }
    inFlight.push(vad.probabilities(downsampler.flush()));
    for (const pending of inFlight.splice(0)) probabilities.push(...(await pending));
    probabilities.push(...(await vad.flush()));
    const duration = written / TAKE_SAMPLE_RATE;
    if (written === 0) throw new LikenessError('invalid-input', `${file} holds no audio samples.`);
    const activity = speechActivity(probabilities);
    const spans = request.whole
      ? activity.segments.length > 0
        ? [{ start: Math.max(0, activity.segments[0]!.start - TRIM_MARGIN_SECONDS), end: Math.min(duration, activity.segments.at(-1)!.end + TRIM_MARGIN_SECONDS) }]
        : []
      : takesFromCuts(splitAtPauses(activity.segments, duration), duration).filter((span) => overlap(activity.segments, span) >= MIN_SPEECH_SECONDS);
    if (spans.length === 0) throw new LikenessError('invalid-input', `No speech found in ${file} (${duration.toFixed(1)} s); nothing was imported.`);

    const notes: string[] = [];
    let lines: readonly string[] | undefined = request.whole
      ? request.whole.transcript === null
        ? undefined
        : [request.whole.transcript]
      : request.transcript?.map((l) => l.trim()).filter((l) => l !== '');
    if (lines && lines.length !== spans.length) {
      notes.push(`the transcript has ${lines.length} line(s) for ${spans.length} take(s): the takes are kept untranscribed`);
      lines = undefined;
    }
    if (!lines) notes.push('untranscribed: the voice model trains only on transcribed takes');

    const pending: NewTake[] = [];
    for (const [index, span] of spans.entries()) {
      request.signal?.throwIfAborted();
      const samples = readSpan(fd, span);
      const level = analyseAudio(samples, TAKE_SAMPLE_RATE);
      const speech = overlap(activity.segments, span);
      const metrics: AudioMetrics = {
        durationSeconds: level.durationSeconds,
        integratedLufs: level.integratedLufs,
        momentaryMaxLufs: level.momentaryMaxLufs,
        truePeakDbtp: level.truePeakDbtp,
        samplePeakDbfs: level.samplePeakDbfs,
        clippedRatio: level.clippedRatio,
        clippedRuns: level.clippedRuns,
        noiseFloorDbfs: level.noiseFloorDbfs,
        signalLevelDbfs: level.signalLevelDbfs,
        snrDb: level.snrDb,
        speechSeconds: speech,
        speechRatio: Math.min(1, speech / Math.max(level.durationSeconds, 1e-9)),
      };
      const verdict = combineVerdicts(judgeSpeech(metrics, judgeTake(level)), request.whole?.video?.verdict);
      const audio = await deps.blobs.put(encodeWav(samples, TAKE_SAMPLE_RATE), { mediaType: 'audio/wav' });
      pending.push({
        kind: request.whole?.kind ?? 'voice',
        language: request.language,
        promptId: request.whole?.promptId ?? null,
        transcript: lines?.[index] ?? null,
        source: request.whole?.source ?? 'imported',
        sourceName: request.whole ? request.whole.sourceName : spans.length === 1 ? file : `${file} [${span.start.toFixed(1)}–${span.end.toFixed(1)} s]`,
        audio: audio.digest,
        video: request.whole?.video?.digest ?? null,
        videoMetrics: request.whole?.video?.metrics ?? null,
        metrics,
        status: verdict.status,
        reasons: verdict.reasons,
      });
    }
    const repository = new TakesRepository(deps.db, deps.blobs);
    const takes = deps.db.transaction(() => pending.map((take) => repository.add(take)))();
    return { file, takes, notes };
  } finally {
    await vad.close();
    closeSync(fd);
    rmSync(scratch, { force: true });
  }
}
