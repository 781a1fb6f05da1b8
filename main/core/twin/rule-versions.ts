// Publishes a new owner-signed rule version beside the twin; the manifest and its signature stay as they are; main process and CLI.
import { LikenessError } from '../../contract/errors.js';
import type { BaseWallet } from 'ethers';
import { signRulesVersion } from './identity/eip712.js';
import { requireOwner } from './keys.js';
import { currentRules, loadSoundTwin } from './load.js';
import { writeReferrer } from './referrers.js';
import { rulesDigest } from './rules/canonical.js';
import { parseRules } from './rules/schema.js';

export class RulesInvalidError extends LikenessError {
  constructor(readonly errors: { path: string; message: string }[]) {
    super('invalid-input', `The rules are not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
    this.name = 'RulesInvalidError';
  }
}

/** Signs `input` (checked against the rules schema) as the next version; returns the new version number and digest. */
export async function publishRules(dir: string, owner: BaseWallet, input: unknown, now = new Date()): Promise<{ version: number; rulesDigest: string }> {
  const parsed = parseRules(input);
  if (!parsed.ok) throw new RulesInvalidError(parsed.errors);
  const twin = await loadSoundTwin(dir, { reuseUnchanged: true });
  requireOwner(twin, owner, 'change its rules');
  const version = currentRules(twin).version + 1;
  const digest = rulesDigest(parsed.rules);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const manifestDigest = twin.manifestDigest;
  const signature = await signRulesVersion(owner, { manifestDigest, rulesDigest: digest, version, issuedAt });
  await writeReferrer(dir, 'rules', { schema: 'likeness.twin-rules/v1', manifestDigest, version, issuedAt, rules: parsed.rules, rulesDigest: digest, signer: owner.address, signature }, twin.manifestEntry, owner.address);
  return { version, rulesDigest: digest };
}
