// A language's prompt script with the creator's progress: which prompts have a take, and how much speech is recorded; main process.
import { LikenessError } from '../../contract/errors.js';
import type { PromptScript } from '../../contract/models.js';
import { PROMPT_LANGUAGES, isPromptLanguage, languageName, promptsFor } from './prompts/index.js';
import type { TakesRepository } from './takes-repository.js';

export function promptScript(takes: TakesRepository, language: string): PromptScript {
  if (!isPromptLanguage(language)) {
    throw new LikenessError('not-found', `No prompt script for ${language}; scripts exist for ${PROMPT_LANGUAGES.join(', ')}.`);
  }
  const recorded = takes.list({ kind: 'voice', language });
  const byPrompt = new Map(recorded.filter((t) => t.promptId !== null && t.status !== 'fail').map((t) => [t.promptId!, t.id]));
  const prompts = promptsFor(language).map((p) => ({ id: p.id, text: p.text, takeId: byPrompt.get(p.id) ?? null }));
  return {
    language,
    name: languageName(language),
    prompts,
    recordedPrompts: prompts.filter((p) => p.takeId !== null).length,
    speechSeconds: recorded.reduce((sum, t) => sum + t.metrics.speechSeconds, 0),
    languages: PROMPT_LANGUAGES.map((tag) => ({ tag, name: languageName(tag) })),
  };
}
