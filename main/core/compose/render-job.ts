// The `compose.render` job: rules first, then speech and face in two workers side by side, then the watermarked soundtrack, subtitles, mux, receipt and C2PA provenance; main process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseWallet } from 'ethers';
import { type ComposeOutput, type ComposeProject, ComposeRenderOptions, type ComposeScript, fileSlug } from '../../contract/compose.js';
import { LikenessError } from '../../contract/errors.js';
import { type JobContext, type JobRunner, stopReasonOf } from '../jobs/manager.js';
import { receiptId, receiptMark } from '../ledger/receipts.js';
import type { LedgerService } from '../ledger/service.js';
import { runFfmpeg } from '../media/ffmpeg.js';
import { type TrainingJobDeps, checkpointDirOf, runInTrainingWorker } from '../ml/train/job.js';
import type { EspeakRunner } from '../speech/espeak.js';
import { type Cue, srt, webVtt } from '../speech/subtitles.js';
import { wavSamples } from '../speech/wav.js';
import { WavWriter } from '../speech/wav-writer.js';
import { fsyncDirectory, writeFileAtomic } from '../store/atomic.js';
import { translateFsError } from '../store/fs-errors.js';
import type { TwinLibrary, TwinSummary } from '../twin/library.js';
import { concatList, muxArgs } from './encode-args.js';
import type { FaceTaskInput, FaceTaskOutcome } from './face-task.js';
import { type LicenceStanding, refusalMessage, refusalsFor } from './permission.js';
import type { ComposeProjects } from './projects.js';
import { certificatesFor, sealProvenance } from './provenance.js';
import { checkRenderable, scriptLanguages, spokenSegments } from './script.js';
import type { SpeechTaskInput, SpeechTaskOutcome } from './speech-task.js';
import { openRenderParts, wipeDir } from './twin-access.js';
import { WatermarkEmbedder } from './watermark.js';
import { COMPOSE_SAMPLE_RATE, type SpokenSegment, readDone, segmentFiles } from './work-dir.js';

export interface ComposeJobDeps extends TrainingJobDeps {
  tmpDir: string;
  projects: ComposeProjects;
  twins: TwinLibrary;
  ledger: LedgerService;
  signer: () => BaseWallet;
  espeak: () => Promise<EspeakRunner>;
}

/** Segments speech may run ahead of the drawn video: enough to keep both workers busy, few enough to keep disk flat. */
const LOOKAHEAD = 2;

export interface RenderPlan {
  project: ComposeProject;
  script: ComposeScript;
  twin: TwinSummary;
  languages: string[];
  licence: LicenceStanding | undefined;
  audioOnly: boolean;
}

/**
 * Everything checked before any synthesis: the script renders (not empty, languages eSpeak NG reads), the twin's
 * current rules and, for a licensee, the licence allow it. Refusals name the rule and the segment.
 */
export async function planRender(deps: ComposeJobDeps, options: ComposeRenderOptions, now = new Date()): Promise<RenderPlan> {
  const project = deps.projects.require(options.project);
  const { script } = project;
  const available = (await (await deps.espeak()).voices()).map((v) => v.language);
  checkRenderable(script, available);
  const twin = await deps.twins.inspect(options.twinId, now);
  if (twin.problems.length > 0) throw new LikenessError('conflict', `The twin ${options.twinId} is damaged: ${twin.problems.map((p) => `${p.part}: ${p.message}`).join('; ')}.`);
  const me = deps.signer().address;
  const hasFace = twin.parts.some((p) => p.name === 'face-model');
  if (!twin.parts.some((p) => p.name === 'voice-model')) throw new LikenessError('invalid-input', `The twin ${options.twinId} holds no voice model, so it cannot speak a script.`);
  if (!hasFace && !options.audioOnly) {
    throw new LikenessError('invalid-input', `The twin ${options.twinId} holds no face model: it can only speak. Render the voice alone as an audio file (audio-only), or seal a twin with a face model.`);
  }
  let licence: LicenceStanding | undefined;
  if (options.licenseHash !== undefined) {
    const record = deps.ledger.licence(options.licenseHash);
    if (!record?.grant) throw new LikenessError('not-found', `This studio holds no granted licence ${options.licenseHash}: add the licence file its owner sent you first.`);
    if (record.twinId !== options.twinId) throw new LikenessError('conflict', `The licence ${record.licenseHash} is for twin ${record.twinId}, not ${options.twinId}.`);
    const onChain = await deps.ledger.verifyGrant(record.grant, options.twinId, now);
    licence = { grant: record.grant, rendersUsed: deps.ledger.rendersUnder(record.licenseHash), revoked: record.state === 'revoked' || onChain.onChain?.revoked === true, renderer: me };
  } else if (me.toLowerCase() !== twin.owner.toLowerCase()) {
    throw new LikenessError('forbidden', `You are not this twin's owner (${twin.owner}): render under a licence you hold.`);
  }
  const refusals = refusalsFor(twin.rules, { script, purpose: options.purpose, at: now, licence });
  if (refusals.length > 0) {
    throw new LikenessError(
      'forbidden',
      refusalMessage(refusals),
      refusals.map((r) => ({ path: r.segment === null ? r.rule : `segments.${r.segment}`, message: r.message })),
    );
  }
  return { project, script, twin, languages: scriptLanguages(script), licence, audioOnly: !hasFace };
}

/** A progress report that adds up the two workers' shares and the finishing steps. */
function progressOf(context: JobContext, segments: number, workers: number) {
  const done = { speech: 0, face: 0 };
  const total = segments * workers + 2;
  let finishing = 0;
  return {
    worker(kind: 'speech' | 'face', count: number, message: string) {
      done[kind] = count;
      context.report(done.speech + done.face, total, message);
    },
    finish(message: string) {
      finishing++;
      context.report(segments * workers + finishing, total, message);
    },
  };
}

/** A context for one of two sibling workers: its own stop signal, so one failing stops the other. */
function siblingContext(context: JobContext, signal: AbortSignal, report: (done: number, total: number, message: string) => void): JobContext {
  return {
    id: context.id,
    checkpoint: context.checkpoint,
    signal,
    report,
    saveCheckpoint: (value) => context.saveCheckpoint(value),
    metrics: (value) => context.metrics(value),
    point: (value) => context.point(value),
    rewindPoints: (after) => context.rewindPoints(after),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;


export function composeRenderJob(deps: ComposeJobDeps): JobRunner {
  return {
    title: (input) => {
      const options = ComposeRenderOptions.safeParse(input);
      const project = options.success ? deps.projects.find(options.data.project) : undefined;
      return project ? `Rendering “${project.script.title}”` : 'Rendering a script';
    },
    async run(context, input) {
      const options = ComposeRenderOptions.parse(input);
      const plan = await planRender(deps, options);
      const signer = deps.signer();
      const work = checkpointDirOf(deps.home, context);
      mkdirSync(work, { recursive: true, mode: 0o700 });
      const partsDir = join(deps.tmpDir, `compose-${context.id}`);
      try {
        const parts = await openRenderParts(deps.twins.layoutDir(options.twinId), signer, partsDir);
        const spoken = spokenSegments(plan.script);
        const drawn = !plan.audioOnly && parts.faceModel !== null && parts.faceIdle !== null;
        const progress = progressOf(context, spoken.length, drawn ? 2 : 1);
        const sibling = new AbortController();
        const relay = () => sibling.abort(context.signal.reason);
        context.signal.addEventListener('abort', relay, { once: true });
        const speechInput: SpeechTaskInput = {
          model: parts.voiceModel,
          dir: work,
          videoExt: options.format,
          segments: spoken.map(({ index, segment }) => ({ index, language: segment.language, text: segment.text, pauseSeconds: segment.pauseSeconds })),
          ...(options.rate === undefined ? {} : { rate: options.rate }),
          lookahead: drawn ? LOOKAHEAD : null,
        };
        const tasks: Promise<unknown>[] = [
          runInTrainingWorker(deps, siblingContext(context, sibling.signal, (n, _t, m) => progress.worker('speech', n, m)), 'compose-speech', speechInput),
        ];
        if (drawn) {
          const faceInput: FaceTaskInput = {
            model: parts.faceModel!,
            idle: parts.faceIdle!,
            dir: work,
            segments: spoken.map(({ index }) => index),
            format: options.format,
            resolution: options.resolution,
            label: plan.twin.rules.aiLabelRequired,
          };
          tasks.push(runInTrainingWorker(deps, siblingContext(context, sibling.signal, (n, _t, m) => progress.worker('face', n, m)), 'compose-face', faceInput));
        }
        // One worker failing stops the other, so the job ends with the first error instead of waiting on a worker that cannot finish.
        const stopSiblingOnFailure = (task: Promise<unknown>) =>
          task.catch((error: unknown) => {
            sibling.abort('cancel');
            throw error;
          });
        const settled = await Promise.allSettled(tasks.map(stopSiblingOnFailure));
        context.signal.removeEventListener('abort', relay);
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
        const speech = (settled[0] as PromiseFulfilledResult<unknown>).value as SpeechTaskOutcome;
        const face = drawn ? ((settled[1] as PromiseFulfilledResult<unknown>).value as FaceTaskOutcome) : undefined;
        if (context.signal.aborted || speech.stopped || face?.stopped) throw new Error('rendering stopped');
        const finished = await finishRender(deps, context, { plan, options, work, drawn, spoken: spoken.map(({ index }) => index), manifestDigest: parts.manifestDigest, progress });
        rmSync(work, { recursive: true, force: true });
        const { output, encodeSeconds, provenanceSeconds } = finished;
        return {
          output: output.id,
          path: output.path,
          seconds: output.seconds,
          receipt: output.receiptId,
          format: output.format,
          openSeconds: round(Math.max(speech.openSeconds, face?.openSeconds ?? 0)),
          speechSeconds: round(speech.workSeconds),
          faceSeconds: round(face?.workSeconds ?? 0),
          encodeSeconds: round(encodeSeconds),
          provenanceSeconds: round(provenanceSeconds),
        };
      } catch (error) {
        // A paused or interrupted render keeps the segments it finished, to resume from; any other end leaves nothing.
        const reason = stopReasonOf(context.signal);
        if (reason !== 'pause' && reason !== 'shutdown') rmSync(work, { recursive: true, force: true });
        throw error;
      } finally {
        wipeDir(partsDir);
      }
    },
  };
}

interface FinishInput {
  plan: RenderPlan;
  options: ComposeRenderOptions;
  work: string;
  drawn: boolean;
  spoken: number[];
  manifestDigest: string;
  progress: ReturnType<typeof progressOf>;
}

/** The soundtrack, watermarked as it is joined, and the subtitles: every segment's cues moved to where it plays. */
function joinSound(work: string, videoExt: string, spoken: readonly number[], mark: Uint8Array): { audio: string; cues: Cue[]; seconds: number } {
  const audio = join(work, 'soundtrack.wav');
  const writer = new WavWriter(audio, COMPOSE_SAMPLE_RATE);
  const embedder = new WatermarkEmbedder(mark);
  const cues: Cue[] = [];
  let offset = 0;
  try {
    for (const index of spoken) {
      const files = segmentFiles(work, index, videoExt);
      const segment = readDone<SpokenSegment>(files.speech);
      if (!segment) throw new Error(`segment ${index + 1} was not spoken`);
      for (const cue of segment.cues) cues.push({ text: cue.text, startSeconds: offset + cue.startSeconds, endSeconds: offset + cue.endSeconds });
      writer.write(embedder.process(wavSamples(readFileSync(files.wav))));
      offset += segment.samples / COMPOSE_SAMPLE_RATE;
    }
    writer.write(embedder.flush());
    writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { audio, cues, seconds: offset };
}

/** ISO 639-2 code for a subtitle track: the script's one language, or 'mul' for several. */
function trackLanguage(languages: readonly string[]): string {
  const iso: Record<string, string> = { en: 'eng', es: 'spa', fr: 'fra', de: 'deu', it: 'ita', pt: 'por', hi: 'hin', zh: 'zho', ja: 'jpn', ar: 'ara', ru: 'rus' };
  if (languages.length !== 1) return 'mul';
  return iso[languages[0]!.split('-')[0]!.toLowerCase()] ?? 'und';
}

async function finishRender(deps: ComposeJobDeps, context: JobContext, input: FinishInput): Promise<{ output: ComposeOutput; encodeSeconds: number; provenanceSeconds: number }> {
  const { plan, options, work } = input;
  const encodeStart = performance.now();
  const language = plan.languages.length === 1 ? plan.languages[0]! : 'mul';
  const licenseHash = plan.licence?.grant.licenseHash;
  // The receipt is drafted first: its mark goes into the sound, and the output it then names carries it.
  const draft = await deps.ledger.draftReceipt({ twinId: options.twinId, purpose: options.purpose, language, ...(licenseHash ? { licenseHash } : {}) });
  const markHex = receiptMark(draft);
  const mark = Buffer.from(markHex, 'hex');
  input.progress.finish('Marking the soundtrack and writing subtitles');
  const sound = joinSound(work, options.format, input.spoken, mark);
  const vttPath = join(work, 'subtitles.vtt');
  writeFileSync(join(work, 'subtitles.vtt'), webVtt(sound.cues));
  const kind: ComposeOutput['format'] = input.drawn ? options.format : options.format === 'mp4' ? 'm4a' : 'webm';
  const pre = join(work, `render.${kind}`);
  let videoList: string | undefined;
  if (input.drawn) {
    videoList = join(work, 'chunks.ffconcat');
    writeFileSync(videoList, concatList(input.spoken.map((i) => segmentFiles(work, i, options.format).video)));
  }
  await runFfmpeg(muxArgs({ ...(videoList ? { videoList } : {}), audio: sound.audio, subtitles: vttPath, subtitleLanguage: trackLanguage(plan.languages), format: options.format, output: pre }), 'the video', {
    signal: context.signal,
  });

  const encodeSeconds = (performance.now() - encodeStart) / 1000;
  const provenanceStart = performance.now();
  input.progress.finish('Signing the receipt and the C2PA manifest');
  const signed = await deps.ledger.signDraft(draft, pre);
  const id = receiptId(signed.receipt);
  const createdAt = new Date().toISOString();
  const sealed = await sealProvenance(pre, kind, {
    title: plan.script.title,
    twin: input.manifestDigest,
    licence: signed.receipt.licence,
    receiptId: id,
    receipt: signed.receipt,
    receiptSignature: signed.signature,
    mark: markHex,
    language: plan.languages,
    createdAt,
  }, await certificatesFor(deps.signer(), deps.home));

  const outId = `out_${randomBytes(6).toString('hex')}`;
  const outputs = join(deps.home, 'outputs');
  mkdirSync(outputs, { recursive: true });
  const dir = join(outputs, outId);
  const base = fileSlug(plan.script.title, 'video');
  const path = join(dir, `${base}.${kind}`);
  const output: ComposeOutput = {
    id: outId,
    project: plan.project.id,
    twinId: options.twinId,
    title: plan.script.title,
    format: kind,
    path,
    subtitles: { vtt: join(dir, `${base}.vtt`), srt: join(dir, `${base}.srt`) },
    sidecar: sealed.sidecar ? `${path}.c2pa` : null,
    seconds: sound.seconds,
    languages: plan.languages,
    receiptId: id,
    licence: signed.receipt.licence,
    mark: markHex,
    createdAt,
  };
  try {
    const staging = `${dir}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    writeFileAtomic(join(staging, `${base}.${kind}`), sealed.bytes);
    writeFileAtomic(join(staging, `${base}.vtt`), webVtt(sound.cues));
    writeFileAtomic(join(staging, `${base}.srt`), srt(sound.cues));
    if (sealed.sidecar) writeFileAtomic(join(staging, `${base}.${kind}.c2pa`), sealed.sidecar);
    fsyncDirectory(staging);
    renameSync(staging, dir);
    fsyncDirectory(outputs);
  } catch (error) {
    rmSync(`${dir}.partial`, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    throw translateFsError(error, 'the rendered video (nothing was kept, and no receipt was issued)', outputs);
  }
  try {
    deps.projects.keepOutput(output, () => deps.ledger.recordReceipt(options.twinId, signed));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { output, encodeSeconds, provenanceSeconds: (performance.now() - provenanceStart) / 1000 };
}
