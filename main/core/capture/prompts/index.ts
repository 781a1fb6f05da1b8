// Prompt scripts: phonetically rich sentences a creator reads aloud for voice capture, per language; main process.
import { z } from 'zod';
// Static JSON imports: tsx and vitest load them as modules, and esbuild inlines them into the CommonJS main
// bundle, so no data file has to be found beside dist/main/main.cjs at run time.
import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import hi from './hi.json' with { type: 'json' };
import ja from './ja.json' with { type: 'json' };
import zh from './zh.json' with { type: 'json' };

/** BCP-47 tags of the languages with a prompt script. */
export const PROMPT_LANGUAGES = ['en', 'es', 'fr', 'de', 'hi', 'zh', 'ja'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

export type Prompt = { id: string; language: string; text: string };

const RAW: Record<PromptLanguage, unknown> = { en, es, fr, de, hi, zh, ja };

const scriptSchema = z.object({
  language: z.enum(PROMPT_LANGUAGES),
  name: z.string().min(1),
  prompts: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z]{2}-\d{3}$/, 'prompt ids look like "en-001"'),
        text: z
          .string()
          .min(1)
          .refine((t) => t === t.trim(), 'no leading or trailing whitespace'),
      }),
    )
    .min(1),
});

type Script = { name: string; prompts: readonly Prompt[] };

export class UnknownPromptLanguageError extends Error {
  constructor(readonly language: string) {
    super(`No prompt script for language "${language}"; available: ${PROMPT_LANGUAGES.join(', ')}`);
    this.name = 'UnknownPromptLanguageError';
  }
}

function parseScript(tag: PromptLanguage, raw: unknown): Script {
  const result = scriptSchema.safeParse(raw);
  if (!result.success) throw new Error(`Prompt script ${tag}.json is invalid: ${z.prettifyError(result.error)}`);
  const data = result.data;
  if (data.language !== tag) throw new Error(`Prompt script ${tag}.json declares language "${data.language}"`);
  const seenIds = new Set<string>();
  const seenTexts = new Set<string>();
  const prompts = data.prompts.map(({ id, text }) => {
    if (!id.startsWith(`${tag}-`)) throw new Error(`Prompt ${id} in ${tag}.json has another language's id`);
    if (seenIds.has(id)) throw new Error(`Prompt id ${id} appears twice in ${tag}.json`);
    if (seenTexts.has(text)) throw new Error(`Prompt text of ${id} appears twice in ${tag}.json`);
    seenIds.add(id);
    seenTexts.add(text);
    return Object.freeze({ id, language: tag, text });
  });
  return { name: data.name, prompts: Object.freeze(prompts) };
}

let scripts: ReadonlyMap<PromptLanguage, Script> | undefined;

function loaded(): ReadonlyMap<PromptLanguage, Script> {
  scripts ??= new Map(PROMPT_LANGUAGES.map((tag) => [tag, parseScript(tag, RAW[tag])]));
  return scripts;
}

export function isPromptLanguage(tag: string): tag is PromptLanguage {
  return (PROMPT_LANGUAGES as readonly string[]).includes(tag);
}

function script(language: string): Script {
  const tag = language.trim().toLowerCase();
  const found = isPromptLanguage(tag) ? loaded().get(tag) : undefined;
  if (!found) throw new UnknownPromptLanguageError(language);
  return found;
}

/** The prompts of one language, in script order. Tags are matched case-insensitively ("EN" is "en"). */
export function promptsFor(language: string): readonly Prompt[] {
  return script(language).prompts;
}

/** Every prompt of every language, languages in PROMPT_LANGUAGES order. */
export function allPrompts(): readonly Prompt[] {
  return PROMPT_LANGUAGES.flatMap((tag) => script(tag).prompts);
}

/** English name of a prompt language, e.g. "Hindi" for "hi". */
export function languageName(tag: string): string {
  return script(tag).name;
}
