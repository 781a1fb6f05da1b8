// The script editor's form state and its conversion to and from a compose script: checks the editor can make itself, the studio's errors placed at the segment they name, and the export file's name; renderer (pure).
import { COMPOSE_SCRIPT_SCHEMA, MAX_PAUSE_SECONDS, MAX_SEGMENTS, MAX_SEGMENT_CHARS, fileSlug } from '../../../main/contract/compose.js';
import type { ComposeScript } from '../../../main/contract/compose.js';
import { VOICE_LANGUAGES } from '../../../main/contract/voice-languages.js';

const MAX_TITLE_CHARS = 200;

/** The same shape of tag the studio accepts for a take's language: `en`, `pt-BR`, `zh-Hant-TW`. */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export type SegmentField = 'language' | 'text' | 'pause';

export interface SegmentDraft {
  /** Stable across moves, so React keeps each segment's inputs (and focus) with it, and refusals follow their segment. */
  key: number;
  language: string;
  /** The creator chose to type a tag rather than pick a listed language; the free-text field stays while they type. */
  custom: boolean;
  text: string;
  /** Seconds as typed, so a half-typed number is not lost before the editor checks it. */
  pause: string;
}

export interface ScriptDraft {
  title: string;
  segments: SegmentDraft[];
}

/** One thing wrong, where the editor shows it: the title, a segment's field (by key), or the script as a whole. */
export type DraftIssue = { at: 'title'; message: string } | { at: 'segment'; key: number; field: SegmentField | null; message: string } | { at: 'script'; message: string };

const isListedLanguage = (tag: string) => VOICE_LANGUAGES.some((l) => l.tag === tag);

/** What the language must be written in, where eSpeak NG needs it (Japanese in kana, Arabic vocalised). */
export function writingHint(tag: string): string | undefined {
  const language = VOICE_LANGUAGES.find((l) => l.tag === tag);
  if (language?.script === 'kana') return `Write ${language.name} in kana: kanji are read out as "Chinese letter".`;
  if (language?.script === 'vocalised') return `Write ${language.name} vocalised (with harakat), so short vowels are read right.`;
  return undefined;
}

export function draftFromScript(script: ComposeScript): ScriptDraft {
  return {
    title: script.title,
    segments: script.segments.map((s, key) => ({ key, language: s.language, custom: !isListedLanguage(s.language), text: s.text, pause: String(s.pauseSeconds) })),
  };
}

/** The script a new project starts with: one empty segment to write in. */
export function newScript(language = 'en'): ComposeScript {
  return { schema: COMPOSE_SCRIPT_SCHEMA, title: 'Untitled script', segments: [{ language, text: '', pauseSeconds: 0 }] };
}

const pauseOf = (text: string) => (text.trim() === '' ? 0 : Number(text));

/**
 * The script the draft stands for and what is wrong with it that the editor can tell without the studio. The script
 * is built even when there are issues, so what the studio would be sent is always at hand.
 */
export function scriptFromDraft(draft: ScriptDraft): { script: ComposeScript; issues: DraftIssue[] } {
  const issues: DraftIssue[] = [];
  const title = draft.title.trim();
  if (title === '') issues.push({ at: 'title', message: 'Give the script a title.' });
  else if (title.length > MAX_TITLE_CHARS) issues.push({ at: 'title', message: `A title holds at most ${MAX_TITLE_CHARS} characters (${title.length} now).` });
  if (draft.segments.length > MAX_SEGMENTS) issues.push({ at: 'script', message: `A script holds at most ${MAX_SEGMENTS} segments; split it into two projects.` });
  const segments = draft.segments.map((s) => {
    const language = s.language.trim();
    if (!LANGUAGE_TAG.test(language)) {
      issues.push({ at: 'segment', key: s.key, field: 'language', message: language === '' ? 'Choose a language or type its tag, such as pt-BR.' : `"${language}" is not a language tag: write one such as en or pt-BR.` });
    }
    if (s.text.length > MAX_SEGMENT_CHARS) {
      issues.push({ at: 'segment', key: s.key, field: 'text', message: `At most ${MAX_SEGMENT_CHARS} characters (${s.text.length} now): split the text into two segments.` });
    }
    const pauseSeconds = pauseOf(s.pause);
    if (!Number.isFinite(pauseSeconds) || pauseSeconds < 0 || pauseSeconds > MAX_PAUSE_SECONDS) {
      issues.push({ at: 'segment', key: s.key, field: 'pause', message: `A pause is 0 to ${MAX_PAUSE_SECONDS} seconds.` });
    }
    return { language, text: s.text, pauseSeconds };
  });
  return { script: { schema: COMPOSE_SCRIPT_SCHEMA, title, segments }, issues };
}

/** Whether two scripts say the same thing, whatever order their fields came in. */
function sameScript(a: ComposeScript, b: ComposeScript): boolean {
  return (
    a.title === b.title &&
    a.segments.length === b.segments.length &&
    a.segments.every((s, i) => {
      const t = b.segments[i]!;
      return s.language === t.language && s.text === t.text && s.pauseSeconds === t.pauseSeconds;
    })
  );
}

/** Unsaved: the draft no longer says what the saved script says (or cannot be saved as it is). */
export function isDirty(draft: ScriptDraft, saved: ComposeScript): boolean {
  const { script, issues } = scriptFromDraft(draft);
  return issues.length > 0 || !sameScript(script, saved);
}

const nextKey = (draft: ScriptDraft) => draft.segments.reduce((max, s) => Math.max(max, s.key), -1) + 1;

/** A new empty segment at the end, in the language of the one before it; its key is returned to focus it. */
export function addSegment(draft: ScriptDraft): { draft: ScriptDraft; key: number } {
  const last = draft.segments.at(-1);
  const key = nextKey(draft);
  const segment: SegmentDraft = { key, language: last?.language ?? 'en', custom: last?.custom ?? false, text: '', pause: '0' };
  return { draft: { ...draft, segments: [...draft.segments, segment] }, key };
}

export function removeSegment(draft: ScriptDraft, key: number): ScriptDraft {
  return { ...draft, segments: draft.segments.filter((s) => s.key !== key) };
}

/** Moves a segment one place up (-1) or down (+1); at either end it stays. */
export function moveSegment(draft: ScriptDraft, key: number, by: -1 | 1): ScriptDraft {
  const from = draft.segments.findIndex((s) => s.key === key);
  const to = from + by;
  if (from < 0 || to < 0 || to >= draft.segments.length) return draft;
  const segments = [...draft.segments];
  [segments[from], segments[to]] = [segments[to]!, segments[from]!];
  return { ...draft, segments };
}

export function updateSegment(draft: ScriptDraft, key: number, patch: Partial<Omit<SegmentDraft, 'key'>>): ScriptDraft {
  return { ...draft, segments: draft.segments.map((s) => (s.key === key ? { ...s, ...patch } : s)) };
}

/** How the studio's messages name a segment: "Segment 3:", "segment 3 (en):". */
const SEGMENT_PREFIX = /^segment (\d+)(?: \([^)]*\))?:\s*/i;

/** A message without the segment it opens with, for where the segment is already named. */
export const withoutSegmentPrefix = (message: string) => message.replace(SEGMENT_PREFIX, '');

const FIELDS: Record<string, SegmentField> = { language: 'language', text: 'text', pauseSeconds: 'pause' };

/**
 * The segment (0-based) and field an error's path names. The contract's own input check numbers segments from 0 under
 * `script.` (`script.segments.2.text` is the third); the studio's answers number them from 1, as the editor shows
 * them (`segments.3`); a message may also open with "Segment 3:".
 */
export function segmentOfIssue(path: string, message = ''): { index: number; field: SegmentField | null } | undefined {
  const contract = /^script\.segments\.(\d+)(?:\.(\w+))?/.exec(path);
  if (contract) return { index: Number(contract[1]), field: FIELDS[contract[2] ?? ''] ?? null };
  const studio = /^segments\.(\d+)(?:\.(\w+))?/.exec(path);
  if (studio && Number(studio[1]) >= 1) return { index: Number(studio[1]) - 1, field: FIELDS[studio[2] ?? ''] ?? null };
  const worded = SEGMENT_PREFIX.exec(message);
  if (worded && Number(worded[1]) >= 1) return { index: Number(worded[1]) - 1, field: null };
  return undefined;
}

/**
 * The studio's errors placed in the draft they answer, given the keys its segments had then: at a segment's key (so
 * they follow it if it moves; the "Segment 3:" the message opens with is dropped, the editor shows it there), at the
 * title, or left for the script as a whole.
 */
export function placeIssues(issues: readonly { path: string; message: string }[], keys: readonly number[]): DraftIssue[] {
  return issues.map((issue): DraftIssue => {
    if (issue.path === 'script.title' || issue.path === 'title') return { at: 'title', message: issue.message };
    const found = segmentOfIssue(issue.path, issue.message);
    const key = found ? keys[found.index] : undefined;
    if (found && key !== undefined) return { at: 'segment', key, field: found.field, message: withoutSegmentPrefix(issue.message) };
    return { at: 'script', message: issue.message };
  });
}

/** An error's path in words, for a list that is not next to the field: "Segment 3, text". */
export function issueLabel(path: string): string {
  if (path === 'script.title' || path === 'title') return 'Title';
  const found = segmentOfIssue(path);
  if (found) return `Segment ${found.index + 1}${found.field ? `, ${found.field}` : ''}`;
  if (path === 'script.segments' || path === 'segments') return 'Segments';
  if (path === 'script' || path === '(input)' || path === '') return 'The file';
  return path.replace(/^script\./, '');
}

/** A file name for the exported script: its title, lowercase, dashes for anything else. */
export function exportFileName(title: string): string {
  return `${fileSlug(title, 'script')}.script.json`;
}
