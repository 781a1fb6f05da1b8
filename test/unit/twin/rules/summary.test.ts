// Rules summary: the sentences a creator reads beside the editor, for a full and a minimal rule set, at a fixed now; test process.
import { describe, expect, it } from 'vitest';
import { RULES_SCHEMA, type TwinRules, defaultRules, summariseRules } from '../../../../main/core/twin/rules/index.js';

const NOW = new Date('2026-11-26T15:00:00Z');

const full: TwinRules = {
  schema: RULES_SCHEMA,
  purposes: ['personal', 'education', 'commercial-video'],
  languages: ['en', 'es', 'pt-BR'],
  blockedCategories: ['political', 'sexual', 'medical-advice'],
  blockedTerms: ['casino', 'crypto giveaway'],
  aiLabelRequired: true,
  expiresAt: '2027-03-01T00:00:00Z',
  validators: { addresses: ['0x' + '11'.repeat(20), '0x' + '22'.repeat(20), '0x' + '33'.repeat(20)], threshold: 2 },
  licenceFee: { amountWei: '50000000000000000', currency: 'ETH' },
};

function line(rules: Partial<TwinRules>, starts: string, now = NOW): string | undefined {
  return summariseRules({ ...defaultRules(), ...rules }, now).find((l) => l.startsWith(starts));
}

describe('rules summary', () => {
  it('says what a full rule set allows, one sentence per rule', () => {
    expect(summariseRules(full, NOW)).toEqual([
      'May be used for personal videos, education, and commercial videos.',
      'Only in English (en), Spanish (es), and Brazilian Portuguese (pt-BR).',
      'Never for political content, sexual content, or medical advice.',
      'Never with the words: “casino”, “crypto giveaway”.',
      'Every video must carry a visible AI-generated label.',
      'Expires on 1 March 2027 (in 95 days).',
      'Licences need 2 of 3 validators to approve.',
      'Licence fee: 0.05 ETH.',
    ]);
  });

  it('says what a minimal rule set allows', () => {
    const minimal: TwinRules = { ...defaultRules(), purposes: ['research'], blockedCategories: [], aiLabelRequired: false };
    expect(summariseRules(minimal, NOW)).toEqual([
      'May be used for research.',
      'In any language.',
      'No kind of content is ruled out.',
      'A visible AI-generated label is not required.',
      'Never expires.',
      'You approve every licence yourself.',
      'No licence fee.',
    ]);
  });

  it('summarises the default rules', () => {
    expect(summariseRules(defaultRules(), NOW)).toEqual([
      'May be used for personal videos and education.',
      'In any language.',
      'Never for political content, sexual content, hateful content, violent content, or impersonating someone else.',
      'Every video must carry a visible AI-generated label.',
      'Never expires.',
      'You approve every licence yourself.',
      'No licence fee.',
    ]);
  });

  it('counts the days to expiry in UTC calendar days from now, and says when the rules have expired', () => {
    expect(line({ expiresAt: '2026-11-27T00:00:00Z' }, 'Expire')).toBe('Expires on 27 November 2026 (in 1 day).');
    expect(line({ expiresAt: '2026-11-26T18:45:00Z' }, 'Expire')).toBe('Expires on 26 November 2026 at 18:45 UTC (later today).');
    expect(line({ expiresAt: '2026-11-20T09:30:00Z' }, 'Expire')).toBe('Expired on 20 November 2026 at 09:30 UTC (6 days ago).');
    expect(line({ expiresAt: '2026-11-26T15:00:00Z' }, 'Expire')).toBe('Expired on 26 November 2026 at 15:00 UTC (earlier today).');
    expect(line({ expiresAt: '2027-03-01T00:00:00Z' }, 'Expire', new Date('2027-03-02T00:00:00Z'))).toBe('Expired on 1 March 2027 (1 day ago).');
  });

  it('formats the fee in ETH exactly', () => {
    const fee = (amountWei: string) => line({ licenceFee: { amountWei, currency: 'ETH' } }, 'Licence fee') ?? line({ licenceFee: { amountWei, currency: 'ETH' } }, 'No licence');
    expect(fee('1')).toBe('Licence fee: 0.000000000000000001 ETH.');
    expect(fee('1000000000000000000')).toBe('Licence fee: 1 ETH.');
    expect(fee('1234500000000000000000')).toBe('Licence fee: 1,234.5 ETH.');
    expect(fee('123456789012345678901234567890')).toBe('Licence fee: 123,456,789,012.34567890123456789 ETH.');
    expect(fee('0')).toBe('No licence fee.');
  });

  it('names languages, falling back to the tag where English has no name for it', () => {
    expect(line({ languages: ['zh-Hant', 'x-klingon'] }, 'Only')).toBe('Only in Traditional Chinese (zh-Hant) and x-klingon.');
  });

  it('shortens a long list of blocked terms', () => {
    const terms = Array.from({ length: 12 }, (_, i) => `w${i}`);
    expect(line({ blockedTerms: terms }, 'Never with')).toBe('Never with the words: “w0”, “w1”, “w2”, “w3”, “w4”, “w5”, “w6”, “w7”, “w8”, “w9” and 2 more.');
  });

  it('counts a single validator in the singular', () => {
    expect(line({ validators: { addresses: ['0x' + '11'.repeat(20)], threshold: 1 } }, 'Licences')).toBe('Licences need 1 of 1 validator to approve.');
  });
});
