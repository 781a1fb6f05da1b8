// The LikenessRegistry on a real anvil through the TypeScript client: CREATE2 deployment, lazy minting, locking, rules,
// validators and licences with fees, receipt anchoring, and the errors of each; test process.
import { join } from 'node:path';
import { AbiCoder, type HDNodeWallet, JsonRpcProvider, Wallet, concat, id, keccak256, parseEther, toBeHex, toUtf8Bytes } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LikenessError } from '../../../main/contract/errors.js';
import { type Deployment, DEPLOYMENT_PROXY, deployRegistry, hasRegistry, registryAddress } from '../../../main/core/chain/deploy.js';
import { RegistryClient, RegistryError, twinTokenId } from '../../../main/core/chain/registry.js';
import {
  type MintVoucher,
  type SignedVoucher,
  digestToBytes32,
  parseSignedVoucher,
  registryDomain,
  signLicenseApproval,
  signMintVoucher,
  signRulesUpdate,
  signedVoucherToJson,
} from '../../../main/core/chain/voucher.js';
import { ANVIL_PRIVATE_KEYS, type RunningAnvil, startAnvil } from '../../support/anvil.js';
import { suiteDir } from '../../support/tmp.js';

const CHAIN_ID = 31337n;
// No 250 ms request cache: it would hand back a stale nonce to the next transaction of the same account.
const PROVIDER_OPTIONS = { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 };
/** secp256k1's group order: s and n - s both verify with ecrecover, which is the malleability OZ's ECDSA closes. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let anvil: RunningAnvil;
let provider: JsonRpcProvider;
let deployment: Deployment;
let registry: RegistryClient;
let wallets: Wallet[];
const gas: Record<string, bigint> = {};
let nextNonce = 1n;

const deployer = () => wallets[0]!;
const creator = () => wallets[1]!;
const relayer = () => wallets[2]!;
const v1 = () => wallets[3]!;
const v2 = () => wallets[4]!;
const v3 = () => wallets[5]!;
const licensee = () => wallets[6]!;
const stranger = () => wallets[7]!;
const creator2 = () => wallets[8]!;

const as = (wallet: Wallet) => registry.connect(wallet);
const bytes32 = (label: string) => keccak256(toUtf8Bytes(label));

async function now(): Promise<bigint> {
  const block = await provider.getBlock('latest');
  return BigInt(block!.timestamp);
}

async function voucherFor(wallet: Wallet, label: string, overrides: Partial<MintVoucher> = {}): Promise<MintVoucher> {
  return {
    creator: wallet.address,
    manifestDigest: bytes32(`manifest:${label}`),
    rulesDigest: bytes32(`rules:${label}`),
    consentDigest: bytes32(`consent:${label}`),
    nonce: nextNonce++,
    deadline: (await now()) + 3600n,
    ...overrides,
  };
}

async function signed(signer: Wallet, voucher: MintVoucher, domain = registryDomain(CHAIN_ID, registry.address)): Promise<SignedVoucher> {
  return { chainId: CHAIN_ID, registry: registry.address, voucher, signature: await signMintVoucher(signer, domain, voucher) };
}

/** Mints a twin for `wallet`, relayed by someone else as lazy minting is. */
async function mint(wallet: Wallet, label: string): Promise<bigint> {
  const voucher = await voucherFor(wallet, label);
  return (await as(relayer()).redeem(await signed(wallet, voucher))).tokenId;
}

async function rejects(promise: Promise<unknown>, reason: string, message?: string | RegExp): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected the registry to revert with ${reason}`).toBeInstanceOf(RegistryError);
  const registryError = error as RegistryError;
  expect(registryError.reason, registryError.message).toBe(reason);
  if (message) expect(registryError.message).toMatch(message);
  return registryError;
}

/** ERC-721 functions the client does not wrap (on purpose: the token never moves), sent raw. */
async function raw(wallet: Wallet, signature: string, args: unknown[]): Promise<unknown> {
  const client = as(wallet);
  try {
    return await (await client.contract.getFunction(signature).send(...args)).wait();
  } catch (error) {
    throw client.decodeError(error);
  }
}

function eventNames(result: { events: { name: string }[] }): string[] {
  return result.events.map((event) => event.name);
}

/** A sorted-pair keccak tree as OpenZeppelin's MerkleProof expects; leaves double-hashed as in StandardMerkleTree. */
function merkleTree(leaves: string[]): { root: string; proof: (index: number) => string[] } {
  const hashPair = (a: string, b: string) => keccak256(a < b ? concat([a, b]) : concat([b, a]));
  const layers: string[][] = [leaves];
  while (layers.at(-1)!.length > 1) {
    const layer = layers.at(-1)!;
    const next: string[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(i + 1 < layer.length ? hashPair(layer[i]!, layer[i + 1]!) : layer[i]!);
    layers.push(next);
  }
  return {
    root: layers.at(-1)![0]!,
    proof: (index: number) => {
      const proof: string[] = [];
      let at = index;
      for (const layer of layers.slice(0, -1)) {
        const sibling = at ^ 1;
        if (sibling < layer.length) proof.push(layer[sibling]!);
        at >>= 1;
      }
      return proof;
    },
  };
}

function receiptLeaf(receiptId: string, time: bigint): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'uint64'], [receiptId, time])));
}

beforeAll(async () => {
  anvil = await startAnvil();
  provider = new JsonRpcProvider(anvil.url, Number(CHAIN_ID), PROVIDER_OPTIONS);
  wallets = ANVIL_PRIVATE_KEYS.map((key) => new Wallet(key, provider));
  deployment = await deployRegistry(deployer());
  registry = new RegistryClient(deployment.address, provider);
}, 60_000);

afterAll(async () => {
  console.log(
    `LikenessRegistry gas: redeem ${gas.redeem}, approveLicense (1 validator, fee paid out) ${gas.approveLicense}, ` +
      `approveLicenseWithSignatures (2 signatures) ${gas.approveWithSignatures}, anchorReceipts ${gas.anchorReceipts}`,
  );
  provider?.destroy();
  await anvil?.stop();
});

describe('deployment', () => {
  it('deploys through the CREATE2 proxy at the address predicted offline, once', async () => {
    expect(deployment).toMatchObject({ address: registryAddress(), deployed: true });
    expect(deployment.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await hasRegistry(provider)).toBe(true);
    expect(await deployRegistry(relayer())).toEqual({ address: registryAddress(), deployed: false });

    const contract = registry.contract;
    expect(await contract.getFunction('name').staticCall()).toBe('Likeness Twin');
    expect(await contract.getFunction('symbol').staticCall()).toBe('TWIN');
    const [, name, version, chainId, verifyingContract] = await contract.getFunction('eip712Domain').staticCall();
    expect({ name, version, chainId, verifyingContract }).toEqual(registryDomain(CHAIN_ID, registryAddress()));
    expect(await registry.domain()).toEqual(registryDomain(CHAIN_ID, registryAddress()));
  });
});

describe('minting', () => {
  it('mints a third-party-relayed voucher to its creator, with digests only', async () => {
    const voucher = await voucherFor(creator(), 'first');
    const result = await as(relayer()).redeem(await signed(creator(), voucher));
    gas.redeem = result.gasUsed;
    const tokenId = BigInt(voucher.manifestDigest);
    expect(result.tokenId).toBe(tokenId);
    expect(eventNames(result)).toEqual(['Transfer', 'Locked', 'TwinMinted']);
    const minted = result.events.find((event) => event.name === 'TwinMinted')!;
    expect([...minted.args]).toEqual([tokenId, creator().address, voucher.manifestDigest, voucher.rulesDigest, voucher.consentDigest]);

    expect(await registry.contract.getFunction('ownerOf').staticCall(tokenId)).toBe(creator().address);
    expect(await registry.contract.getFunction('balanceOf').staticCall(relayer().address)).toBe(0n);
    const block = await provider.getBlock(result.blockNumber);
    expect(await registry.twin(tokenId)).toEqual({
      tokenId,
      creator: creator().address,
      manifestDigest: voucher.manifestDigest,
      rulesDigest: voucher.rulesDigest,
      consentDigest: voucher.consentDigest,
      createdAt: BigInt(block!.timestamp),
      rulesVersion: 1n,
    });
    expect(await registry.hasTwin(tokenId)).toBe(true);
    expect(await registry.nonceUsed(creator().address, voucher.nonce)).toBe(true);
    expect(await registry.nonceUsed(creator().address, voucher.nonce + 1n)).toBe(false);
    expect(await registry.nonceUsed(relayer().address, voucher.nonce)).toBe(false);
    expect(gas.redeem).toBeLessThanOrEqual(250_000n);
  });

  it('takes the token id from a sha256 manifest digest', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const voucher = await voucherFor(creator(), 'sha', { manifestDigest: digestToBytes32(digest) });
    const result = await as(relayer()).redeem(await signed(creator(), voucher));
    expect(result.tokenId).toBe(twinTokenId(digest));
    expect((await registry.twin(twinTokenId(digest))).manifestDigest).toBe(`0x${'ab'.repeat(32)}`);
  });

  it('keeps nonces apart across and within bitmap words', async () => {
    const nonces = [255n, 256n, 511n, 2n ** 255n, 2n ** 256n - 1n];
    for (const nonce of nonces) await as(relayer()).redeem(await signed(creator2(), await voucherFor(creator2(), `nonce ${nonce}`, { nonce })));
    for (const nonce of nonces) expect(await registry.nonceUsed(creator2().address, nonce), String(nonce)).toBe(true);
    for (const nonce of [254n, 257n, 512n, 2n ** 255n - 1n, 2n ** 256n - 2n]) expect(await registry.nonceUsed(creator2().address, nonce), String(nonce)).toBe(false);
    const replay = await voucherFor(creator2(), 'nonce replay', { nonce: 256n });
    await rejects(as(relayer()).redeem(await signed(creator2(), replay)), 'NonceUsed', 'This voucher was already used (nonce 256).');
    expect(() => twinTokenId('sha256:xyz')).toThrow(/not a digest/);
    expect(() => twinTokenId('0x1234')).toThrow(/not a manifest digest/);
  });

  it('refuses a replayed voucher and a second voucher for the same manifest', async () => {
    const voucher = await voucherFor(creator(), 'replay');
    const once = await signed(creator(), voucher);
    await as(relayer()).redeem(once);
    await rejects(as(stranger()).redeem(once), 'NonceUsed', `This voucher was already used (nonce ${voucher.nonce}).`);
    const again = await voucherFor(creator(), 'replay');
    const error = await rejects(as(relayer()).redeem(await signed(creator(), again)), 'AlreadyMinted', /already minted/);
    expect(error).toMatchObject({ code: 'conflict', args: [BigInt(voucher.manifestDigest)] });
    expect(await registry.nonceUsed(creator().address, again.nonce)).toBe(false);
  });

  it('refuses a voucher signed by anyone but its creator', async () => {
    const voucher = await voucherFor(creator(), 'forged');
    await rejects(as(relayer()).redeem(await signed(stranger(), voucher)), 'BadSignature', /not the creator's/);
    expect(await registry.hasTwin(BigInt(voucher.manifestDigest))).toBe(false);
  });

  it('refuses an expired voucher', async () => {
    const voucher = await voucherFor(creator(), 'expired', { deadline: (await now()) - 1n });
    const error = await rejects(as(relayer()).redeem(await signed(creator(), voucher)), 'VoucherExpired', /expired at /);
    expect(error.code).toBe('invalid-input');
  });

  it('refuses a voucher signed for another chain or another registry', async () => {
    const otherChain = await voucherFor(creator(), 'other-chain');
    await rejects(as(relayer()).redeem(await signed(creator(), otherChain, registryDomain(1n, registry.address))), 'BadSignature');
    const otherRegistry = await voucherFor(creator(), 'other-registry');
    await rejects(as(relayer()).redeem(await signed(creator(), otherRegistry, registryDomain(CHAIN_ID, stranger().address))), 'BadSignature');

    // The client stops a voucher addressed elsewhere before sending anything.
    const labelled = { ...(await signed(creator(), otherChain, registryDomain(1n, registry.address))), chainId: 1n };
    await expect(as(relayer()).redeem(labelled)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^This voucher is for chain 1/) });
  });

  it("refuses the high-s twin of a valid signature (OpenZeppelin's ECDSA)", async () => {
    const voucher = await voucherFor(creator(), 'malleable');
    const good = await signed(creator(), voucher);
    const s = BigInt(`0x${good.signature.slice(66, 130)}`);
    const v = Number.parseInt(good.signature.slice(130), 16);
    const highS = concat([good.signature.slice(0, 66), toBeHex(SECP256K1_N - s, 32), toBeHex(v === 27 ? 28 : 27, 1)]);
    await rejects(as(relayer()).redeem({ ...good, signature: highS }), 'BadSignature');
    expect(() => parseSignedVoucher(signedVoucherToJson({ ...good, signature: highS }))).toThrow(/high s value/);
    await as(relayer()).redeem(good);
  });

  it('round-trips the signed voucher file and names every bad field', async () => {
    const voucher = await voucherFor(creator(), 'file');
    const good = await signed(creator(), voucher);
    const text = JSON.stringify(signedVoucherToJson(good));
    expect(parseSignedVoucher(text)).toEqual(good);
    expect(JSON.parse(text).voucher.nonce).toBe(String(voucher.nonce));

    const bad = { ...JSON.parse(text), chainId: '31337', extra: true, voucher: { ...JSON.parse(text).voucher, nonce: 3, rulesDigest: 'sha256:00' } };
    delete bad.voucher.deadline;
    let error: unknown;
    try {
      parseSignedVoucher(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LikenessError);
    expect((error as LikenessError).issues?.map((issue) => issue.path).sort()).toEqual(
      ['(voucher file).extra', 'chainId', 'voucher.deadline', 'voucher.nonce', 'voucher.rulesDigest'].sort(),
    );
    expect(() => parseSignedVoucher('{')).toThrow(/not JSON/);
    expect(() => parseSignedVoucher({ ...JSON.parse(text), voucher: [] })).toThrow(/voucher must be an object/);
  });
});

describe('locking and burning', () => {
  it('locks the token: every transfer and approval reverts Soulbound', async () => {
    const tokenId = await mint(creator(), 'locked');
    const [from, to] = [creator().address, stranger().address];
    await rejects(raw(creator(), 'transferFrom', [from, to, tokenId]), 'Soulbound', /locked to their creator/);
    await rejects(raw(creator(), 'safeTransferFrom(address,address,uint256)', [from, to, tokenId]), 'Soulbound');
    await rejects(raw(creator(), 'safeTransferFrom(address,address,uint256,bytes)', [from, to, tokenId, '0x']), 'Soulbound');
    await rejects(raw(creator(), 'approve', [to, tokenId]), 'Soulbound');
    await rejects(raw(creator(), 'setApprovalForAll', [to, true]), 'Soulbound');
    // An approved operator would still be stopped by the transfer itself; the stranger is stopped the same way.
    await rejects(raw(stranger(), 'transferFrom', [from, to, tokenId]), 'Soulbound');
    expect(await registry.locked(tokenId)).toBe(true);
    await rejects(registry.locked(12345n), 'ERC721NonexistentToken', /No twin has token id/);
  });

  it('declares ERC-721, ERC-5192 and ERC-4906 support', async () => {
    expect(id('locked(uint256)').slice(0, 10)).toBe('0xb45a3c0e');
    for (const supported of ['0xb45a3c0e', '0x49064906', '0x80ac58cd', '0x5b5e139f', '0x01ffc9a7']) {
      expect(await registry.supportsInterface(supported), supported).toBe(true);
    }
    expect(await registry.supportsInterface('0xffffffff')).toBe(false);
    expect(await registry.supportsInterface('0x780e9d63')).toBe(false);
  });

  it('burns only by the creator, and never lets the manifest be minted again', async () => {
    const voucher = await voucherFor(creator(), 'burned');
    const { tokenId } = await as(relayer()).redeem(await signed(creator(), voucher));
    await as(creator()).setLicenseFee(tokenId, parseEther('1'));
    await rejects(as(stranger()).burn(tokenId), 'NotCreator', "Only the twin's creator may do this.");
    const balance = await registry.contract.getFunction('balanceOf').staticCall(creator().address);
    const result = await as(creator()).burn(tokenId);
    expect(eventNames(result)).toEqual(['Transfer']);
    expect(await registry.hasTwin(tokenId)).toBe(false);
    await rejects(registry.twin(tokenId), 'ERC721NonexistentToken');
    expect(await registry.contract.getFunction('balanceOf').staticCall(creator().address)).toBe(balance - 1n);
    expect(await registry.licenseFee(tokenId)).toBe(0n);
    await rejects(as(creator()).burn(tokenId), 'ERC721NonexistentToken');
    const again = await voucherFor(creator(), 'burned');
    await rejects(as(relayer()).redeem(await signed(creator(), again)), 'AlreadyMinted');
  });
});

describe('rules', () => {
  let tokenId: bigint;
  beforeAll(async () => {
    tokenId = await mint(creator(), 'rules');
  });

  it('lets the creator replace the rules digest directly', async () => {
    await rejects(as(stranger()).updateRules(tokenId, bytes32('rules v2')), 'NotCreator');
    const result = await as(creator()).updateRules(tokenId, bytes32('rules v2'));
    expect(eventNames(result)).toEqual(['RulesUpdated', 'MetadataUpdate']);
    expect([...result.events[0]!.args]).toEqual([tokenId, bytes32('rules v2'), 2n]);
    expect([...result.events[1]!.args]).toEqual([tokenId]);
    expect(await registry.twin(tokenId)).toMatchObject({ rulesDigest: bytes32('rules v2'), rulesVersion: 2n });
  });

  it('applies a relayed update the creator signed, for the next version only', async () => {
    const domain = registryDomain(CHAIN_ID, registry.address);
    const update = { tokenId, rulesDigest: bytes32('rules v3'), version: 3n, deadline: (await now()) + 600n };
    const signature = await signRulesUpdate(creator(), domain, update);

    await rejects(as(stranger()).updateRulesBySig(update, await signRulesUpdate(stranger(), domain, update)), 'BadSignature');
    const expired = { ...update, deadline: (await now()) - 1n };
    await rejects(as(stranger()).updateRulesBySig(expired, await signRulesUpdate(creator(), domain, expired)), 'VoucherExpired');
    const skipping = { ...update, version: 4n };
    await rejects(as(stranger()).updateRulesBySig(skipping, await signRulesUpdate(creator(), domain, skipping)), 'StaleRulesVersion', /Rules version 4 is not the next one/);

    const result = await as(stranger()).updateRulesBySig(update, signature);
    expect(eventNames(result)).toEqual(['RulesUpdated', 'MetadataUpdate']);
    expect(await registry.twin(tokenId)).toMatchObject({ rulesDigest: bytes32('rules v3'), rulesVersion: 3n });
    await rejects(as(stranger()).updateRulesBySig(update, signature), 'StaleRulesVersion', /Rules version 3/);
  });
});

describe('validators and licence approval', () => {
  let tokenId: bigint;
  const domain = () => registryDomain(CHAIN_ID, registry.address);
  const approval = (licenseHash: string, epoch: bigint) => ({ tokenId, licenseHash, epoch });

  beforeAll(async () => {
    tokenId = await mint(creator(), 'validators');
  });

  it('checks the validator set and threshold', async () => {
    const [a, b, c] = [v1().address, v2().address, v3().address];
    await rejects(as(stranger()).setValidators(tokenId, [a], 1), 'NotCreator');
    await rejects(as(creator()).setValidators(tokenId, [a, b, a], 2), 'DuplicateValidator', `${a} is named twice as a validator.`);
    await rejects(as(creator()).setValidators(tokenId, [a, `0x${'0'.repeat(40)}`], 1), 'ZeroValidator');
    await rejects(as(creator()).setValidators(tokenId, [a, b], 3), 'BadThreshold', /threshold of 3 does not suit 2 validators/);
    await rejects(as(creator()).setValidators(tokenId, [a, b], 0), 'BadThreshold');
    await rejects(as(creator()).setValidators(tokenId, [], 1), 'BadThreshold');
    const tooMany = Array.from({ length: 256 }, (_, i) => toBeHex(i + 1, 20));
    await rejects(as(creator()).setValidators(tokenId, tooMany, 1), 'TooManyValidators');

    expect(await registry.validators(tokenId)).toEqual({ validators: [], threshold: 0, epoch: 0n });
    const result = await as(creator()).setValidators(tokenId, [a, b, c], 2);
    expect(eventNames(result)).toEqual(['ValidatorsSet']);
    expect(result.events[0]!.args.toObject(true)).toEqual({ tokenId, validators: [a, b, c], threshold: 2n, epoch: 1n });
    expect(await registry.validators(tokenId)).toEqual({ validators: [a, b, c], threshold: 2, epoch: 1n });
  });

  it('approves at M of N direct approvals, not at M - 1', async () => {
    const license = bytes32('licence: threshold');
    await rejects(as(stranger()).approveLicense(tokenId, license), 'NotValidator', `${stranger().address} is not a validator`);
    expect(eventNames(await as(v1()).approveLicense(tokenId, license))).toEqual([]);
    expect(await registry.licenseStatus(tokenId, license)).toEqual({ requested: false, approved: false, revoked: false, approvals: 1, licensee: null, escrow: 0n });
    await rejects(as(v1()).approveLicense(tokenId, license), 'DuplicateApproval', /has already approved/);
    const result = await as(v2()).approveLicense(tokenId, license);
    expect(eventNames(result)).toEqual(['LicenseApproved']);
    expect([...result.events[0]!.args]).toEqual([tokenId, license, 1n]);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ approved: true, approvals: 2 });
    await rejects(as(v3()).approveLicense(tokenId, license), 'AlreadyApproved');
  });

  it('drops approvals collected under a replaced validator set', async () => {
    const license = bytes32('licence: set changed');
    await as(v1()).approveLicense(tokenId, license);
    await as(creator()).setValidators(tokenId, [v2().address, v3().address], 2);
    expect(await registry.validators(tokenId)).toMatchObject({ threshold: 2, epoch: 2n });
    expect((await registry.licenseStatus(tokenId, license)).approvals).toBe(0);
    await rejects(as(v1()).approveLicense(tokenId, license), 'NotValidator');
    await as(v2()).approveLicense(tokenId, license);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ approved: false, approvals: 1 });
    expect(eventNames(await as(v3()).approveLicense(tokenId, license))).toEqual(['LicenseApproved']);
  });

  it('counts relayed signatures of distinct current validators', async () => {
    const license = bytes32('licence: signatures');
    const sign = (wallet: Wallet, epoch = 2n) => signLicenseApproval(wallet, domain(), approval(license, epoch));
    const [s2, s3] = [await sign(v2()), await sign(v3())];

    await rejects(as(stranger()).approveLicenseWithSignatures(tokenId, license, [s2, s2]), 'DuplicateApproval', v2().address);
    await rejects(as(stranger()).approveLicenseWithSignatures(tokenId, license, [await sign(v1())]), 'NotValidator', v1().address);
    // Signed for the old epoch: it recovers to some unrelated address, never to v2.
    await rejects(as(stranger()).approveLicenseWithSignatures(tokenId, license, [await sign(v2(), 1n)]), 'NotValidator');
    await rejects(as(stranger()).approveLicenseWithSignatures(tokenId, license, [`0x${'11'.repeat(64)}1b`]), 'BadSignature');
    await rejects(as(stranger()).approveLicenseWithSignatures(tokenId, license, ['0x1234']), 'BadSignature');

    const result = await as(stranger()).approveLicenseWithSignatures(tokenId, license, [s2, s3]);
    gas.approveWithSignatures = result.gasUsed;
    expect(eventNames(result)).toEqual(['LicenseApproved']);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ approved: true, approvals: 2 });
  });

  it('mixes signatures and direct approvals, and refuses a validator twice', async () => {
    const license = bytes32('licence: mixed');
    const s2 = await signLicenseApproval(v2(), domain(), approval(license, 2n));
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(tokenId, license, [s2]))).toEqual([]);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ approved: false, approvals: 1 });
    await rejects(as(v2()).approveLicense(tokenId, license), 'DuplicateApproval');
    await rejects(as(relayer()).approveLicenseWithSignatures(tokenId, license, [s2]), 'DuplicateApproval');
    expect(eventNames(await as(v3()).approveLicense(tokenId, license))).toEqual(['LicenseApproved']);
  });

  it("lets the creator's approval alone suffice, directly or signed", async () => {
    const direct = bytes32('licence: creator direct');
    expect(eventNames(await as(creator()).approveLicense(tokenId, direct))).toEqual(['LicenseApproved']);
    const bySignature = bytes32('licence: creator signed');
    const signature = await signLicenseApproval(creator(), domain(), approval(bySignature, 2n));
    await rejects(as(relayer()).approveLicenseWithSignatures(tokenId, bySignature, [signature, signature]), 'DuplicateApproval');
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(tokenId, bySignature, [signature]))).toEqual(['LicenseApproved']);
  });

  it('tells apart up to 255 validators by their place in the set', async () => {
    const many = await mint(creator(), 'many validators');
    const members = Array.from({ length: 255 }, () => Wallet.createRandom());
    await as(creator()).setValidators(many, members.map((member) => member.address), 255);
    expect(await registry.validators(many)).toMatchObject({ threshold: 255, epoch: 1n });
    const license = bytes32('licence: 255 of 255');
    const sign = (member: HDNodeWallet) => signLicenseApproval(member, domain(), { tokenId: many, licenseHash: license, epoch: 1n });
    const signatures = await Promise.all(members.map(sign));
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(many, license, signatures.slice(0, 200)))).toEqual([]);
    await rejects(as(relayer()).approveLicenseWithSignatures(many, license, [signatures[199]!]), 'DuplicateApproval', members[199]!.address);
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(many, license, signatures.slice(200, 254)))).toEqual([]);
    expect(await registry.licenseStatus(many, license)).toMatchObject({ approved: false, approvals: 254 });
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(many, license, signatures.slice(254)))).toEqual(['LicenseApproved']);
  }, 120_000);

  it('leaves approval to the creator alone on a twin without validators', async () => {
    const lone = await mint(creator(), 'no validators');
    const license = bytes32('licence: lone');
    await rejects(as(v1()).approveLicense(lone, license), 'NotValidator');
    expect(eventNames(await as(relayer()).approveLicenseWithSignatures(lone, license, []))).toEqual([]);
    expect(eventNames(await as(creator()).approveLicense(lone, license))).toEqual(['LicenseApproved']);
  });
});

describe('fees, escrow, revocation and anchoring', () => {
  let tokenId: bigint;
  const fee = parseEther('0.05');
  const paid = bytes32('licence: paid');

  beforeAll(async () => {
    tokenId = await mint(creator2(), 'paid');
    await as(creator2()).setValidators(tokenId, [v1().address], 1);
  });

  it('sets the fee, and refuses a request that pays any other amount', async () => {
    await rejects(as(stranger()).setLicenseFee(tokenId, fee), 'NotCreator');
    const result = await as(creator2()).setLicenseFee(tokenId, fee);
    expect(eventNames(result)).toEqual(['LicenseFeeSet']);
    expect(await registry.licenseFee(tokenId)).toBe(fee);
    const error = await rejects(as(licensee()).requestLicense(tokenId, paid, parseEther('0.01')), 'WrongFee', 'The fee is 0.05 ETH; 0.01 ETH was sent.');
    expect(error.args).toEqual([fee, parseEther('0.01')]);
    await rejects(as(licensee()).requestLicense(tokenId, paid, parseEther('0.06')), 'WrongFee');
    await rejects(as(v1()).approveLicense(tokenId, paid), 'NotRequested');
  });

  it('escrows the fee and pays it to the creator on approval', async () => {
    const request = await as(licensee()).requestLicense(tokenId, paid);
    expect(eventNames(request)).toEqual(['LicenseRequested']);
    expect([...request.events[0]!.args]).toEqual([tokenId, paid, licensee().address, fee]);
    expect(await registry.licenseStatus(tokenId, paid)).toEqual({ requested: true, approved: false, revoked: false, approvals: 0, licensee: licensee().address, escrow: fee });
    expect(await provider.getBalance(registry.address)).toBe(fee);
    await rejects(as(stranger()).requestLicense(tokenId, paid), 'AlreadyRequested');

    const before = await provider.getBalance(creator2().address);
    const result = await as(v1()).approveLicense(tokenId, paid);
    gas.approveLicense = result.gasUsed;
    expect(eventNames(result)).toEqual(['LicenseApproved']);
    expect((await provider.getBalance(creator2().address)) - before).toBe(fee);
    expect(await provider.getBalance(registry.address)).toBe(0n);
    expect(await registry.licenseStatus(tokenId, paid)).toMatchObject({ approved: true, escrow: 0n, licensee: licensee().address });
    await rejects(as(stranger()).requestLicense(tokenId, paid), 'AlreadyApproved');
  });

  it('refunds the escrow of a request revoked before approval', async () => {
    const license = bytes32('licence: revoked early');
    await as(licensee()).requestLicense(tokenId, license);
    await rejects(as(v1()).revokeLicense(tokenId, license), 'NotCreator');
    const before = await provider.getBalance(licensee().address);
    const result = await as(creator2()).revokeLicense(tokenId, license);
    expect(eventNames(result)).toEqual(['LicenseRevoked']);
    expect([...result.events[0]!.args]).toEqual([tokenId, license, fee]);
    expect((await provider.getBalance(licensee().address)) - before).toBe(fee);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ requested: true, approved: false, revoked: true, escrow: 0n });
    await rejects(as(v1()).approveLicense(tokenId, license), 'Revoked', 'This licence was revoked.');
    await rejects(as(licensee()).requestLicense(tokenId, license), 'Revoked');
    await rejects(as(creator2()).revokeLicense(tokenId, license), 'Revoked');

    // A licence can be refused before anyone asks for it.
    const preempted = bytes32('licence: refused in advance');
    expect([...(await as(creator2()).revokeLicense(tokenId, preempted)).events[0]!.args]).toEqual([tokenId, preempted, 0n]);
    await rejects(as(licensee()).requestLicense(tokenId, preempted), 'Revoked');
  });

  it('lets the requester cancel an unapproved request for a refund', async () => {
    const license = bytes32('licence: cancelled');
    await as(stranger()).requestLicense(tokenId, license);
    await rejects(as(licensee()).cancelLicenseRequest(tokenId, license), 'NotLicensee');
    const result = await as(stranger()).cancelLicenseRequest(tokenId, license);
    expect(eventNames(result)).toEqual(['LicenseRequestCancelled']);
    expect([...result.events[0]!.args]).toEqual([tokenId, license, stranger().address, fee]);
    expect(await provider.getBalance(registry.address)).toBe(0n);
    expect(await registry.licenseStatus(tokenId, license)).toMatchObject({ requested: false, escrow: 0n });
    await rejects(as(stranger()).cancelLicenseRequest(tokenId, paid), 'NotLicensee');
    await rejects(as(licensee()).cancelLicenseRequest(tokenId, paid), 'AlreadyApproved');
  });

  it('credits a refund its recipient refuses, to withdraw later', async () => {
    const license = bytes32('licence: refused refund');
    await as(licensee()).requestLicense(tokenId, license);
    const code = await provider.getCode(licensee().address);
    // PUSH0 PUSH0 REVERT: the licensee's account now rejects every payment.
    await provider.send('anvil_setCode', [licensee().address, '0x5f5ffd']);
    try {
      const result = await as(creator2()).revokeLicense(tokenId, license);
      expect(eventNames(result)).toEqual(['LicenseRevoked', 'PaymentDeferred']);
    } finally {
      await provider.send('anvil_setCode', [licensee().address, code]);
    }
    expect(await registry.pendingPayment(licensee().address)).toBe(fee);
    const before = await provider.getBalance(registry.address);
    await as(licensee()).withdraw();
    expect(before - (await provider.getBalance(registry.address))).toBe(fee);
    expect(await registry.pendingPayment(licensee().address)).toBe(0n);
    await rejects(as(licensee()).withdraw(), 'NothingToWithdraw');
  });

  it('anchors receipt roots by the creator and approved licensees only, and verifies receipts under them', async () => {
    const receipts = Array.from({ length: 5 }, (_, i) => receiptLeaf(bytes32(`receipt ${i}`), 1_700_000_000n + BigInt(i)));
    const tree = merkleTree(receipts);
    const batch = { tokenId, merkleRoot: tree.root, count: receipts.length, fromTime: 1_700_000_000n, toTime: 1_700_000_004n };
    expect(await registry.verifyReceipt(tree.root, tree.proof(0), receipts[0]!)).toBe(false);

    await rejects(as(stranger()).anchorReceipts(batch), 'NotLicensee');
    await rejects(as(licensee()).anchorReceipts({ ...batch, fromTime: 5n, toTime: 4n }), 'BadTimeRange');
    const result = await as(licensee()).anchorReceipts(batch);
    gas.anchorReceipts = result.gasUsed;
    expect(eventNames(result)).toEqual(['ReceiptsAnchored']);
    expect([...result.events[0]!.args]).toEqual([tokenId, tree.root, 5n, batch.fromTime, batch.toTime, licensee().address]);
    const block = await provider.getBlock(result.blockNumber);
    expect(await registry.anchoredAt(tree.root)).toEqual({ tokenId, time: BigInt(block!.timestamp) });
    await rejects(as(creator2()).anchorReceipts(batch), 'AlreadyAnchored');

    for (const [index, leaf] of receipts.entries()) expect(await registry.verifyReceipt(tree.root, tree.proof(index), leaf), `receipt ${index}`).toBe(true);
    expect(await registry.verifyReceipt(tree.root, tree.proof(1), receipts[0]!)).toBe(false);
    expect(await registry.verifyReceipt(tree.root, tree.proof(0), receiptLeaf(bytes32('forged'), 1n))).toBe(false);
    expect(await registry.anchoredAt(bytes32('never anchored'))).toBeNull();

    const own = merkleTree([receiptLeaf(bytes32('creator receipt'), 1n)]);
    await as(creator2()).anchorReceipts({ ...batch, merkleRoot: own.root, count: 1 });
    expect(await registry.verifyReceipt(own.root, [], receiptLeaf(bytes32('creator receipt'), 1n))).toBe(true);

    // Revoking the licence takes its holder's right to anchor with it.
    await as(creator2()).revokeLicense(tokenId, paid);
    expect(await registry.licenseStatus(tokenId, paid)).toMatchObject({ approved: true, revoked: true });
    await rejects(as(licensee()).anchorReceipts({ ...batch, merkleRoot: bytes32('later batch') }), 'NotLicensee');
  });
});

describe('other chains', () => {
  it('says clearly when a chain lacks the deployment proxy', async () => {
    const bare = await startAnvil({ withoutCreate2Deployer: true });
    const bareProvider = new JsonRpcProvider(bare.url, Number(CHAIN_ID), PROVIDER_OPTIONS);
    try {
      expect(await bareProvider.getCode(DEPLOYMENT_PROXY)).toBe('0x');
      const error = await deployRegistry(new Wallet(ANVIL_PRIVATE_KEYS[0]!, bareProvider)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LikenessError);
      expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining(`no deterministic deployment proxy at ${DEPLOYMENT_PROXY}`) });
      expect(await hasRegistry(bareProvider)).toBe(false);
    } finally {
      bareProvider.destroy();
      await bare.stop();
    }
  }, 60_000);

  it('keeps the deployed registry across a restart', async () => {
    const { dir, remove } = suiteDir('likeness-anvil-');
    try {
      const state = join(dir, 'state.json');
      const first = await startAnvil({ state });
      const firstProvider = new JsonRpcProvider(first.url, Number(CHAIN_ID), PROVIDER_OPTIONS);
      try {
        expect((await deployRegistry(new Wallet(ANVIL_PRIVATE_KEYS[0]!, firstProvider))).deployed).toBe(true);
      } finally {
        firstProvider.destroy();
        await first.stop();
      }
      const second = await startAnvil({ state });
      const secondProvider = new JsonRpcProvider(second.url, Number(CHAIN_ID), PROVIDER_OPTIONS);
      try {
        expect(await hasRegistry(secondProvider)).toBe(true);
      } finally {
        secondProvider.destroy();
        await second.stop();
      }
    } finally {
      remove();
    }
  }, 60_000);
});
