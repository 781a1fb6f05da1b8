// Rules first, without rendering: a licensee's licence (revoked, expired, not started, another purpose, another holder, used up) and an hour-long script checked whole.
import { describe, expect, it } from 'vitest';
import { defaultTwinRules } from '../../../main/contract/models.js';
import type { LicenceGrant } from '../../../main/core/ledger/licences.js';
import { type LicenceStanding, refusalsFor } from '../../../main/core/compose/permission.js';
import { parseScript } from '../../../main/core/compose/script.js';

const LICENSEE = '0x' + '1'.repeat(40);
const NOW = new Date('2026-11-26T12:00:00Z');
const rules = { ...defaultTwinRules(), purposes: ['personal', 'education'] as ('personal' | 'education')[] };
const script = parseScript({ title: 'x', segments: [{ language: 'en', text: 'Rivers run to the sea.' }, { language: 'es', text: 'Los ríos van al mar.' }] });

function standing(overrides: Partial<LicenceGrant['request']> = {}, extra: Partial<LicenceStanding> = {}): LicenceStanding {
  const request = {
    licensee: LICENSEE,
    purpose: 'education',
    languages: ['en', 'es'],
    term: { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    maxRenders: 3,
    ...overrides,
  } as LicenceGrant['request'];
  return { grant: { licenseHash: '0x' + 'a'.repeat(64), request } as LicenceGrant, rendersUsed: 0, revoked: false, renderer: LICENSEE, ...extra };
}

const rulesOf = (licence: LicenceStanding, at = NOW) => refusalsFor(rules, { script, purpose: 'education', at, licence }).map((r) => r.rule);

describe('rules first for a licensee', () => {
  it('allows a render within the licence', () => {
    expect(rulesOf(standing())).toEqual([]);
  });

  it('refuses a revoked licence, an expired one and one not started yet', () => {
    expect(rulesOf(standing({}, { revoked: true }))).toEqual(['licence-revoked']);
    expect(rulesOf(standing(), new Date('2026-12-01T00:00:00Z'))).toEqual(['licence-term']);
    expect(rulesOf(standing(), new Date('2026-10-31T23:59:59Z'))).toEqual(['licence-term']);
  });

  it('refuses another purpose, another holder, a language the licence leaves out and renders used up, naming the segment', () => {
    expect(rulesOf(standing({ purpose: 'personal' }))).toEqual(['licence-purpose']);
    expect(rulesOf(standing({}, { renderer: '0x' + '2'.repeat(40) }))).toEqual(['licence']);
    const refusals = refusalsFor(rules, { script, purpose: 'education', at: NOW, licence: standing({ languages: ['en'] }) });
    expect(refusals).toEqual([{ rule: 'licence-language', segment: 2, message: 'segment 2: the licence covers en, not "es"' }]);
    expect(rulesOf(standing({}, { rendersUsed: 3 }))).toEqual(['licence-renders']);
  });
});

describe('an hour-long script', () => {
  it('is checked whole: a blocked phrase in its last segment is found and named', () => {
    const sentence = 'Today we follow the river from the hills to the sea, and watch the birds along its banks. ';
    const segments = Array.from({ length: 45 }, () => ({ language: 'en', text: sentence.repeat(12) }));
    segments.push({ language: 'en', text: 'And now I will kill you.' });
    const long = parseScript({ title: 'An hour', segments });
    expect(long.segments.reduce((n, s) => n + s.text.split(' ').length, 0)).toBeGreaterThan(9_000);
    const refusals = refusalsFor(rules, { script: long, purpose: 'education', at: NOW });
    expect(refusals).toEqual([expect.objectContaining({ rule: 'category', segment: 46 })]);
  });
});
