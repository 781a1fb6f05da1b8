// Words and short forms the Compose screen shows: durations, hashes, provenance verdicts and checks, and the rules a render breaks; renderer (pure).
import type { VerifyCheck, VerifyVerdict } from '../../../main/contract/compose.js';

/** 42 s, 3:05, 1:02:09. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  const s = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`;
}

/** 0x1234abcd…9f8e7d: enough to recognise a hash; the full one goes in a title. */
export function shortHash(hash: string): string {
  return hash.length > 18 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

export const VERDICT_LABELS: Record<VerifyVerdict['verdict'], string> = { verified: 'Verified', partial: 'Partial', failed: 'Failed' };
export const VERDICT_CHIPS: Record<VerifyVerdict['verdict'], string> = { verified: 'chip-pass', partial: 'chip-warn', failed: 'chip-fail' };

export const CHECK_LABELS: Record<VerifyCheck['name'], string> = {
  c2pa: 'C2PA manifest',
  watermark: 'Audio watermark',
  receipt: 'Usage receipt',
  twin: 'Twin',
  licence: 'Licence',
  anchor: 'Anchor on a chain',
};

export const STATUS_LABELS: Record<VerifyCheck['status'], string> = { pass: 'Pass', fail: 'Fail', unknown: 'Unknown' };
/** The doctor's check colours: a check that cannot tell is a warning, not a failure. */
export const STATUS_CLASSES: Record<VerifyCheck['status'], string> = { pass: 'check-ok', fail: 'check-missing', unknown: 'check-warning' };

const RULE_LABELS: Record<string, string> = {
  purpose: 'Purpose',
  language: 'Language',
  category: 'Blocked category',
  term: 'Blocked term',
  expired: 'Rules expired',
  licence: 'Licence holder',
  'licence-purpose': 'Licence purpose',
  'licence-language': 'Licence languages',
  'licence-term': 'Licence term',
  'licence-renders': 'Licence renders',
  'licence-revoked': 'Licence revoked',
};

/** The rule a refusal that is not about one segment names, in words. */
export function ruleLabel(path: string): string {
  return RULE_LABELS[path] ?? path;
}
