// Twin rules: the zod schema of what a twin may be used for, the rules a new twin starts with, and a parser whose errors a creator can act on (pure; main process and CLI).
import { z } from 'zod';
import { defaultTwinRules, TWIN_CONTENT_CATEGORIES, TWIN_PURPOSES, TWIN_RULES_SCHEMA } from '../../../contract/models.js';

// The lists and the defaults are the contract's, so the editor in the renderer and the studio share one source.
export const RULES_SCHEMA = TWIN_RULES_SCHEMA;

export const PURPOSES = TWIN_PURPOSES;
export type Purpose = (typeof PURPOSES)[number];

export const CONTENT_CATEGORIES = TWIN_CONTENT_CATEGORIES;
export type ContentCategory = (typeof CONTENT_CATEGORIES)[number];

const MAX_TERMS = 500;
const MAX_TERM_LENGTH = 100;
const MAX_VALIDATORS = 32;
// The registry holds fees as uint256, so a larger amount could never be paid (it also bounds the text to 78 digits).
const MAX_WEI = 2n ** 256n - 1n;

/**
 * Whether `tag` is a well-formed BCP-47 language tag (RFC 5646 §2.1): language (2–3 letters with up to three
 * extlangs, or 5–8 letters), script, region, variants, extensions, private use; or a private-use tag alone.
 * Grandfathered tags are refused: each has a modern replacement. Repeated variants or extension singletons are
 * refused too (§2.2.5, §2.2.6), since such a tag can never be valid.
 */
export function isLanguageTag(tag: string): boolean {
  const subtags = tag.toLowerCase().split('-');
  if (!subtags.every((s) => /^[a-z0-9]{1,8}$/.test(s))) return false;
  let i = 0;
  const at = (pattern: RegExp): boolean => i < subtags.length && pattern.test(subtags[i]!);
  const privateUse = (): boolean => {
    if (!at(/^x$/)) return false;
    i++;
    if (!at(/^[a-z0-9]{1,8}$/)) return false;
    while (at(/^[a-z0-9]{1,8}$/)) i++;
    return true;
  };
  if (privateUse()) return i === subtags.length;
  if (at(/^[a-z]{2,3}$/)) {
    i++;
    for (let extlangs = 0; extlangs < 3 && at(/^[a-z]{3}$/); extlangs++) i++;
  } else if (at(/^[a-z]{5,8}$/)) {
    i++;
  } else {
    return false;
  }
  if (at(/^[a-z]{4}$/)) i++;
  if (at(/^(?:[a-z]{2}|[0-9]{3})$/)) i++;
  const variants = new Set<string>();
  while (at(/^(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3})$/)) {
    if (variants.has(subtags[i]!)) return false;
    variants.add(subtags[i++]!);
  }
  const singletons = new Set<string>();
  while (at(/^[0-9a-wyz]$/)) {
    if (singletons.has(subtags[i]!)) return false;
    singletons.add(subtags[i++]!);
    if (!at(/^[a-z0-9]{2,8}$/)) return false;
    while (at(/^[a-z0-9]{2,8}$/)) i++;
  }
  if (at(/^x$/) && !privateUse()) return false;
  return i === subtags.length;
}

/** A value as a creator would recognise it in a message. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

type ErrorFn = (issue: { code?: string; input?: unknown }) => string | undefined;

/**
 * Messages for a value of the wrong kind, telling a missing field apart from a wrong one. Unknown keys keep
 * zod's message, which names them; parseRules words them itself.
 */
function expecting(what: string, wrong?: (input: unknown) => string): ErrorFn {
  return ({ code, input }) => {
    if (code === 'unrecognized_keys') return undefined;
    if (input === undefined) return `missing: expected ${what}`;
    return wrong?.(input) ?? `expected ${what}, not ${shown(input)}`;
  };
}

/** Reports every entry that repeats an earlier one, comparing by `key`. */
function noRepeats(key: (value: string) => string) {
  return (values: readonly unknown[], ctx: z.core.$RefinementCtx<readonly unknown[]>): void => {
    const seen = new Map<string, string>();
    values.forEach((value, index) => {
      if (typeof value !== 'string') return;
      const first = seen.get(key(value));
      if (first === undefined) seen.set(key(value), value);
      else ctx.addIssue({ code: 'custom', path: [index], message: first === value ? `${shown(value)} is listed twice` : `${shown(value)} repeats ${shown(first)}` });
    });
  };
}

// Uniqueness and the threshold are checked even when another entry is malformed, so a creator sees every error at once.
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };
const whenObject = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

const purposeSchema = z.enum(PURPOSES, { error: expecting('a purpose', (input) => `${shown(input)} is not a purpose; choose from ${PURPOSES.join(', ')}`) });
const categorySchema = z.enum(CONTENT_CATEGORIES, {
  error: expecting('a content category', (input) => `${shown(input)} is not a content category; choose from ${CONTENT_CATEGORIES.join(', ')}`),
});

const languageTagSchema = z
  .string({ error: expecting('a language tag such as "en" or "pt-BR"') })
  .refine(isLanguageTag, { error: ({ input }) => `${shown(input)} is not a BCP-47 language tag (such as "en", "pt-BR" or "zh-Hant")` });

const languagesSchema = z.union(
  [
    z.literal('any'),
    z
      .array(languageTagSchema)
      .min(1, 'name at least one language, or write "any"')
      .superRefine(noRepeats((tag) => tag.toLowerCase()), whenList),
  ],
  { error: expecting('"any" or a list of language tags') },
);

const blockedTermSchema = z
  .string({ error: expecting('a word or phrase') })
  .trim()
  .min(1, 'a blocked term cannot be empty')
  .max(MAX_TERM_LENGTH, { error: ({ input }) => `${shown(typeof input === 'string' ? `${input.slice(0, 20)}…` : input)} is longer than ${MAX_TERM_LENGTH} characters` });

const addressSchema = z
  .string({ error: expecting('an Ethereum address') })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: ({ input }) => `${shown(input)} is not an Ethereum address (0x and 40 hexadecimal digits)` });

const validatorsSchema = z
  .strictObject(
    {
      addresses: z
        .array(addressSchema, { error: expecting('a list of validator addresses') })
        .max(MAX_VALIDATORS, { error: ({ input }) => `at most ${MAX_VALIDATORS} validators can be named, not ${Array.isArray(input) ? input.length : shown(input)}` })
        .superRefine(noRepeats((address) => address.toLowerCase()), whenList),
      threshold: z.int({ error: expecting('a whole number of validators') }),
    },
    { error: expecting('the validators as an object with addresses and threshold') },
  )
  .superRefine((validators, ctx) => {
    // This runs even when a field is malformed (see whenObject), so the typed value cannot be trusted here.
    const { addresses, threshold } = validators as { addresses?: unknown; threshold?: unknown };
    if (!Array.isArray(addresses) || typeof threshold !== 'number' || !Number.isInteger(threshold)) return;
    const named = addresses.length;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['threshold'], message });
    if (named === 0 && threshold !== 0) issue(`threshold ${threshold} needs validators, and none are named; use 0 to approve every licence yourself`);
    else if (named > 0 && threshold < 1) issue(`threshold must be at least 1 when validators are named, not ${threshold}`);
    else if (threshold > named) issue(`threshold ${threshold} is more than the ${named} validator${named === 1 ? '' : 's'} named`);
  }, whenObject);

const amountWeiSchema = z.string({ error: expecting('the fee in wei, as a string of digits') }).superRefine((amount, ctx) => {
  if (!/^(?:0|[1-9][0-9]*)$/.test(amount)) {
    ctx.addIssue({ code: 'custom', message: `${shown(amount)} is not a whole number of wei (digits only, no leading zeros; 0.05 ETH is "50000000000000000")` });
  } else if (BigInt(amount) > MAX_WEI) {
    ctx.addIssue({ code: 'custom', message: `a fee of ${amount.length} digits is more than a licence can carry (at most 2^256 − 1 wei)` });
  }
});

const licenceFeeSchema = z
  .strictObject(
    {
      amountWei: amountWeiSchema,
      currency: z.literal('ETH', { error: expecting('"ETH"', (input) => `${shown(input)} is not a supported currency; fees are in "ETH"`) }),
    },
    { error: expecting('the licence fee as an object with amountWei and currency, or null') },
  )
  .nullable();

export const twinRulesSchema = z.strictObject(
  {
    schema: z.literal(RULES_SCHEMA, { error: expecting(`"${RULES_SCHEMA}"`, (input) => `${shown(input)} is not a rules format this app reads; expected "${RULES_SCHEMA}"`) }),
    purposes: z
      .array(purposeSchema, { error: expecting('a list of purposes') })
      .min(1, 'name at least one purpose')
      .superRefine(noRepeats((purpose) => purpose), whenList),
    languages: languagesSchema,
    blockedCategories: z.array(categorySchema, { error: expecting('a list of content categories') }).superRefine(noRepeats((category) => category), whenList),
    blockedTerms: z
      .array(blockedTermSchema, { error: expecting('a list of words or phrases') })
      .max(MAX_TERMS, { error: ({ input }) => `at most ${MAX_TERMS} blocked terms, not ${Array.isArray(input) ? input.length : shown(input)}` }),
    aiLabelRequired: z.boolean({ error: expecting('true or false') }),
    expiresAt: z.iso
      .datetime({ error: expecting('a UTC timestamp or null', (input) => `${shown(input)} is not a UTC timestamp such as "2027-03-01T00:00:00Z"; use null for rules that never expire`) })
      .nullable(),
    validators: validatorsSchema,
    licenceFee: licenceFeeSchema,
  },
  { error: expecting('the rules as an object') },
);

export type TwinRules = z.infer<typeof twinRulesSchema>;

/** The rules a new twin starts with: personal and educational use only, the harmful categories blocked, labelled, no fee. */
export function defaultRules(): TwinRules {
  return defaultTwinRules();
}

export interface RuleError {
  /** Dotted path of the offending field, such as `languages.2` or `validators.threshold`; empty for the whole document. */
  path: string;
  message: string;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Validates `input` as twin rules, collecting every error rather than stopping at the first. */
export function parseRules(input: unknown): { ok: true; rules: TwinRules } | { ok: false; errors: RuleError[] } {
  const result = twinRulesSchema.safeParse(input);
  if (result.success) return { ok: true, rules: result.data };
  const errors = result.error.issues.flatMap((issue): RuleError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: `${shown(key)} is not a field the rules have` }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
  return { ok: false, errors };
}
