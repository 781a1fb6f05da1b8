// Which eSpeak NG voice reads each language the twin can speak, and how its text divides into sentences; main process and workers.
import { LikenessError } from '../../contract/errors.js';
import { VOICE_LANGUAGES } from '../../contract/voice-languages.js';

export { VOICE_LANGUAGES };
export type { VoiceLanguage } from '../../contract/voice-languages.js';

/** The eSpeak NG voice for a BCP-47 tag: ours first, then eSpeak NG's own language names (given by `available`). */
export function espeakVoiceFor(tag: string, available: readonly string[]): string {
  const known = VOICE_LANGUAGES.find((l) => l.tag.toLowerCase() === tag.toLowerCase());
  if (known) return known.espeak;
  const lower = tag.toLowerCase();
  const own = available.find((a) => a.toLowerCase() === lower) ?? available.find((a) => a.toLowerCase() === lower.split('-')[0]);
  if (own) return own;
  throw new LikenessError(
    'not-found',
    `eSpeak NG cannot read ${JSON.stringify(tag)}. Languages: ${VOICE_LANGUAGES.map((l) => l.tag).join(', ')}, and eSpeak NG's own: ${[...available].sort().join(', ')}.`,
  );
}

/** Longest piece handed to eSpeak NG at once: long enough for any sentence, short enough to stream. */
export const MAX_PIECE_CHARS = 400;

const SENTENCE_END = /[.!?。！？।؟…]+["'”’»)\]]*(?=\s|$)|[。！？؟।]+/gu;
const SOFT_BREAK = /[,;:，、；：،]\s*|\s+/gu;

/** Cuts a run of text longer than MAX_PIECE_CHARS at its last comma (or space) before the limit. */
function pieces(sentence: string): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > MAX_PIECE_CHARS) {
    let cut = 0;
    for (const m of rest.slice(0, MAX_PIECE_CHARS).matchAll(SOFT_BREAK)) cut = m.index + m[0].length;
    if (cut === 0) cut = MAX_PIECE_CHARS;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut);
  }
  if (rest.trim()) out.push(rest.trim());
  return out.filter((p) => p.length > 0);
}

/**
 * The sentences of `text`, one at a time, each at most MAX_PIECE_CHARS: a long text is read while it is spoken, never
 * all at once. Line breaks end sentences too (titles, lists).
 */
export function* sentencesOf(text: string): Generator<{ text: string; start: number }> {
  let from = 0;
  const emit = function* (end: number) {
    const raw = text.slice(from, end);
    const lead = raw.length - raw.trimStart().length;
    let offset = from + lead;
    for (const piece of pieces(raw.trim())) {
      yield { text: piece, start: offset };
      offset += piece.length + 1;
    }
  };
  const boundary = new RegExp(`${SENTENCE_END.source}|\\n\\s*`, 'gu');
  for (const m of text.matchAll(boundary)) {
    const end = m.index + m[0].length;
    yield* emit(end);
    from = end;
  }
  yield* emit(text.length);
}
