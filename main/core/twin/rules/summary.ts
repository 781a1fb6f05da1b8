// Twin rules: the plain-language lines a creator reads beside the rules editor (pure; main process and CLI).
import type { ContentCategory, Purpose, TwinRules } from './schema.js';

const PURPOSE_PHRASES: Record<Purpose, string> = {
  personal: 'personal videos',
  education: 'education',
  'commercial-video': 'commercial videos',
  advertising: 'advertising',
  news: 'news',
  entertainment: 'entertainment',
  accessibility: 'accessibility',
  research: 'research',
};

const CATEGORY_PHRASES: Record<ContentCategory, string> = {
  political: 'political content',
  sexual: 'sexual content',
  hate: 'hateful content',
  violence: 'violent content',
  impersonation: 'impersonating someone else',
  'medical-advice': 'medical advice',
  'financial-advice': 'financial advice',
};

// Past this many, the line would bury the rest of the summary; the editor shows the full list.
const TERMS_SHOWN = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEI_PER_ETH = 10n ** 18n;

const and = new Intl.ListFormat('en', { type: 'conjunction' });
const or = new Intl.ListFormat('en', { type: 'disjunction' });
const languageNames = new Intl.DisplayNames('en', { type: 'language', fallback: 'none' });
// Expiry is a UTC instant; showing it in UTC keeps the date the same on every creator's machine.
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

function languageName(tag: string): string {
  try {
    const name = languageNames.of(tag);
    return name === undefined ? tag : `${name} (${tag})`;
  } catch {
    // Intl refuses some well-formed tags (private use); the tag itself is then the best name.
    return tag;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** An amount in wei as ETH, exactly: bigint arithmetic, thousands grouped, trailing zeros trimmed. */
function formatEth(amountWei: string): string {
  const wei = BigInt(amountWei);
  const whole = (wei / WEI_PER_ETH).toLocaleString('en');
  const fraction = (wei % WEI_PER_ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

function expiryLine(expiresAt: string | null, now: Date): string {
  if (expiresAt === null) return 'Never expires.';
  const at = new Date(expiresAt);
  const midnight = at.getUTCHours() === 0 && at.getUTCMinutes() === 0 && at.getUTCSeconds() === 0 && at.getUTCMilliseconds() === 0;
  const when = midnight ? dateFormat.format(at) : `${dateFormat.format(at)} at ${timeFormat.format(at)} UTC`;
  // Whole calendar days in UTC, so the count agrees with the date shown whatever the hour now.
  const days = Math.round((utcDay(at) - utcDay(now)) / DAY_MS);
  // Expired from the instant itself on, as checkUse decides.
  if (at.getTime() <= now.getTime()) return `Expired on ${when} (${days === 0 ? 'earlier today' : `${plural(-days, 'day')} ago`}).`;
  return `Expires on ${when} (${days === 0 ? 'later today' : `in ${plural(days, 'day')}`}).`;
}

function validatorsLine({ addresses, threshold }: TwinRules['validators']): string {
  if (threshold === 0) return 'You approve every licence yourself.';
  return `Licences need ${threshold} of ${plural(addresses.length, 'validator')} to approve.`;
}

/** The rules as short sentences, one per rule, in the order the editor shows them; `now` fixes "in N days". */
export function summariseRules(rules: TwinRules, now: Date = new Date()): string[] {
  const lines = [`May be used for ${and.format(rules.purposes.map((p) => PURPOSE_PHRASES[p]))}.`];
  lines.push(rules.languages === 'any' ? 'In any language.' : `Only in ${and.format(rules.languages.map(languageName))}.`);
  lines.push(
    rules.blockedCategories.length === 0
      ? 'No kind of content is ruled out.'
      : `Never for ${or.format(rules.blockedCategories.map((c) => CATEGORY_PHRASES[c]))}.`,
  );
  if (rules.blockedTerms.length > 0) {
    const shown = rules.blockedTerms.slice(0, TERMS_SHOWN).map((term) => `“${term}”`);
    const more = rules.blockedTerms.length - shown.length;
    lines.push(`Never with the words: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`);
  }
  lines.push(rules.aiLabelRequired ? 'Every video must carry a visible AI-generated label.' : 'A visible AI-generated label is not required.');
  lines.push(expiryLine(rules.expiresAt, now));
  lines.push(validatorsLine(rules.validators));
  lines.push(rules.licenceFee === null || rules.licenceFee.amountWei === '0' ? 'No licence fee.' : `Licence fee: ${formatEth(rules.licenceFee.amountWei)} ETH.`);
  return lines;
}
