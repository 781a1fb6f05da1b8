// `likeness capture import|list|show|check|delete|recover`: takes of a data home from the command line; CLI process.
import { readFileSync } from 'node:fs';
import { RecordingId, TakeId, type Take } from '../contract/models.js';
import { type ImportOutcome } from '../core/capture/import.js';
import { importFile, recoverRecording } from '../core/capture/import-file.js';
import { analyseTakeFile } from '../core/media/analyse-take.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { type Io, UsageError, type Verb } from './verb.js';

const ACTIONS = ['import', 'list', 'show', 'check', 'delete', 'recover'] as const;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function describeTake(take: Take): string {
  const m = take.metrics;
  const lufs = m.integratedLufs === null ? '–' : `${m.integratedLufs.toFixed(1)} LUFS`;
  return `${take.id}  ${take.status.padEnd(4)}  ${take.kind} ${take.language}  ${m.durationSeconds.toFixed(1)} s  ${lufs}  SNR ${m.snrDb.toFixed(0)} dB  speech ${Math.round(m.speechRatio * 100)}%  ${take.transcript === null ? '(untranscribed)' : JSON.stringify(take.transcript)}  ${take.sourceName}`;
}

function printOutcome(io: Io, outcome: ImportOutcome): void {
  io.out(`${outcome.file}: ${outcome.takes.length} take${outcome.takes.length === 1 ? '' : 's'}`);
  for (const take of outcome.takes) {
    io.out(`  ${describeTake(take)}`);
    for (const reason of take.reasons) io.out(`      ${take.status}: ${reason}`);
  }
  for (const note of outcome.notes) io.out(`  note: ${note}`);
}

export const capture: Verb = {
  summary: 'Import, list, check, recover or delete takes',
  help: `Usage: likeness capture import <file>… [--lang xx] [--transcript file] [--as voice|face] [--json] [--home DIR]
       likeness capture list [--lang xx] [--json] [--home DIR]
       likeness capture show <take-id> [--json] [--home DIR]
       likeness capture check <file> [--json]
       likeness capture delete <take-id> [--home DIR]
       likeness capture recover <recording-id> [--json] [--home DIR]

import   any format ffmpeg reads; normalised to 48 kHz mono, split into takes at pauses
         (Silero VAD), each analysed (loudness, peaks, clipping, noise, speech) and stored.
         --transcript: a text file with one line per take, in order; without one (or when
         the count differs) the takes are kept and marked untranscribed.
         A file with a video track becomes one face take: its video is analysed (face
         present, size, pose, sharpness, light) and kept; --as voice takes only its audio.
list     the takes with their status: pass, warn or fail, and why
show     one take with all its measurements
check    analyses a file without importing it
delete   removes a take (its media are freed by Settings → Free unused space)
recover  turns a recording cut off by a crash (listed by \`list\`) into its take

Options:
  --lang xx          BCP-47 language of the speech (default en)
  --transcript FILE  one line per take
  --as voice|face    what an imported file becomes (default: face when it has video)
  --json             machine-readable output
  --home DIR         data home
  -h, --help         show this help

Exit code: 0 done, 1 a file could not be imported (the others still are), 2 bad usage.`,
  options: { lang: { type: 'string' }, transcript: { type: 'string' }, as: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  positionals: ['action', 'files'],
  async run(values, io, positionals) {
    const [action, ...args] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    const json = Boolean(values.json);
    const language = (values.lang as string | undefined) ?? 'en';
    if (!LANGUAGE.test(language)) throw new UsageError(`--lang takes a BCP-47 language tag such as en, es or pt-BR, not ${JSON.stringify(language)}.`);
    if (action === 'import' || action === 'check' ? args.length === 0 : action !== 'list' && args.length !== 1) {
      throw new UsageError(action === 'import' || action === 'check' ? `${action} takes one or more files.` : `${action} takes one take id.`);
    }
    if ((action === 'show' || action === 'delete') && !TakeId.safeParse(args[0]).success) throw new UsageError(`${JSON.stringify(args[0])} is not a take id.`);
    if (action === 'recover' && !RecordingId.safeParse(args[0]).success) throw new UsageError(`${JSON.stringify(args[0])} is not a recording id (rec_…, listed by \`likeness capture list\`).`);
    const as = values.as as string | undefined;
    if (as !== undefined && as !== 'voice' && as !== 'face') throw new UsageError(`--as takes voice or face, not ${JSON.stringify(as)}.`);
    if (action === 'check') {
      let failed = 0;
      for (const file of args) {
        try {
          const { metrics, verdict } = await analyseTakeFile(file);
          if (json) io.out(JSON.stringify({ file, metrics, verdict }));
          else io.out(`${file}: ${verdict.status}  ${metrics.durationSeconds.toFixed(1)} s  ${metrics.integratedLufs?.toFixed(1) ?? '–'} LUFS${verdict.reasons.map((r) => `\n  ${r}`).join('')}`);
        } catch (error) {
          failed++;
          io.err(`${file}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failed > 0 ? EXIT.failure : EXIT.ok;
    }
    const transcript = values.transcript === undefined ? undefined : readFileSync(values.transcript as string, 'utf8').split(/\r?\n/);
    const studio = openStudio(resolveHome(values.home as string | undefined));
    try {
      switch (action) {
        case 'import': {
          let failed = 0;
          for (const path of args) {
            try {
              const outcome = await importFile(studio, { path, language, transcript, as });
              if (json) io.out(JSON.stringify(outcome));
              else printOutcome(io, outcome);
            } catch (error) {
              failed++;
              io.err(`${path}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
          return failed > 0 ? EXIT.failure : EXIT.ok;
        }
        case 'list': {
          const takes = studio.takes.list({ language: values.lang as string | undefined });
          if (json) io.out(JSON.stringify(takes));
          else if (takes.length === 0) io.out('No takes yet.');
          else for (const take of takes) io.out(describeTake(take));
          // Recordings cut off by a crash keep what was flushed.
          for (const left of studio.recordings.leftovers()) {
            const what = left.meta ? `${left.meta.kind} take, ${left.meta.language}${left.meta.promptId ? `, prompt ${left.meta.promptId}` : ''}` : 'details lost';
            io.err(`interrupted recording ${left.id} (${what}; ${left.bytes} bytes): \`likeness capture recover ${left.id}\``);
          }
          return EXIT.ok;
        }
        case 'show': {
          const take = studio.takes.require(args[0]!);
          if (json) io.out(JSON.stringify(take));
          else {
            io.out(describeTake(take));
            for (const reason of take.reasons) io.out(`  ${take.status}: ${reason}`);
            for (const [key, value] of Object.entries(take.metrics)) io.out(`  ${key}: ${value}`);
          }
          return EXIT.ok;
        }
        case 'recover': {
          const recovered = await recoverRecording(studio, args[0]!);
          if (json) io.out(JSON.stringify(recovered));
          else printOutcome(io, { file: args[0]!, ...recovered });
          return EXIT.ok;
        }
        default: {
          const take = studio.takes.delete(args[0]!);
          io.out(`Deleted ${take.id} (${take.sourceName}).`);
          return EXIT.ok;
        }
      }
    } finally {
      await studio.close();
    }
  },
};
