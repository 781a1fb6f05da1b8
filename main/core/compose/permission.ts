// Rules first: whether a script may be rendered under the twin's current rules and, for a licensee, their licence; every refusal names the rule and the segment (pure; main process and CLI).
import type { ComposeScript } from '../../contract/compose.js';
import type { LicenceGrant } from '../ledger/licences.js';
import { checkUse, languageAllows } from '../twin/rules/evaluate.js';
import type { Purpose, TwinRules } from '../twin/rules/schema.js';
import { describeMatch, findBlockedContent } from './content/check.js';
import { spokenSegments } from './script.js';

export interface Refusal {
  rule: 'purpose' | 'language' | 'category' | 'term' | 'expired' | 'licence' | 'licence-purpose' | 'licence-language' | 'licence-term' | 'licence-renders' | 'licence-revoked';
  /** 1-based segment the refusal is about, or null for the whole request. */
  segment: number | null;
  message: string;
}

export interface LicenceStanding {
  grant: LicenceGrant;
  /** Renders already made under it here (each has a receipt). */
  rendersUsed: number;
  /** Revoked on-chain, or marked revoked here. */
  revoked: boolean;
  /** The address that renders: it must be the licensee. */
  renderer: string;
}

export interface ComposeRequest {
  script: ComposeScript;
  purpose: Purpose;
  at: Date;
  /** Absent for the twin's owner. */
  licence?: LicenceStanding;
}

/** Every reason the request may not be rendered; empty when it may. */
export function refusalsFor(rules: TwinRules, request: ComposeRequest): Refusal[] {
  const { script, purpose, at, licence } = request;
  const spoken = spokenSegments(script);
  const refusals: Refusal[] = [];

  const whole = checkUse(rules, { purpose, languages: [], text: '', at });
  for (const violation of whole.violations) refusals.push({ rule: violation.rule, segment: null, message: `the twin's rules: ${violation.message}` });

  for (const { index, segment } of spoken) {
    for (const violation of checkUse(rules, { purpose, languages: [segment.language], text: '', at }).violations) {
      if (violation.rule === 'language') refusals.push({ rule: 'language', segment: index + 1, message: `segment ${index + 1}: the twin's rules: ${violation.message}` });
    }
  }

  const matches = findBlockedContent(
    spoken.map(({ segment }) => ({ language: segment.language, text: segment.text })),
    rules.blockedCategories,
    rules.blockedTerms,
  );
  for (const match of matches) {
    const segment = spoken[match.segment]!.index + 1;
    refusals.push({ rule: match.category === 'term' ? 'term' : 'category', segment, message: describeMatch({ ...match, segment }) });
  }

  if (licence) refusals.push(...licenceRefusals(licence, request));
  return refusals;
}

function licenceRefusals(standing: LicenceStanding, request: ComposeRequest): Refusal[] {
  const { grant } = standing;
  const terms = grant.request;
  const out: Refusal[] = [];
  if (standing.revoked) out.push({ rule: 'licence-revoked', segment: null, message: `the licence ${grant.licenseHash} has been revoked by the twin's owner` });
  if (terms.licensee.toLowerCase() !== standing.renderer.toLowerCase()) {
    out.push({ rule: 'licence', segment: null, message: `the licence is for ${terms.licensee}, not for your identity ${standing.renderer}` });
  }
  if (terms.purpose !== request.purpose) out.push({ rule: 'licence-purpose', segment: null, message: `the licence is for "${terms.purpose}" use, not "${request.purpose}"` });
  const now = request.at.getTime();
  if (now < Date.parse(terms.term.from)) out.push({ rule: 'licence-term', segment: null, message: `the licence starts at ${terms.term.from}` });
  if (now >= Date.parse(terms.term.to)) out.push({ rule: 'licence-term', segment: null, message: `the licence expired at ${terms.term.to}` });
  if (standing.rendersUsed >= terms.maxRenders) {
    out.push({ rule: 'licence-renders', segment: null, message: `the licence allows ${terms.maxRenders} render(s), and ${standing.rendersUsed} have been made` });
  }
  for (const { index, segment } of spokenSegments(request.script)) {
    if (!terms.languages.some((allowed) => languageAllows(allowed, segment.language))) {
      out.push({ rule: 'licence-language', segment: index + 1, message: `segment ${index + 1}: the licence covers ${terms.languages.join(', ')}, not "${segment.language}"` });
    }
  }
  return out;
}

/** One message for a refused request: each reason on its own line. */
export function refusalMessage(refusals: readonly Refusal[]): string {
  return `This script cannot be rendered:\n${refusals.map((r) => `- ${r.message}`).join('\n')}`;
}
