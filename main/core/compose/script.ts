// Compose scripts: parsing a script (from the editor or a JSON file) with errors a creator can act on, and what it adds up to (pure; main process and CLI).
import { ComposeScript, type ScriptSegment } from '../../contract/compose.js';
import { LikenessError } from '../../contract/errors.js';
import { espeakVoiceFor } from '../voice/languages.js';

/** Parses a script; the error names each field that is wrong (segments are numbered from 1, as the editor shows them). */
export function parseScript(input: unknown): ComposeScript {
  const parsed = ComposeScript.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: shownPath(issue.path), message: issue.message }));
  throw new LikenessError('invalid-input', `The script is not valid: ${issues.map((i) => `${i.path || 'script'}: ${i.message}`).join('; ')}.`, issues);
}

function shownPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' && path[i - 1] === 'segments' ? `${p + 1}` : String(p))).join('.');
}

/** A script read from a JSON file's text: bad JSON is named as such, not as a schema error. */
export function scriptFromJson(text: string): ComposeScript {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LikenessError('invalid-input', `The script file is not JSON: ${(error as Error).message}.`);
  }
  return parseScript(json);
}

export function scriptToJson(script: ComposeScript): string {
  return `${JSON.stringify(script, null, 2)}\n`;
}

/** The segments that say something: a segment of only whitespace is skipped, as an empty line is. */
export function spokenSegments(script: ComposeScript): { index: number; segment: ScriptSegment }[] {
  return script.segments.map((segment, index) => ({ index, segment })).filter(({ segment }) => segment.text.trim().length > 0);
}

/**
 * Refuses a script that cannot be rendered: nothing to say, or a language eSpeak NG cannot read (the message lists
 * the ones it can). `available` is eSpeak NG's own language list.
 */
export function checkRenderable(script: ComposeScript, available: readonly string[]): void {
  if (spokenSegments(script).length === 0) throw new LikenessError('invalid-input', 'The script is empty: write at least one segment with something to say.');
  for (const [index, segment] of script.segments.entries()) {
    try {
      espeakVoiceFor(segment.language, available);
    } catch (error) {
      throw new LikenessError('invalid-input', `Segment ${index + 1}: ${(error as Error).message}`);
    }
  }
}

/** Distinct languages of the spoken segments, in script order. */
export function scriptLanguages(script: ComposeScript): string[] {
  return [...new Set(spokenSegments(script).map(({ segment }) => segment.language))];
}
