// EIP-712 signatures of the twin container: each recovers its signer, another key or a tampered field is caught, malformed input refused.
import { AbiCoder, TypedDataEncoder, Wallet, concat, id, keccak256, recoverAddress, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  LIKENESS_DOMAIN,
  SignatureError,
  digestToBytes32,
  recoverKeyGrantSigner,
  recoverManifestSigner,
  recoverRulesSigner,
  signKeyGrant,
  signManifest,
  signRulesVersion,
  verifyManifestSignature,
} from '../../../../main/core/twin/identity/eip712.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const MANIFEST = digest('a');
const owner = new Wallet('0x' + '11'.repeat(32));
const other = new Wallet('0x' + '22'.repeat(32));

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('EIP-712 signatures', () => {
  it('uses a chain-independent domain and sha256 digests as bytes32', () => {
    expect(LIKENESS_DOMAIN).toEqual({ name: 'Likeness Studio', version: '1' });
    expect(digestToBytes32(MANIFEST)).toBe('0x' + 'a'.repeat(64));
    expect(reasonOf(() => digestToBytes32('sha256:abc'))).toBe('bad-field');
    expect(reasonOf(() => digestToBytes32('0x' + 'a'.repeat(64)))).toBe('bad-field');
    expect(reasonOf(() => digestToBytes32(`sha256:${'A'.repeat(64)}`))).toBe('bad-field');
  });

  it('signs the manifest so that it recovers to the owner, matching ethers on the same typed data', async () => {
    const signature = await signManifest(owner, MANIFEST, owner.address);
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(recoverManifestSigner(MANIFEST, owner.address, signature)).toBe(owner.address);
    const types = { TwinManifest: [{ name: 'manifestDigest', type: 'bytes32' }, { name: 'owner', type: 'address' }] };
    const value = { manifestDigest: digestToBytes32(MANIFEST), owner: owner.address };
    expect(verifyTypedData(LIKENESS_DOMAIN, types, value, signature)).toBe(owner.address);
    expect(TypedDataEncoder.from(types).encodeType('TwinManifest')).toBe('TwinManifest(bytes32 manifestDigest,address owner)');
    // The digest as a Solidity verifier computes it by hand, so the layout is pinned independently of ethers' encoder.
    const abi = AbiCoder.defaultAbiCoder();
    const domainSeparator = keccak256(abi.encode(['bytes32', 'bytes32', 'bytes32'], [id('EIP712Domain(string name,string version)'), id('Likeness Studio'), id('1')]));
    const structHash = keccak256(abi.encode(['bytes32', 'bytes32', 'address'], [id('TwinManifest(bytes32 manifestDigest,address owner)'), '0x' + 'a'.repeat(64), owner.address]));
    expect(recoverAddress(keccak256(concat(['0x1901', domainSeparator, structHash])), signature)).toBe(owner.address);
    expect(verifyManifestSignature(MANIFEST, owner.address.toLowerCase(), signature)).toEqual({ ok: true, recovered: owner.address, message: `signed by the twin's owner ${owner.address}` });
  });

  it('reports a manifest signed by another key with both addresses', async () => {
    const signature = await signManifest(other, MANIFEST, owner.address);
    const check = verifyManifestSignature(MANIFEST, owner.address, signature);
    expect(check.ok).toBe(false);
    expect(check.recovered).toBe(other.address);
    expect(check.message).toBe(`signed by ${other.address}, but the twin's owner is ${owner.address}`);
  });

  it('recovers a different address when the digest or the owner is tampered with', async () => {
    const signature = await signManifest(owner, MANIFEST, owner.address);
    expect(recoverManifestSigner(digest('b'), owner.address, signature)).not.toBe(owner.address);
    expect(recoverManifestSigner(MANIFEST, other.address, signature)).not.toBe(owner.address);
    expect(verifyManifestSignature(digest('b'), owner.address, signature).ok).toBe(false);
  });

  it('signs rule versions and key grants that recover to their signer and change with any field', async () => {
    const rules = { manifestDigest: MANIFEST, rulesDigest: digest('c'), version: 3, issuedAt: 1_767_225_600 };
    const rulesSignature = await signRulesVersion(owner, rules);
    expect(recoverRulesSigner(rules, rulesSignature)).toBe(owner.address);
    expect(recoverRulesSigner({ ...rules, version: 4n }, rulesSignature)).not.toBe(owner.address);
    expect(recoverRulesSigner({ ...rules, rulesDigest: digest('d') }, rulesSignature)).not.toBe(owner.address);

    const grant = { manifestDigest: MANIFEST, recipient: other.address, envelopeDigest: digest('e'), grantedAt: '2026-11-26T05:00:00.000Z' };
    const grantSignature = await signKeyGrant(owner, grant);
    expect(recoverKeyGrantSigner(grant, grantSignature)).toBe(owner.address);
    expect(recoverKeyGrantSigner({ ...grant, recipient: owner.address }, grantSignature)).not.toBe(owner.address);
    expect(recoverKeyGrantSigner({ ...grant, grantedAt: '2026-11-26T05:00:00Z' }, grantSignature)).not.toBe(owner.address);
    // A grant signature is not a manifest signature, even over the same digest.
    expect(recoverManifestSigner(MANIFEST, owner.address, grantSignature)).not.toBe(owner.address);
  });

  it("signs exactly what the wallet's own signTypedData signs, and asks a signer that holds no key (a browser wallet)", async () => {
    const grant = { manifestDigest: MANIFEST, recipient: other.address, envelopeDigest: digest('e'), grantedAt: '2026-11-26T05:00:00.000Z' };
    const types = {
      KeyGrant: [
        { name: 'manifestDigest', type: 'bytes32' },
        { name: 'recipient', type: 'address' },
        { name: 'envelopeDigest', type: 'bytes32' },
        { name: 'grantedAt', type: 'string' },
      ],
    };
    const value = { ...grant, manifestDigest: digestToBytes32(grant.manifestDigest), envelopeDigest: digestToBytes32(grant.envelopeDigest) };
    expect(await signKeyGrant(owner, grant)).toBe(await owner.signTypedData(LIKENESS_DOMAIN, types, value));
    const asked: string[] = [];
    const browserWallet = {
      signTypedData: async (domain: typeof LIKENESS_DOMAIN, t: typeof types, v: typeof value) => {
        asked.push(Object.keys(t)[0]!);
        return owner.signTypedData(domain, t, v);
      },
    };
    expect(recoverKeyGrantSigner(grant, await signKeyGrant(browserWallet, grant))).toBe(owner.address);
    expect(asked).toEqual(['KeyGrant']);
  });

  it('throws SignatureError malformed for a malformed signature, and reports it in verification', async () => {
    const signature = await signManifest(owner, MANIFEST, owner.address);
    for (const bad of ['0x', '0x1234', signature.slice(0, -2), `${signature}00`, 'not hex at all', `0x${'zz'.repeat(65)}`]) {
      expect(reasonOf(() => recoverManifestSigner(MANIFEST, owner.address, bad))).toBe('malformed');
    }
    expect(reasonOf(() => recoverRulesSigner({ manifestDigest: MANIFEST, rulesDigest: MANIFEST, version: 1, issuedAt: 1 }, '0x00'))).toBe('malformed');
    expect(reasonOf(() => recoverKeyGrantSigner({ manifestDigest: MANIFEST, recipient: owner.address, envelopeDigest: MANIFEST, grantedAt: '' }, '0x00'))).toBe('malformed');
    const check = verifyManifestSignature(MANIFEST, owner.address, '0x1234');
    expect(check.ok).toBe(false);
    expect(check.recovered).toBeUndefined();
    expect(check.message).toMatch(/malformed/);
  });

  it('refuses fields that do not fit their types before signing', async () => {
    await expect(signManifest(owner, MANIFEST, '0x1234')).rejects.toMatchObject({ reason: 'bad-field' });
    await expect(signRulesVersion(owner, { manifestDigest: MANIFEST, rulesDigest: MANIFEST, version: -1, issuedAt: 0 })).rejects.toMatchObject({ reason: 'bad-field' });
    await expect(signRulesVersion(owner, { manifestDigest: MANIFEST, rulesDigest: MANIFEST, version: 1.5, issuedAt: 0 })).rejects.toMatchObject({ reason: 'bad-field' });
    await expect(signRulesVersion(owner, { manifestDigest: MANIFEST, rulesDigest: MANIFEST, version: 2n ** 64n, issuedAt: 0 })).rejects.toMatchObject({ reason: 'bad-field' });
    await expect(signKeyGrant(owner, { manifestDigest: MANIFEST, recipient: owner.address, envelopeDigest: 'sha256:00', grantedAt: '' })).rejects.toMatchObject({ reason: 'bad-field' });
  });
});
