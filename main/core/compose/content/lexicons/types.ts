// Blocked-content lexicons: the shape of a category's word list and the helper that writes phrase families from templates (pure; main process and CLI).

/** Languages we write lists for, by BCP-47 primary subtag; '*' is the list that applies to every language. */
export const LEXICON_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'zh', 'ja', 'hi', 'ar', 'ru'] as const;
export type LexiconLanguage = (typeof LEXICON_LANGUAGES)[number] | '*';

/** A phrase with conditions; a plain string is a phrase without any. */
export interface LexiconPhrase {
  term: string;
  /** Single words that make the phrase harmless when they come right after it ("shoot them" + "down"); '#' is any number. */
  unlessNext?: readonly string[];
  /** Counts only before a capitalised name, in cased languages ("vote for" + "Smith", not "vote for your favourite"). */
  nextIsName?: boolean;
}

export type LexiconItem = string | LexiconPhrase;

export type CategoryLexicon = Readonly<Partial<Record<LexiconLanguage, readonly LexiconItem[]>>>;

/**
 * Every template filled with every group: `{name}` in a template takes the group's value for `name`. Used for the
 * hate lists, where a dehumanising predicate is only hateful about a group of people ("parasites" alone is biology).
 */
export function fill(templates: readonly string[], groups: readonly Readonly<Record<string, string>>[]): string[] {
  return groups.flatMap((group) =>
    templates.map((template) =>
      template.replace(/\{(\w+)\}/gu, (_, key: string) => {
        const value = group[key];
        if (value === undefined) throw new Error(`lexicon template "${template}" needs {${key}}, which the group lacks`);
        return value;
      }),
    ),
  );
}
