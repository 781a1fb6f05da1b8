// `likeness voice train|report|say`: the creator's voice model from the command line; CLI process.
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { VoiceModel } from '../contract/models.js';
import { EspeakRunner } from '../core/speech/espeak.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { VOICE_LANGUAGES } from '../core/voice/languages.js';
import { webVtt } from '../core/speech/subtitles.js';
import { RATE_RANGE, Speaker } from '../core/voice/speaker.js';
import { EXIT } from './exit-codes.js';
import { STAGE_TRAIN_OPTIONS, trainStage } from './stage-train.js';
import { type Io, UsageError, type Verb } from './verb.js';

const ACTIONS = ['train', 'report', 'say'] as const;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : 'not measured');

export function describeReport(model: VoiceModel): string[] {
  const r = model.report;
  const measured = new Map(r.languages.map((l) => [l.tag, l]));
  return [
    `Voice model ${model.version} (${model.id}), trained ${new Date(model.createdAt).toLocaleString()} in ${Math.round(r.trainingSeconds)} s`,
    `  ${r.trainTakes} takes trained on (${Math.round(r.trainSpeechSeconds)} s of speech), ${r.heldOutTakes} held out and never trained on`,
    `  mel-cepstral distortion against your held-out takes (lower is closer to you):`,
    `    eSpeak NG unconverted   ${db(r.mcdSourceDb)}`,
    `    one affine map          ${db(r.mcdAffineDb)}`,
    `    your voice model        ${db(r.mcdConvertedDb)}  (${Math.round(r.mcdReduction * 100)}% less than unconverted; ${r.mcdVsAffine.toFixed(2)}× the affine map)`,
    `  pitch error ${Number.isFinite(r.f0RmseCents) ? `${Math.round(r.f0RmseCents)} cents` : 'not measured'}, voicing error ${Math.round(r.voicingError * 100)}%`,
    `  your pace: ${r.speakingRate.wordsPerMinute} words per minute in eSpeak NG terms (${r.speakingRate.ratio.toFixed(2)}× its default length); your pitch ${Math.round(r.f0.targetMeanHz)} Hz`,
    `  alignment cost by round: ${r.alignmentCosts.map((c) => c.toFixed(2)).join(' → ')} dB`,
    `  languages: ${VOICE_LANGUAGES.map((l) => (measured.get(l.tag)?.measured ? `${l.tag} ${db(measured.get(l.tag)!.mcdConvertedDb ?? Number.NaN)}` : `${l.tag} unmeasured`)).join(', ')}`,
    ...r.notes.map((n) => `  note: ${n}`),
  ];
}

async function say(io: Io, home: string, text: string, language: string, out: string, rate: number | undefined, subtitles: string | undefined): Promise<number> {
  const studio = openStudio(home);
  let model;
  try {
    model = await studio.blobs.read(studio.voiceModels.require().model);
  } finally {
    await studio.close();
  }
  const espeak = await EspeakRunner.start();
  const speaker = await Speaker.open(new Uint8Array(model), espeak);
  try {
    const spoken = await speaker.speakToFile(text, language, out, { rate, onSentence: (s, i) => io.err(`  ${i + 1}  ${s.startSeconds.toFixed(2)}–${s.endSeconds.toFixed(2)} s  ${s.text}`) });
    if (subtitles) writeFileSync(subtitles, webVtt(spoken.sentences));
    io.out(`Wrote ${out}: ${spoken.seconds.toFixed(1)} s, ${spoken.sentences.length} sentence(s), -16 LUFS${subtitles ? `; subtitles in ${subtitles}` : ''}`);
    return EXIT.ok;
  } finally {
    await speaker.close();
    await espeak.close();
  }
}

export const voice: Verb = {
  summary: 'Train your voice model, see its quality report, or speak text with it',
  help: `Usage: likeness voice train [--epochs N] [--seed N] [--provider P] [--threads N] [--home DIR] [--json]
       likeness voice report [--home DIR] [--json]
       likeness voice say "text" [--lang xx] [-o out.wav] [--rate X] [--vtt out.vtt] [--home DIR]

train    trains on your transcribed voice takes (at least 2 minutes of speech): eSpeak NG
         reads the same text, both are analysed and aligned, and a network learns to turn
         eSpeak's voice into yours. One take in ten is held out for the report. Ctrl+C
         pauses with a checkpoint; \`likeness jobs resume <id>\` continues.
report   the newest model's quality on the held-out takes, beside two baselines
say      speaks text of any length in your voice, sentence by sentence: a 24 kHz WAV at
         -16 LUFS, with sentence timings as WebVTT subtitles if asked.
         Languages: ${VOICE_LANGUAGES.map((l) => l.tag).join(', ')} (Japanese in kana, Arabic vocalised),
         and any other language eSpeak NG reads.

Options:
  --lang xx        language of the text (default en)
  -o, --out FILE   the WAV to write (default voice.wav)
  --rate X         pace relative to yours, ${RATE_RANGE.min} to ${RATE_RANGE.max} (default 1)
  --vtt FILE       also write the sentence timings as WebVTT subtitles
  --epochs N       training epochs (default 30; training stops early when held-out loss stalls)
  --seed N, --provider P, --threads N: as for \`likeness train\`
  --home DIR       data home
  --json           machine-readable output
  -h, --help       show this help

Exit code: 0 done, 1 failed (too little speech, no model yet, a language eSpeak NG lacks),
2 bad usage, 130 training paused (resumable).`,
  options: {
    lang: { type: 'string' },
    out: { type: 'string', short: 'o' },
    rate: { type: 'string' },
    vtt: { type: 'string' },
    ...STAGE_TRAIN_OPTIONS,
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['action', 'text'],
  async run(values, io, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    const home = resolveHome(values.home as string | undefined);
    if (action === 'say') {
      const text = rest.join(' ');
      if (text.trim() === '') throw new UsageError('Give the text to say, in quotes.');
      const language = (values.lang as string | undefined) ?? 'en';
      if (!LANGUAGE.test(language)) throw new UsageError(`--lang takes a BCP-47 language tag such as en, es or pt-BR, not ${JSON.stringify(language)}.`);
      const rate = values.rate === undefined ? undefined : Number(values.rate);
      if (rate !== undefined && !(rate >= RATE_RANGE.min && rate <= RATE_RANGE.max)) throw new UsageError(`--rate takes a number from ${RATE_RANGE.min} to ${RATE_RANGE.max}, not ${JSON.stringify(values.rate)}.`);
      return say(io, home, text, language, resolve((values.out as string | undefined) ?? 'voice.wav'), rate, values.vtt as string | undefined);
    }
    if (rest.length > 0) throw new UsageError(`${action} takes no text.`);
    const studio = openStudio(home, { log: (m) => io.err(m) });
    try {
      if (action === 'report') {
        const model = studio.voiceModels.require();
        if (values.json) io.out(JSON.stringify(model));
        else for (const line of describeReport(model)) io.out(line);
        return EXIT.ok;
      }
      return await trainStage(studio, 'voice.train', values, io, () => {
        const model = studio.voiceModels.current();
        return model ? describeReport(model) : null;
      });
    } finally {
      await studio.close();
    }
  },
};
