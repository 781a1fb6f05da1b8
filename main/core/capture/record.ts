// Turns a finished recording into takes: a prompt take kept whole, an imported file split at pauses; main process.
import { createReadStream } from 'node:fs';
import type { Take, VideoMetrics } from '../../contract/models.js';
import { type VideoMetrics as MeasuredVideo, analyseVideo, judgeVideo } from '../vision/video-analysis.js';
import type { Studio } from '../studio.js';
import { importRecording } from './import.js';
import { isPromptLanguage, promptsFor } from './prompts/index.js';

export const RECORDER_DEVICE = 'in-app recorder';

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

export async function finishRecording(studio: Studio, id: string): Promise<{ takes: Take[]; notes: string[] }> {
  const { meta, path } = studio.recordings.finish(id);
  try {
    // A face or consent take keeps its video (the recording as made) beside the normalised audio, with its own analysis.
    let video;
    if (meta.purpose === 'take' && meta.kind !== 'voice') {
      const analysed = await analyseVideo(path, await studio.tracker());
      const verdict = judgeVideo(analysed);
      const stored = await studio.blobs.put(createReadStream(path), { mediaType: 'video/webm' });
      video = { digest: stored.digest, metrics: videoMetricsOf(analysed), verdict: { status: verdict.status, reasons: verdict.reasons } };
    }
    const prompt = meta.promptId !== null && isPromptLanguage(meta.language) ? promptsFor(meta.language).find((p) => p.id === meta.promptId) : undefined;
    const outcome = await importRecording(
      { db: studio.db, blobs: studio.blobs, tmpDir: studio.tmpDir },
      {
        path,
        language: meta.language,
        recorded: meta.purpose === 'take' ? { kind: meta.kind, promptId: prompt?.id ?? null, transcript: prompt?.text ?? null, device: RECORDER_DEVICE, video } : undefined,
      },
    );
    return { takes: outcome.takes, notes: outcome.notes };
  } finally {
    studio.recordings.discard(id, path);
  }
}
