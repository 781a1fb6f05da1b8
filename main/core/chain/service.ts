// The studio's chain: its networks (the private local chain it runs, and the creator's own), minting as a signed
// voucher queued offline, and publishing the queue once a chain is reachable; main process and CLI.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, parseEther, ZeroHash } from 'ethers';
import type { BaseWallet, JsonRpcApiProvider } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { Db } from '../store/database.js';
import type { TwinLibrary } from '../twin/library.js';
import type { TwinRules } from '../twin/rules/schema.js';
import { deployRegistry, hasRegistry, registryAddress } from './deploy.js';
import { DEFAULT_LOCAL_CHAIN_ID, EmbeddedChain, fundOnLocalChain, localFunder } from './embedded-chain.js';
import { LOCAL_NETWORK, localNetwork, parseNetwork, validateNetworks } from './networks.js';
import type { ChainNetwork } from './networks.js';
import { ChainOutbox } from './outbox.js';
import type { OutboxItem } from './outbox.js';
import { publishOutbox } from './publish.js';
import type { FeePayload, PublishHooks, PublishResult, RulesPayload, ValidatorsPayload } from './publish.js';
import { RegistryClient, twinTokenId } from './registry.js';
import { ChainError, connect, requireCode } from './rpc.js';
import { digestToBytes32, registryDomain, signedVoucherToJson, signMintVoucher } from './voucher.js';

/** A voucher is valid this long after signing: long enough to publish after weeks offline. */
const VOUCHER_LIFETIME_S = 365 * 24 * 3600;
/** What the creator's address gets on the private local chain when it runs low; worthless anywhere else. */
const LOCAL_FUNDING = parseEther('10');

export interface ChainServiceDeps {
  home: string;
  db: Db;
  twins: TwinLibrary;
  signer: () => BaseWallet;
}

export interface ChainStatus {
  network: ChainNetwork;
  reachable: boolean;
  /** Why it could not be reached, when it could not. */
  problem?: string;
  blockNumber?: number;
  registry: string;
  deployed: boolean;
  pending: OutboxItem[];
}

export class ChainService {
  readonly outbox: ChainOutbox;
  private local: Promise<EmbeddedChain> | undefined;
  private readonly networksFile: string;

  constructor(private readonly deps: ChainServiceDeps) {
    this.outbox = new ChainOutbox(deps.db);
    mkdirSync(join(deps.home, 'chain'), { recursive: true });
    this.networksFile = join(deps.home, 'chain', 'networks.json');
  }

  /** The creator's own networks (the local chain is always there besides them). */
  savedNetworks(): ChainNetwork[] {
    if (!existsSync(this.networksFile)) return [];
    return validateNetworks(JSON.parse(readFileSync(this.networksFile, 'utf8')) as unknown);
  }

  saveNetwork(input: unknown): ChainNetwork {
    const network = parseNetwork({ ...(input as object), local: false });
    if (network.id === LOCAL_NETWORK.id) throw new LikenessError('invalid-input', `"${LOCAL_NETWORK.id}" is the built-in local chain's id; choose another.`);
    const others = this.savedNetworks().filter((n) => n.id !== network.id);
    writeFileAtomic(this.networksFile, `${JSON.stringify([...others, network], null, 2)}\n`);
    return network;
  }

  removeNetwork(id: string): void {
    writeFileAtomic(this.networksFile, `${JSON.stringify(this.savedNetworks().filter((n) => n.id !== id), null, 2)}\n`);
  }

  /** The private local chain, started on first use with its state in the data home, the registry deployed on it. */
  localChain(): Promise<EmbeddedChain> {
    this.local ??= (async () => {
      // LIKENESS_LOCAL_BLOCK_TIME makes the private chain mine every N seconds like a public one, to try the publish flow as it will feel there.
      const blockTime = process.env.LIKENESS_LOCAL_BLOCK_TIME ? Number(process.env.LIKENESS_LOCAL_BLOCK_TIME) : undefined;
      const chain = await EmbeddedChain.start({ home: this.deps.home, ...(blockTime ? { blockTime } : {}) });
      chain.onExit(() => (this.local = undefined));
      await deployRegistry(localFunder(chain.provider()));
      return chain;
    })();
    this.local.catch(() => (this.local = undefined));
    return this.local;
  }

  /** The chain id a network has, without reaching it (minting works offline). */
  chainIdOf(networkId: string): number {
    if (networkId === LOCAL_NETWORK.id) return DEFAULT_LOCAL_CHAIN_ID;
    return this.networkById(networkId).chainId;
  }

  private networkById(id: string): ChainNetwork {
    const found = this.savedNetworks().find((n) => n.id === id);
    if (!found) throw new LikenessError('not-found', `No network "${id}"; add it in Settings or with \`likeness chain add\`.`);
    return found;
  }

  /** Reaches a network (starting the local chain for "local"), checking its chain id. */
  async reach(networkId: string): Promise<{ network: ChainNetwork; provider: JsonRpcApiProvider; blockNumber: number; chain?: EmbeddedChain }> {
    if (networkId === LOCAL_NETWORK.id) {
      const chain = await this.localChain();
      const network = localNetwork(chain);
      const { provider, blockNumber } = await connect(network);
      return { network, provider, blockNumber, chain };
    }
    const network = this.networkById(networkId);
    try {
      const { provider, blockNumber } = await connect(network);
      return { network, provider, blockNumber };
    } catch (error) {
      if (error instanceof ChainError) throw new LikenessError(error.reason === 'wrong-chain' ? 'conflict' : 'unavailable', error.message);
      throw error;
    }
  }

  /**
   * Signs a mint voucher for the twin on `networkId` and queues it; works with no chain reachable. Minting the same
   * twin twice on one network gives back the voucher already queued.
   */
  async mint(twinId: string, networkId: string = LOCAL_NETWORK.id, now = new Date()): Promise<OutboxItem> {
    const twin = await this.deps.twins.inspect(twinId);
    if (twin.problems.length > 0) throw new LikenessError('conflict', `The twin ${twinId} failed its checks; it cannot be minted: ${twin.problems.map((p) => `${p.part}: ${p.message}`).join('; ')}`);
    const chainId = this.chainIdOf(networkId);
    const tokenId = twinTokenId(twin.manifestDigest).toString();
    const existing = this.outbox.list({ twinId }).find((item) => item.kind === 'redeem' && item.chainId === chainId && item.tokenId === tokenId && item.state !== 'failed');
    if (existing) return existing;
    const signer = this.deps.signer();
    if (signer.address !== twin.owner) throw new LikenessError('forbidden', `Only the twin's owner ${twin.owner} can mint it; your identity is ${signer.address}.`);
    const registry = registryAddress();
    const voucher = {
      creator: signer.address,
      manifestDigest: digestToBytes32(twin.manifestDigest),
      rulesDigest: digestToBytes32(twin.rulesDigest),
      consentDigest: twin.consent ? digestToBytes32(twin.consent.digest) : ZeroHash,
      nonce: BigInt(`0x${randomBytes(16).toString('hex')}`),
      deadline: BigInt(Math.floor(now.getTime() / 1000) + VOUCHER_LIFETIME_S),
    };
    const signature = await signMintVoucher(signer, registryDomain(chainId, registry), voucher);
    // The rules' validators and fee take effect on-chain right after the mint, sent in the same publish.
    return this.deps.db.transaction(() => {
      const redeem = this.outbox.add({ kind: 'redeem', chainId, registry, twinId, tokenId, payload: signedVoucherToJson({ chainId: BigInt(chainId), registry, voucher, signature }) });
      const { validators, fee } = settingsOf(tokenId, twin.rules);
      if (validators.threshold > 0) this.outbox.add({ kind: 'validators', chainId, registry, twinId, tokenId, payload: validators });
      if (BigInt(fee.feeWei) > 0n) this.outbox.add({ kind: 'fee', chainId, registry, twinId, tokenId, payload: fee });
      return redeem;
    })();
  }

  /**
   * Signs a new rules version into the twin and queues its digest, validators and fee on every chain the twin is
   * minted on (or queued to be), for the next confirmed publish; settings already on the chain are settled there and
   * never sent. A queued setting the new version replaces is withdrawn, so an older version cannot land after it.
   */
  async publishRules(twinId: string, rules: unknown): Promise<{ version: number; rulesDigest: string; queuedOn: number[] }> {
    const published = await this.deps.twins.publishRules(twinId, rules);
    const twin = await this.deps.twins.inspect(twinId);
    const tokenId = twinTokenId(twin.manifestDigest).toString();
    const registry = registryAddress();
    const { validators, fee } = settingsOf(tokenId, twin.rules);
    const chains = this.outbox.mintedOn(twinId, tokenId);
    this.deps.db.transaction(() => {
      for (const { chainId, waiting } of chains) {
        this.outbox.withdrawQueued(chainId, tokenId, ['rules', 'validators', 'fee']);
        const payload: RulesPayload = { tokenId, rulesDigest: digestToBytes32(published.rulesDigest) };
        this.outbox.add({ kind: 'rules', chainId, registry, twinId, tokenId, payload });
        // A token not minted yet starts with no validators and no fee: only settings other than those need a transaction.
        if (!waiting || validators.threshold > 0) this.outbox.add({ kind: 'validators', chainId, registry, twinId, tokenId, payload: validators });
        if (!waiting || BigInt(fee.feeWei) > 0n) this.outbox.add({ kind: 'fee', chainId, registry, twinId, tokenId, payload: fee });
      }
    })();
    return { ...published, queuedOn: chains.map((c) => c.chainId) };
  }

  /** Settles and sends what is queued for the network, after the creator confirms the gas. */
  async publish(networkId: string, hooks: PublishHooks): Promise<PublishResult> {
    const { network, provider, chain } = await this.reach(networkId);
    const address = registryAddress();
    await requireCode(provider, address, 'the registry', network).catch((error: unknown) => {
      throw new LikenessError('unavailable', error instanceof Error ? error.message : String(error));
    });
    const wallet = this.deps.signer();
    if (chain && (await provider.getBalance(wallet.address)) < LOCAL_FUNDING / 10n) await fundOnLocalChain(chain, wallet.address, LOCAL_FUNDING);
    return publishOutbox(this.outbox, network.chainId, new RegistryClient(address, provider), wallet, provider, hooks);
  }

  async status(networkId: string = LOCAL_NETWORK.id): Promise<ChainStatus> {
    const registry = registryAddress();
    const chainId = this.chainIdOf(networkId);
    const pending = this.outbox.pending(chainId);
    try {
      const { network, provider, blockNumber } = await this.reach(networkId);
      return { network, reachable: true, blockNumber, registry, deployed: await hasRegistry(provider, registry), pending };
    } catch (error) {
      const network = networkId === LOCAL_NETWORK.id ? { ...LOCAL_NETWORK, rpcUrl: '', chainId } : this.networkById(networkId);
      return { network, reachable: false, problem: error instanceof Error ? error.message : String(error), registry, deployed: false, pending };
    }
  }

  /** Stops the local chain (its state is written on the way out). */
  async close(): Promise<void> {
    const local = this.local;
    this.local = undefined;
    await local?.then((chain) => chain.stop()).catch(() => undefined);
  }
}

/** The validator set and licence fee a twin's rules ask the registry to hold. */
function settingsOf(tokenId: string, rules: TwinRules): { validators: ValidatorsPayload; fee: FeePayload } {
  return {
    validators: { tokenId, validators: rules.validators.addresses.map((a) => getAddress(a)), threshold: rules.validators.threshold },
    fee: { tokenId, feeWei: rules.licenceFee?.amountWei ?? '0' },
  };
}
