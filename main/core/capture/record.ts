// Turns a finished recording into takes: a prompt take kept whole, an imported file split at pauses; main process.
import { createReadStream } from 'node:fs';
import type { Take } from '../../contract/models.js';
import type { Studio } from '../studio.js';
import { importRecording } from './import.js';
import { isPromptLanguage, promptsFor } from './prompts/index.js';

export const RECORDER_DEVICE = 'in-app recorder';

export async function finishRecording(studio: Studio, id: string): Promise<{ takes: Take[]; notes: string[] }> {
  const { meta, path } = studio.recordings.finish(id);
  try {
    // A face or consent take keeps its video (the recording as made) beside the normalised audio.
    const video = meta.purpose === 'take' && meta.kind !== 'voice' ? await studio.blobs.put(createReadStream(path), { mediaType: 'video/webm' }) : undefined;
    const prompt = meta.promptId !== null && isPromptLanguage(meta.language) ? promptsFor(meta.language).find((p) => p.id === meta.promptId) : undefined;
    const outcome = await importRecording(
      { db: studio.db, blobs: studio.blobs, tmpDir: studio.tmpDir },
      {
        path,
        language: meta.language,
        recorded: meta.purpose === 'take' ? { kind: meta.kind, promptId: prompt?.id ?? null, transcript: prompt?.text ?? null, device: RECORDER_DEVICE, video: video?.digest } : undefined,
      },
    );
    return { takes: outcome.takes, notes: outcome.notes };
  } finally {
    studio.recordings.discard(id, path);
  }
}
