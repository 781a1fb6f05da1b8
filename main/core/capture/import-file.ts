// Turns a file into takes — a recording finished in the app, one recovered after a crash, or a file imported — deciding how by what it holds; main process.
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import type { Take, TakeKind, VideoMetrics } from '../../contract/models.js';
import { MediaError, probe } from '../media/ffmpeg.js';
import type { Studio } from '../studio.js';
import { type VideoMetrics as MeasuredVideo, analyseVideo, judgeVideo } from '../vision/video-analysis.js';
import { type ImportOutcome, type ImportRequest, importRecording } from './import.js';
import { isPromptLanguage, promptsFor } from './prompts/index.js';
import type { RecordingMeta } from './recordings.js';

export const RECORDER_DEVICE = 'in-app recorder';

/** What an imported file becomes: voice takes split at pauses, or one face take keeping its video. */
export type ImportAs = 'voice' | 'face';

const VIDEO_TYPES: Record<string, string> = { '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.mov': 'video/quicktime', '.mkv': 'video/x-matroska', '.webm': 'video/webm', '.avi': 'video/x-msvideo' };

function videoMetricsOf(m: MeasuredVideo): VideoMetrics {
  return {
    frames: m.frames,
    durationSeconds: m.durationSeconds,
    facePresentRatio: m.facePresentRatio,
    multipleFacesRatio: m.multipleFacesRatio,
    medianFaceSize: m.medianFaceSize,
    medianYaw: m.medianYaw,
    medianPitch: m.medianPitch,
    medianRoll: m.medianRoll,
    sharpness: m.sharpness,
    brightness: m.brightness,
  };
}

/** Analyses the video track and stores the file as it is, so face training reads the creator's own frames. */
async function storeVideo(studio: Studio, path: string): Promise<NonNullable<NonNullable<ImportRequest['whole']>['video']>> {
  const analysed = await analyseVideo(path, await studio.tracker());
  const verdict = judgeVideo(analysed);
  const stored = await studio.blobs.put(createReadStream(path), { mediaType: VIDEO_TYPES[extname(path).toLowerCase()] ?? 'video/webm' });
  return { digest: stored.digest, metrics: videoMetricsOf(analysed), verdict: { status: verdict.status, reasons: verdict.reasons } };
}

export interface ImportFileRequest {
  path: string;
  language: string;
  /** One line per take for audio; for a video (one take) the lines are joined. */
  transcript?: readonly string[];
  /** Default: face when the file has a video track (cover art does not count), voice otherwise. */
  as?: ImportAs;
  signal?: AbortSignal;
  onProgress?: ImportRequest['onProgress'];
}

export async function importFile(studio: Studio, request: ImportFileRequest): Promise<ImportOutcome> {
  const deps = { db: studio.db, blobs: studio.blobs, tmpDir: studio.tmpDir };
  const base = { path: request.path, language: request.language, signal: request.signal, onProgress: request.onProgress };
  let hasVideo = false;
  try {
    hasVideo = (await probe(request.path, { signal: request.signal })).hasVideo;
  } catch (error) {
    // importRecording probes again and turns the problem into the message the creator sees.
    if (!(error instanceof MediaError)) throw error;
  }
  const as = request.as ?? (hasVideo ? 'face' : 'voice');
  if (as === 'voice') return importRecording(deps, { ...base, transcript: request.transcript });
  if (!hasVideo) throw new LikenessError('invalid-input', `${basename(request.path)} has no video track to import as a face take; import it as voice instead.`);
  const lines = request.transcript?.map((l) => l.trim()).filter((l) => l !== '') ?? [];
  const video = await storeVideo(studio, request.path);
  return importRecording(deps, {
    ...base,
    whole: { kind: 'face', source: 'imported', promptId: null, transcript: lines.length > 0 ? lines.join(' ') : null, sourceName: basename(request.path), video },
  });
}

/** A recording made in the app (or an import dropped onto it) into takes; the caller removes the file. */
async function takesFromRecording(studio: Studio, meta: RecordingMeta, path: string): Promise<{ takes: Take[]; notes: string[] }> {
  if (meta.purpose === 'import') {
    // The Import tab says what videos become: face asks for the default (face when the file has video), voice for audio only.
    const outcome = await importFile(studio, { path, language: meta.language, as: meta.kind === 'voice' ? 'voice' : undefined });
    return { takes: outcome.takes, notes: outcome.notes };
  }
  const kind: TakeKind = meta.kind;
  const video = kind === 'voice' ? undefined : await storeVideo(studio, path);
  const prompt = meta.promptId !== null && isPromptLanguage(meta.language) ? promptsFor(meta.language).find((p) => p.id === meta.promptId) : undefined;
  const outcome = await importRecording(
    { db: studio.db, blobs: studio.blobs, tmpDir: studio.tmpDir },
    { path, language: meta.language, whole: { kind, source: 'recorded', promptId: prompt?.id ?? null, transcript: prompt?.text ?? null, sourceName: RECORDER_DEVICE, video } },
  );
  return { takes: outcome.takes, notes: outcome.notes };
}

export async function finishRecording(studio: Studio, id: string): Promise<{ takes: Take[]; notes: string[] }> {
  const { meta, path } = studio.recordings.finish(id);
  try {
    return await takesFromRecording(studio, meta, path);
  } finally {
    studio.recordings.discard(id, path);
  }
}

/**
 * A recording cut off by a crash or a closed window, turned into takes from what was flushed. The file is removed only once
 * its takes are stored: a recovery that fails keeps it for another try or for deletion.
 */
export async function recoverRecording(studio: Studio, id: string): Promise<{ takes: Take[]; notes: string[] }> {
  const left = studio.recordings.leftover(id);
  if (!left.meta) throw new LikenessError('conflict', 'This recording lost its details (prompt, language) in the crash; import its file instead, or delete it.');
  if (left.meta.kind === 'consent') throw new LikenessError('conflict', 'A consent take cannot be recovered: its sentence is only valid for the take it was read in. Delete it and read a new sentence.');
  const outcome = await takesFromRecording(studio, left.meta, left.file);
  studio.recordings.discard(id);
  return { ...outcome, notes: [`recovered from an interrupted recording (${left.bytes} bytes)`, ...outcome.notes] };
}
