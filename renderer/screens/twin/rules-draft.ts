// The rules editor's form state and its conversion to and from the rules document: ETH to wei exactly, errors to the field they belong to; renderer (pure).
import { TWIN_CONTENT_CATEGORIES, TWIN_PURPOSES, TWIN_RULES_SCHEMA } from '../../../main/contract/models.js';
import type { TwinContentCategory, TwinPurpose, TwinRuleError, TwinRules, TwinRulesDraft } from '../../../main/contract/models.js';

export const PURPOSE_LABELS: Record<TwinPurpose, string> = {
  personal: 'Personal videos',
  education: 'Education',
  'commercial-video': 'Commercial videos',
  advertising: 'Advertising',
  news: 'News',
  entertainment: 'Entertainment',
  accessibility: 'Accessibility',
  research: 'Research',
};

export const CATEGORY_LABELS: Record<TwinContentCategory, string> = {
  political: 'Political content',
  sexual: 'Sexual content',
  hate: 'Hateful content',
  violence: 'Violent content',
  impersonation: 'Impersonating someone else',
  'medical-advice': 'Medical advice',
  'financial-advice': 'Financial advice',
};

/** What the editor's fields hold: text as typed, so nothing the creator wrote is lost before the studio checks it. */
export interface RulesDraft {
  purposes: TwinPurpose[];
  anyLanguage: boolean;
  /** Language tags separated by commas or spaces. */
  languages: string;
  blockedCategories: TwinContentCategory[];
  /** One word or phrase per line. */
  blockedTerms: string;
  aiLabelRequired: boolean;
  expires: boolean;
  /** A UTC timestamp, or '' before a date is chosen. */
  expiresAt: string;
  /** One validator address per line. */
  validators: string;
  threshold: string;
  fee: boolean;
  /** The fee in ETH as typed, such as 0.05. */
  feeEth: string;
}

const WEI_PER_ETH = 10n ** 18n;

/**
 * An amount of ETH as typed, in wei as a decimal string, exactly (bigint arithmetic, never floating point):
 * "0.05" is "50000000000000000". Refuses more than 18 decimals, which no wei amount can hold.
 */
export function ethToWei(text: string): { ok: true; wei: string } | { ok: false; message: string } {
  const value = text.trim();
  if (value === '') return { ok: false, message: 'enter the fee in ETH, such as 0.05' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    return { ok: false, message: `"${value}" is not an amount of ETH: write digits with a point for decimals, such as 0.05` };
  }
  const fraction = match[2] ?? '';
  if (fraction.length > 18) return { ok: false, message: 'ETH has at most 18 decimal places (1 wei is 0.000000000000000001 ETH)' };
  const wei = BigInt(match[1] || '0') * WEI_PER_ETH + BigInt(fraction.padEnd(18, '0') || '0');
  return { ok: true, wei: wei.toString() };
}

/** Wei (a decimal string) as ETH, exactly, trailing zeros trimmed: "50000000000000000" is "0.05". */
export function weiToEth(wei: string): string {
  const amount = BigInt(wei);
  const fraction = (amount % WEI_PER_ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction === '' ? (amount / WEI_PER_ETH).toString() : `${amount / WEI_PER_ETH}.${fraction}`;
}

const split = (text: string, separator: RegExp): string[] => text.split(separator).filter((item) => item.trim() !== '');

export function draftFromRules(rules: TwinRules): RulesDraft {
  return {
    purposes: [...rules.purposes],
    anyLanguage: rules.languages === 'any',
    languages: rules.languages === 'any' ? '' : rules.languages.join(', '),
    blockedCategories: [...rules.blockedCategories],
    blockedTerms: rules.blockedTerms.join('\n'),
    aiLabelRequired: rules.aiLabelRequired,
    expires: rules.expiresAt !== null,
    expiresAt: rules.expiresAt ?? '',
    validators: rules.validators.addresses.join('\n'),
    threshold: String(rules.validators.threshold),
    fee: rules.licenceFee !== null && rules.licenceFee.amountWei !== '0',
    feeEth: rules.licenceFee === null ? '' : weiToEth(rules.licenceFee.amountWei),
  };
}

/** Keeps a checkbox group's choices in the order the studio lists them, whatever order they were ticked in. */
export function toggled<T extends string>(all: readonly T[], chosen: readonly T[], value: T, on: boolean): T[] {
  const next = new Set(chosen);
  if (on) next.add(value);
  else next.delete(value);
  return all.filter((item) => next.has(item));
}

export const orderedPurposes = (chosen: readonly TwinPurpose[], value: TwinPurpose, on: boolean) => toggled(TWIN_PURPOSES, chosen, value, on);
export const orderedCategories = (chosen: readonly TwinContentCategory[], value: TwinContentCategory, on: boolean) => toggled(TWIN_CONTENT_CATEGORIES, chosen, value, on);

/**
 * The rules document the draft stands for, to send to the studio as it is (the studio names what is wrong), and the
 * errors only the editor can see (a fee that is not an amount of ETH, an expiry without a date).
 */
export function rulesFromDraft(draft: RulesDraft): { rules: TwinRulesDraft; localErrors: TwinRuleError[] } {
  const localErrors: TwinRuleError[] = [];
  const threshold = draft.threshold.trim();
  let licenceFee: { amountWei: string; currency: 'ETH' } | null = null;
  if (draft.fee) {
    const fee = ethToWei(draft.feeEth);
    if (!fee.ok) localErrors.push({ path: 'licenceFee.amountWei', message: fee.message });
    licenceFee = { amountWei: fee.ok ? fee.wei : draft.feeEth.trim(), currency: 'ETH' };
  }
  if (draft.expires && draft.expiresAt === '') localErrors.push({ path: 'expiresAt', message: 'choose the date the rules expire' });
  return {
    rules: {
      schema: TWIN_RULES_SCHEMA,
      purposes: draft.purposes,
      languages: draft.anyLanguage ? 'any' : split(draft.languages, /[\s,]+/),
      blockedCategories: draft.blockedCategories,
      blockedTerms: split(draft.blockedTerms, /\r?\n/),
      aiLabelRequired: draft.aiLabelRequired,
      expiresAt: draft.expires ? draft.expiresAt : null,
      validators: {
        addresses: split(draft.validators, /[\s,]+/),
        // A number when it is one; otherwise the text itself, so the studio's message says what it got.
        threshold: threshold === '' ? 0 : /^-?\d+$/.test(threshold) ? Number(threshold) : threshold,
      },
      licenceFee,
    },
    localErrors,
  };
}

/** The editor's fields that errors are shown at. */
export type RulesField = 'purposes' | 'languages' | 'blockedCategories' | 'blockedTerms' | 'aiLabelRequired' | 'expiresAt' | 'validators' | 'threshold' | 'licenceFee' | 'general';

/** Where an error's path (`languages.2`, `validators.threshold`) is shown, and its message as that field says it. */
export function fieldOf(error: TwinRuleError): { field: RulesField; message: string } {
  const [head, second, third] = error.path.split('.');
  const index = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) + 1 : undefined);
  switch (head) {
    case 'purposes':
    case 'languages':
    case 'blockedCategories':
    case 'aiLabelRequired':
    case 'expiresAt':
    case 'licenceFee':
      return { field: head, message: error.message };
    case 'blockedTerms': {
      const n = index(second);
      return { field: 'blockedTerms', message: n === undefined ? error.message : `Term ${n}: ${error.message}` };
    }
    case 'validators': {
      if (second === 'threshold') return { field: 'threshold', message: error.message };
      const n = second === 'addresses' ? index(third) : undefined;
      return { field: 'validators', message: n === undefined ? error.message : `Address ${n}: ${error.message}` };
    }
    default:
      return { field: 'general', message: error.path === '' ? error.message : `${error.path}: ${error.message}` };
  }
}

/** The editor's own errors first; the studio's only where the editor has none at the same path (it sent the text as typed). */
export function mergeErrors(local: readonly TwinRuleError[], studio: readonly TwinRuleError[]): TwinRuleError[] {
  const covered = new Set(local.map((e) => e.path));
  return [...local, ...studio.filter((e) => !covered.has(e.path))];
}

/** The date part (YYYY-MM-DD) of a UTC timestamp, for a date input. */
export function datePart(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? '';
}
