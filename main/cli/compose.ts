// `likeness compose new|list|show|export|check|render|outputs` and `likeness verify`: scripts to talking-avatar videos, and checking a video's provenance; CLI process.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { type ComposeOutput, ComposeRenderOptions, type VerifyVerdict } from '../contract/compose.js';
import { LikenessError } from '../contract/errors.js';
import { planRender } from '../core/compose/render-job.js';
import { scriptFromJson, scriptToJson } from '../core/compose/script.js';
import { verifyFile } from '../core/compose/verify.js';
import { writeFileAtomic } from '../core/store/atomic.js';
import { resolveHome } from '../core/store/home.js';
import { type Studio, openStudio } from '../core/studio.js';
import { PURPOSES } from '../core/twin/rules/schema.js';
import { EXIT } from './exit-codes.js';
import { followJob } from './follow.js';
import { readPassphrase } from './passphrase.js';
import { type Io, UsageError, type Verb } from './verb.js';

type Values = Record<string, string | boolean | undefined>;

const ACTIONS = ['new', 'list', 'show', 'export', 'check', 'render', 'outputs'] as const;
type Action = (typeof ACTIONS)[number];
/** Actions that read the twin with the creator's key or sign, so need the identity unlocked. */
const UNLOCKS: ReadonlySet<Action> = new Set(['check', 'render']);

function renderOptions(values: Values, project: string | undefined): ComposeRenderOptions {
  if (!project) throw new UsageError('Name the project (see `likeness compose list`).');
  if (typeof values.twin !== 'string') throw new UsageError('Name the twin to render with: --twin ID (see `likeness twin list`).');
  if (typeof values.purpose !== 'string') throw new UsageError(`Say what the video is for: --purpose ${PURPOSES.join('|')}.`);
  const parsed = ComposeRenderOptions.safeParse({
    project,
    twinId: values.twin,
    purpose: values.purpose,
    format: values.format ?? 'mp4',
    resolution: values.resolution ?? '512',
    audioOnly: values['audio-only'] === true,
    ...(typeof values.licence === 'string' ? { licenseHash: values.licence } : {}),
    ...(typeof values.rate === 'string' ? { rate: Number(values.rate) } : {}),
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${String(i.path[0] ?? 'option')}: ${i.message}`).join('; '));
  return parsed.data;
}

function describeOutput(output: ComposeOutput): string[] {
  return [
    `${output.id}  ${output.title}  ${output.format}  ${output.seconds.toFixed(1)} s  ${output.languages.join(', ')}`,
    `  file:      ${output.path}`,
    `  subtitles: ${output.subtitles.vtt}, ${output.subtitles.srt}`,
    ...(output.sidecar ? [`  C2PA:      ${output.sidecar} (sidecar manifest)`] : [`  C2PA:      embedded in the file`]),
    `  receipt:   ${output.receiptId} (licence ${output.licence})`,
    `  watermark: ${output.mark}`,
  ];
}

/** Copies an output (and its subtitles and sidecar) to where the creator asked. */
function deliver(output: ComposeOutput, out: string, io: Io): void {
  const target = resolve(out);
  copyFileSync(output.path, target);
  const stem = target.slice(0, target.length - extname(target).length);
  copyFileSync(output.subtitles.vtt, `${stem}.vtt`);
  copyFileSync(output.subtitles.srt, `${stem}.srt`);
  if (output.sidecar) copyFileSync(output.sidecar, `${target}.c2pa`);
  io.out(`Copied to ${target} (with ${basename(stem)}.vtt and .srt${output.sidecar ? ` and ${basename(target)}.c2pa` : ''}).`);
}

async function run(studio: Studio, action: Action, values: Values, rest: readonly string[], io: Io): Promise<number> {
  const json = values.json === true;
  switch (action) {
    case 'new': {
      const script = typeof values.script === 'string' ? scriptFromJson(readText(values.script, 'script file')) : { title: needTitle(values), segments: [] };
      const project = studio.projects.create(script);
      io.out(json ? JSON.stringify(project) : `Created ${project.id}: “${project.script.title}”, ${project.script.segments.length} segment(s).`);
      return EXIT.ok;
    }
    case 'list': {
      const projects = studio.projects.list();
      if (json) io.out(JSON.stringify(projects));
      else if (projects.length === 0) io.out('No projects yet: `likeness compose new --script script.json`.');
      else for (const p of projects) io.out(`${p.id}  ${p.script.title}  ${p.script.segments.length} segment(s)  ${[...new Set(p.script.segments.map((s) => s.language))].join(', ')}  updated ${p.updatedAt}`);
      return EXIT.ok;
    }
    case 'show':
    case 'export': {
      const project = studio.projects.require(needProject(rest));
      const text = scriptToJson(project.script);
      if (typeof values.out === 'string') {
        writeFileAtomic(resolve(values.out), text);
        io.err(`Wrote the script to ${values.out}.`);
      } else io.out(text.trimEnd());
      return EXIT.ok;
    }
    case 'check': {
      const options = renderOptions(values, rest[0]);
      const plan = await planRender(studio.composition, options);
      io.out(json ? JSON.stringify({ allowed: true, languages: plan.languages, audioOnly: plan.audioOnly }) : `Allowed: the script keeps to the twin's rules${plan.licence ? ' and your licence' : ''} (${plan.languages.join(', ')}).`);
      return EXIT.ok;
    }
    case 'render': {
      const options = renderOptions(values, rest[0]);
      await planRender(studio.composition, options);
      const job = studio.jobs.start('compose.render', options);
      if (!json) io.out(`Started ${job.id}: ${job.title}`);
      const code = await followJob(studio, job.id, io, json);
      const done = studio.jobs.get(job.id);
      const id = done?.result?.output;
      const output = typeof id === 'string' ? studio.projects.output(id) : undefined;
      if (code === EXIT.ok && output) {
        if (!json) for (const line of describeOutput(output)) io.out(line);
        if (typeof values.out === 'string') deliver(output, values.out, io);
      }
      return code;
    }
    case 'outputs': {
      const outputs = studio.projects.outputs(rest[0] ? { project: rest[0] } : {});
      if (json) io.out(JSON.stringify(outputs));
      else if (outputs.length === 0) io.out('Nothing rendered yet.');
      else for (const o of outputs) for (const line of describeOutput(o)) io.out(line);
      return EXIT.ok;
    }
  }
}

function needProject(rest: readonly string[]): string {
  if (!rest[0]) throw new UsageError('Name the project (see `likeness compose list`).');
  return rest[0];
}

function needTitle(values: Values): string {
  if (typeof values.title !== 'string' || values.title.trim() === '') throw new UsageError('new needs --script FILE or --title TEXT.');
  return values.title;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} ${path}.`);
  }
}

export const compose: Verb = {
  summary: 'Write scripts and render talking videos of yourself, checked against the twin’s rules',
  help: `Usage: likeness compose new (--script FILE | --title TEXT) [--home DIR] [--json]
       likeness compose list|outputs [PROJECT] [--home DIR] [--json]
       likeness compose show|export PROJECT [-o FILE]
       likeness compose check PROJECT --twin ID --purpose P [--licence HASH] [--audio-only]
       likeness compose render PROJECT --twin ID --purpose P [--format mp4|webm] [--resolution 512|1080p]
                               [--licence HASH] [--audio-only] [--rate R] [-o FILE]

A script is JSON: {"title": "…", "segments": [{"language": "en", "text": "…", "pauseSeconds": 0.5}, …]}.
Each segment is spoken in its language (any eSpeak NG language; the tested ones are listed by
\`likeness voice languages\`).

new      saves a script as a project (from a JSON file, or empty with a title)
show     prints a project's script; export writes it to -o FILE
check    checks the script against the twin's current rules (purpose, languages, blocked content,
         expiry) and, with --licence, your licence (purpose, languages, term, renders left,
         revocation); a refusal names the rule and the segment. Nothing is rendered.
render   checks, then speaks each segment in the twin's voice while the face of earlier segments
         is drawn and encoded: MP4 (H.264/AAC) by default or WebM (VP9/Opus), 512x512 or 1080p,
         WebVTT and SRT subtitles, the "AI-generated" label when the rules ask for it, an
         inaudible watermark, a usage receipt and a C2PA manifest (embedded in MP4, a .c2pa
         sidecar for WebM). Ctrl+C pauses; \`likeness jobs resume <id>\` continues.
outputs  what was rendered, with files, receipts and watermarks

Options:
  --twin ID           the twin to render with (yours, or one licensed to you)
  --purpose P         ${PURPOSES.join(', ')}
  --licence HASH      render as a licensee under this licence (add it first: \`likeness license hold\`)
  --audio-only        for a twin without a face model: the voice alone (M4A, or WebM/Opus)
  --passphrase-file F read the identity's passphrase from F (otherwise it is asked for)
  -o, --out FILE      where to copy the result
  --home DIR, --json, -h/--help

Exit code: 0 done, 1 refused or failed, 2 bad usage, 130 paused (resumable).`,
  options: {
    script: { type: 'string' },
    title: { type: 'string' },
    twin: { type: 'string' },
    purpose: { type: 'string' },
    format: { type: 'string' },
    resolution: { type: 'string' },
    licence: { type: 'string' },
    'audio-only': { type: 'boolean' },
    rate: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'passphrase-file': { type: 'string' },
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['action', 'project'],
  async run(values, io, positionals) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    if ((action === 'check' || action === 'render') && rest.length === 0) throw new UsageError(`${action} needs the project id.`);
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      if (UNLOCKS.has(action as Action)) await studio.identity.unlock(await readPassphrase(values, 'Passphrase of your identity: ', false));
      return await run(studio, action as Action, values, rest, io);
    } finally {
      await studio.close();
    }
  },
};

export function describeVerdict(verdict: VerifyVerdict): string[] {
  const mark = { pass: '✓', fail: '✗', unknown: '?' } as const;
  return [
    `Verdict: ${verdict.verdict.toUpperCase()}`,
    ...verdict.checks.map((c) => `  ${mark[c.status]} ${c.name.padEnd(9)} ${c.detail}`),
    `What this proves: ${verdict.strength}`,
  ];
}

export const verify: Verb = {
  summary: 'Check a rendered video’s provenance: C2PA manifest, watermark, receipt, twin, licence, anchor',
  help: `Usage: likeness verify FILE [--sidecar FILE.c2pa] [--home DIR] [--json]

Reads the file's C2PA manifest (or the .c2pa sidecar beside it), finds the audio watermark
(which survives re-encoding and stripped metadata), checks the usage receipt's signature, the
twin owner's signature and the licence, and — where the chain can be reached — the anchored
receipt batch. The verdict states what it proves: a private local chain and a per-install
certificate prove consistency, not identity, to a third party; an anchor on a public chain
proves time and existence.

Exit code: 0 verified, 1 partial or failed, 2 bad usage.`,
  options: { sidecar: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' } },
  positionals: ['file'],
  async run(values, io, positionals) {
    const [file, ...rest] = positionals;
    if (!file) throw new UsageError('Name the video or audio file to verify.');
    if (rest.length > 0) throw new UsageError('verify takes one file.');
    const path = resolve(file);
    if (!existsSync(path)) throw new LikenessError('not-found', `No file ${path}.`);
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      const verdict = await verifyFile(studio, path, typeof values.sidecar === 'string' ? resolve(values.sidecar) : undefined);
      if (values.json) io.out(JSON.stringify(verdict));
      else for (const line of describeVerdict(verdict)) io.out(line);
      return verdict.verdict === 'verified' ? EXIT.ok : EXIT.failure;
    } finally {
      await studio.close();
    }
  },
};
