// Chain benchmark: gas of redeem, a validator's approval and an anchor on the embedded anvil, voucher signing and
// redeem round-trip times, a Merkle tree of 10,000 receipts and a proof check.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexlify, Wallet, ZeroHash } from 'ethers';
import { deployRegistry } from '../main/core/chain/deploy.js';
import { EmbeddedChain, fundOnLocalChain, localFunder } from '../main/core/chain/embedded-chain.js';
import { RegistryClient } from '../main/core/chain/registry.js';
import { registryDomain, signMintVoucher } from '../main/core/chain/voucher.js';
import type { MintVoucher } from '../main/core/chain/voucher.js';
import { keccakReady } from '../main/core/ledger/keccak.js';
import { buildTree, receiptLeaf, verifyProof } from '../main/core/ledger/merkle.js';
import { type Benchmark, median, round } from './harness.js';

const SIGNS = 50;
const REDEEMS = 10;

const bytes32 = () => hexlify(randomBytes(32));

export const chainBenchmark: Benchmark = {
  name: 'chain',
  description: 'registry gas on the embedded anvil, voucher signing, redeem round trip, 10k-receipt Merkle tree, proof check',
  units: {
    redeemGas: 'gas (goal ≤ 250,000)',
    approveGas: 'gas (one validator)',
    anchorGas: 'gas',
    voucherSignMs: 'ms (median)',
    redeemMsLocal: 'ms (median, anvil)',
    merkle10kMs: 'ms (goal ≤ 200)',
    proofVerifyMs: 'ms (median)',
  },
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'likeness-chain-bench-'));
    const chain = await EmbeddedChain.start({ home });
    try {
      const provider = chain.provider();
      const funder = localFunder(provider);
      const { address } = await deployRegistry(funder);
      const creator = Wallet.createRandom().connect(provider);
      const validator = Wallet.createRandom().connect(provider);
      await fundOnLocalChain(chain, creator.address, 10n ** 19n);
      await fundOnLocalChain(chain, validator.address, 10n ** 19n);
      const domain = registryDomain(chain.chainId, address);
      const registry = new RegistryClient(address, creator);
      const voucher = (): MintVoucher => ({
        creator: creator.address,
        manifestDigest: bytes32(),
        rulesDigest: bytes32(),
        consentDigest: ZeroHash,
        nonce: BigInt(hexlify(randomBytes(16))),
        deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
      });

      const signTimes: number[] = [];
      for (let i = 0; i < SIGNS; i++) {
        const v = voucher();
        const started = performance.now();
        await signMintVoucher(creator, domain, v);
        signTimes.push(performance.now() - started);
      }

      const redeemTimes: number[] = [];
      let redeemGas = 0n;
      let tokenId = 0n;
      for (let i = 0; i < REDEEMS; i++) {
        const v = voucher();
        const signature = await signMintVoucher(creator, domain, v);
        const started = performance.now();
        const minted = await registry.redeem({ chainId: BigInt(chain.chainId), registry: address, voucher: v, signature });
        redeemTimes.push(performance.now() - started);
        redeemGas = minted.gasUsed;
        tokenId = minted.tokenId;
      }

      await registry.setValidators(tokenId, [validator.address], 1);
      const approved = await registry.connect(validator).approveLicense(tokenId, bytes32());
      const anchored = await registry.anchorReceipts({ tokenId, merkleRoot: bytes32(), count: 10_000, fromTime: 1n, toTime: 2n });

      await keccakReady();
      const ids = Array.from({ length: 10_000 }, bytes32);
      buildTree(ids.slice(0, 1000).map(receiptLeaf));
      const treeStarted = performance.now();
      const tree = buildTree(ids.map(receiptLeaf));
      const merkle10kMs = performance.now() - treeStarted;
      const proofTimes: number[] = [];
      for (let i = 0; i < 200; i++) {
        const leaf = receiptLeaf(ids[(i * 37) % ids.length]!);
        const proof = tree.proof(leaf);
        const started = performance.now();
        if (!verifyProof(tree.root, leaf, proof)) throw new Error('a proof from the tree did not verify');
        proofTimes.push(performance.now() - started);
      }

      return {
        redeemGas: Number(redeemGas),
        approveGas: Number(approved.gasUsed),
        anchorGas: Number(anchored.gasUsed),
        voucherSignMs: round(median(signTimes), 2),
        redeemMsLocal: round(median(redeemTimes), 1),
        merkle10kMs: round(merkle10kMs, 1),
        proofVerifyMs: round(median(proofTimes), 3),
      };
    } finally {
      await chain.stop();
      rmSync(home, { recursive: true, force: true });
    }
  },
};
