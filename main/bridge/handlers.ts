// The contract's calls implemented over the studio core; shared by the Electron and loopback transports; main process.
import { arch, platform } from 'node:os';
import type { Transport } from '../contract/bridge.js';
import { ConsentService } from '../core/capture/consent/service.js';
import { promptScript } from '../core/capture/progress.js';
import { finishRecording, recoverRecording } from '../core/capture/import-file.js';
import { runDoctor } from '../core/doctor/checks.js';
import { decodeImage } from '../core/vision/tracker.js';
import { LikenessError } from '../contract/errors.js';
import { parseTrainInput } from '../core/ml/train/job.js';
import { listRecipes } from '../core/ml/train/recipe.js';
import type { Studio } from '../core/studio.js';
import type { Handlers } from './dispatch.js';
import { APP_NAME, APP_VERSION } from './version.js';

/** About 20 minutes of 24 kHz speech or a few minutes of video: longer media go to a file, not through the bridge. */
const MAX_PLAYER_BYTES = 64 * 1024 * 1024;

export function createHandlers(studio: Studio, transport: Transport): Handlers {
  const consent = new ConsentService(studio);
  /** A blob of the given type for a player, base64; longer media go to a file with the CLI instead. */
  const playable = async (digest: string, mediaType: string, instead: string): Promise<string> => {
    const info = studio.blobs.info(digest);
    if (!info) throw new LikenessError('not-found', `No ${mediaType} ${digest} in this studio.`);
    if (info.mediaType !== mediaType) throw new LikenessError('invalid-input', `${digest} is ${info.mediaType}, not ${mediaType}.`);
    if (info.size > MAX_PLAYER_BYTES) throw new LikenessError('payload-too-large', `This is too long for the player; export it with \`${instead}\`.`);
    return (await studio.blobs.read(digest)).toString('base64');
  };
  return {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      home: studio.home,
      platform: platform(),
      arch: arch(),
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      transport,
    }),
    'settings.get': () => studio.settings.get(),
    'settings.update': (patch) => {
      const next = studio.settings.update(patch);
      studio.events.emit('settings.changed', next);
      return next;
    },
    'doctor.run': () => runDoctor(),
    'store.stats': () => studio.storeStats(),
    'jobs.list': ({ limit }) => studio.jobs.list(limit),
    'jobs.start': ({ kind }) => studio.jobs.start(kind),
    'jobs.cancel': ({ id }) => studio.jobs.cancel(id),
    'jobs.resume': ({ id }) => studio.jobs.resume(id),
    'jobs.pause': ({ id }) => studio.jobs.pause(id),
    'jobs.history': ({ id }) => studio.jobs.history(id),
    'train.recipes': () =>
      listRecipes().map(({ name, title, description, defaultEpochs }) => ({ name, title, description, defaultEpochs })),
    'train.start': (options) => studio.jobs.start('train', parseTrainInput(options)),
    'capture.prompts': ({ language }) => promptScript(studio.takes, language),
    'capture.takes': (filter) => studio.takes.list(filter),
    'capture.delete': ({ id }) => studio.takes.delete(id),
    'capture.record.start': (meta) => ({ id: studio.recordings.start(meta).id }),
    'capture.record.chunk': ({ id, seq, data }) => studio.recordings.append(id, seq, Buffer.from(data, 'base64')),
    'capture.record.finish': ({ id }) => finishRecording(studio, id),
    'capture.interrupted': () =>
      studio.recordings.leftovers().map((l) => ({ id: l.id, kind: l.meta?.kind ?? null, language: l.meta?.language ?? null, promptId: l.meta?.promptId ?? null, bytes: l.bytes, modifiedAt: l.modifiedAt })),
    'capture.recover': ({ id }) => recoverRecording(studio, id),
    'vision.track': async ({ image }) => {
      let rgb;
      try {
        rgb = await decodeImage(Buffer.from(image, 'base64'));
      } catch (error) {
        throw new LikenessError('invalid-input', error instanceof Error ? error.message : 'the frame is not an image');
      }
      const faces = await (await studio.tracker()).detect(rgb);
      return { width: rgb.width, height: rgb.height, faces };
    },
    'consent.start': ({ language }) => consent.start(language),
    'voice.train': (options) => studio.jobs.start('voice.train', options),
    'voice.models': () => studio.voiceModels.list(),
    'voice.say': (options) => studio.jobs.start('voice.say', options),
    'voice.audio': async ({ digest }) => ({ wav: await playable(digest, 'audio/wav', 'likeness voice say -o file.wav') }),
    'face.train': (options) => studio.jobs.start('face.train', options),
    'face.models': () => studio.faceModels.list(),
    'face.render': (options) => studio.jobs.start('face.render', options),
    'face.video': async ({ digest }) => ({ mp4: await playable(digest, 'video/mp4', 'likeness face render -o file.mp4') }),
    'consent.current': () => consent.current(),
    'consent.finish': ({ id, recordingId }) => consent.finish(id, recordingId),
    'consent.list': () => consent.list(),
    'capture.record.discard': ({ id }) => (studio.recordings.discard(id), {}),
  };
}
