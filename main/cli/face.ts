// `likeness face train|report|render`: the creator's face model from the command line; CLI process.
import { resolve } from 'node:path';
import type { FaceModel } from '../contract/models.js';
import { TalkingHead } from '../core/face/render.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { STAGE_TRAIN_OPTIONS, trainStage } from './stage-train.js';
import { UsageError, type Verb } from './verb.js';

const ACTIONS = ['train', 'report', 'render'] as const;

const f = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export function describeFaceReport(model: FaceModel): string[] {
  const r = model.report;
  const row = (name: string, s: { lmd: number; ssim: number }) => `    ${name.padEnd(28)} ${f(s.lmd, 2).padStart(6)} px   ${f(s.ssim, 3).padStart(6)}`;
  return [
    `Face model ${model.version} (${model.id}), trained ${new Date(model.createdAt).toLocaleString()} in ${Math.round(r.trainingSeconds)} s on ${r.device}`,
    `  ${r.trainTakes} takes (${r.trainFrames} frames) trained on, ${r.heldOutTakes} held out (${r.heldOutFrames} frames, never trained on)`,
    `  on the held-out takes, driven by their real audio (mouth landmark distance: lower is better; SSIM in the mouth: higher is better):`,
    `    ${''.padEnd(28)}    LMD     SSIM`,
    row('your face model', r.model),
    row('idle loop, untouched', r.idle),
    row('nearest training mouth', r.nearest),
    `  idle loop: ${r.idleSeconds.toFixed(1)} s of footage, played back and forth; preparation ${f(r.preprocessMsPerFrame, 1)} ms per frame`,
    ...r.excluded.map((e) => `  left out: ${e.id}: ${e.reason}`),
    ...r.notes.map((n) => `  note: ${n}`),
  ];
}

export const face: Verb = {
  summary: 'Train your face model, see its quality report, or render a talking head for audio',
  help: `Usage: likeness face train [--epochs N] [--seed N] [--provider P] [--threads N] [--home DIR] [--json]
       likeness face report [--home DIR] [--json]
       likeness face render --audio FILE [-o out.mp4] [--home DIR]

train    trains on your face takes (at least 60 s of video with one clear, frontal face):
         each frame is tracked, aligned and its mouth cut out; a network learns to draw your
         mouth from 0.4 s of audio around the frame. One take in ten is held out for the
         report. Ctrl+C pauses with a checkpoint; \`likeness jobs resume <id>\` continues.
report   the newest model's quality on the held-out takes, beside the idle loop and the
         nearest training mouth (both measured in the same run)
render   a 512x512 25 fps H.264/AAC MP4 of your idle loop speaking any audio file (your
         voice model's speech or a recording); the loop repeats as long as the audio lasts

Options:
  --audio FILE     the soundtrack to render (any format ffmpeg reads, up to 10 minutes)
  -o, --out FILE   the MP4 to write (default face.mp4)
  --epochs N       training epochs (default 20; training stops early when held-out loss stalls)
  --seed N, --provider P, --threads N: as for \`likeness train\`
  --home DIR       data home
  --json           machine-readable output
  -h, --help       show this help

Exit code: 0 done, 1 failed (too little video, no model yet, unreadable audio), 2 bad usage,
130 training paused (resumable).`,
  options: {
    audio: { type: 'string' },
    out: { type: 'string', short: 'o' },
    ...STAGE_TRAIN_OPTIONS,
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['action'],
  async run(values, io, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    if (rest.length > 0) throw new UsageError(`${action} takes no other arguments.`);
    if (action === 'render' && values.audio === undefined) throw new UsageError('render needs --audio FILE.');
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      if (action === 'report') {
        const model = studio.faceModels.require();
        if (values.json) io.out(JSON.stringify(model));
        else for (const line of describeFaceReport(model)) io.out(line);
        return EXIT.ok;
      }
      if (action === 'render') {
        const model = studio.faceModels.require();
        const out = resolve((values.out as string | undefined) ?? 'face.mp4');
        const head = await TalkingHead.open(new Uint8Array(await studio.blobs.read(model.model)), studio.blobs.pathOf(model.idle));
        try {
          const started = performance.now();
          const done = await head.render(resolve(values.audio as string), out, { onProgress: (frame, frames) => frame % 250 === 0 && io.err(`  ${frame} of ${frames} frames`) });
          const seconds = (performance.now() - started) / 1000;
          io.out(`Wrote ${out}: ${done.frames} frames (${done.seconds.toFixed(1)} s) at ${(done.frames / seconds).toFixed(1)} frames/s`);
        } finally {
          await head.close();
        }
        return EXIT.ok;
      }
      return await trainStage(studio, 'face.train', values, io, () => {
        const model = studio.faceModels.current();
        return model ? describeFaceReport(model) : null;
      });
    } finally {
      await studio.close();
    }
  },
};
