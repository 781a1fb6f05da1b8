// Compose in the contract: scripts, projects, render options, outputs and provenance verdicts; imported by every process.
import { z } from 'zod';
import { TwinId, TwinPurpose } from './models.js';

/** Longest text of one segment: about five minutes of speech, so a segment is spoken and rendered with flat memory. */
export const MAX_SEGMENT_CHARS = 5_000;
/** Most segments in one script: more than an hour of speech. */
export const MAX_SEGMENTS = 2_000;
/** Longest pause after a segment, seconds. */
export const MAX_PAUSE_SECONDS = 10;

export const ComposeProjectId = z.string().regex(/^proj_[0-9a-f]{12}$/, 'a project id looks like proj_ followed by 12 hex digits');
export type ComposeProjectId = z.infer<typeof ComposeProjectId>;
export const ComposeOutputId = z.string().regex(/^out_[0-9a-f]{12}$/, 'an output id looks like out_ followed by 12 hex digits');
export type ComposeOutputId = z.infer<typeof ComposeOutputId>;

export const ScriptSegment = z
  .object({
    /** BCP-47 tag of the language the segment is spoken in. */
    language: z.string().min(2).max(35),
    text: z.string().max(MAX_SEGMENT_CHARS, `a segment holds at most ${MAX_SEGMENT_CHARS} characters; split longer text into several segments`),
    /** Silence after the segment, seconds. */
    pauseSeconds: z.number().min(0).max(MAX_PAUSE_SECONDS).default(0),
  })
  .strict();
export type ScriptSegment = z.infer<typeof ScriptSegment>;

export const COMPOSE_SCRIPT_SCHEMA = 'likeness.script/v1';

/** A script as saved in a project and exchanged as a JSON file. */
export const ComposeScript = z
  .object({
    schema: z.literal(COMPOSE_SCRIPT_SCHEMA).default(COMPOSE_SCRIPT_SCHEMA),
    title: z.string().trim().min(1).max(200),
    segments: z.array(ScriptSegment).max(MAX_SEGMENTS, `a script holds at most ${MAX_SEGMENTS} segments`),
  })
  .strict();
export type ComposeScript = z.infer<typeof ComposeScript>;

export const ComposeProject = z.object({
  id: ComposeProjectId,
  script: ComposeScript,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ComposeProject = z.infer<typeof ComposeProject>;

export const ComposeFormat = z.enum(['mp4', 'webm']);
export type ComposeFormat = z.infer<typeof ComposeFormat>;
export const ComposeResolution = z.enum(['512', '1080p']);
export type ComposeResolution = z.infer<typeof ComposeResolution>;

export const ComposeRenderOptions = z
  .object({
    project: ComposeProjectId,
    twinId: TwinId,
    purpose: TwinPurpose,
    format: ComposeFormat.default('mp4'),
    resolution: ComposeResolution.default('512'),
    /** For a twin without a face model: render the voice alone (an audio file), only when asked. */
    audioOnly: z.boolean().default(false),
    /** The licence hash to render under (a licensee); none for the twin's owner. */
    licenseHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a licence hash looks like 0x followed by 64 hex digits').optional(),
    /** Pace relative to the creator's own. */
    rate: z.number().min(0.5).max(2).optional(),
  })
  .strict();
export type ComposeRenderOptions = z.infer<typeof ComposeRenderOptions>;

/** Where the provenance of an output stands. */
export const ProvenanceBadge = z.enum(['verified', 'partial', 'failed']);

export const ComposeOutput = z.object({
  id: ComposeOutputId,
  project: ComposeProjectId,
  twinId: z.string(),
  title: z.string(),
  format: z.enum(['mp4', 'webm', 'm4a']),
  /** The file in the studio's outputs folder, and its subtitles beside it. */
  path: z.string(),
  subtitles: z.object({ vtt: z.string(), srt: z.string() }),
  /** The detached C2PA manifest, for formats that cannot embed one. */
  sidecar: z.string().nullable(),
  seconds: z.number(),
  languages: z.array(z.string()),
  receiptId: z.string(),
  licence: z.string(),
  /** The 64-bit mark the audio watermark carries, 16 hex digits. */
  mark: z.string(),
  createdAt: z.string(),
});
export type ComposeOutput = z.infer<typeof ComposeOutput>;

export const VerifyCheck = z.object({
  name: z.enum(['c2pa', 'watermark', 'receipt', 'twin', 'licence', 'anchor']),
  status: z.enum(['pass', 'fail', 'unknown']),
  detail: z.string(),
});
export type VerifyCheck = z.infer<typeof VerifyCheck>;

export const VerifyVerdict = z.object({
  verdict: ProvenanceBadge,
  /** What the checks prove, and to whom, in words. */
  strength: z.string(),
  checks: z.array(VerifyCheck),
  receiptId: z.string().nullable(),
  twin: z.string().nullable(),
});
export type VerifyVerdict = z.infer<typeof VerifyVerdict>;

/** A file name from a title: ASCII letters and digits, lowercase, dashes between words; `fallback` when nothing is left. */
export function fileSlug(title: string, fallback: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .toLowerCase();
  return slug || fallback;
}
