// Publishing the outbox to a chain: each entry settled against what the chain shows (already done, mined, lost,
// still to send), the rest estimated and shown for confirmation, then sent with its hash recorded before the wait;
// main process and CLI.
import { formatEther } from 'ethers';
import type { BaseWallet, JsonRpcApiProvider } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import type { ChainOutbox, OutboxItem } from './outbox.js';
import type { RegistryClient } from './registry.js';
import { parseSignedVoucher } from './voucher.js';

/** One transaction as the creator confirms it: what it does and what it costs at today's gas price. */
export interface PlannedTx {
  item: OutboxItem;
  description: string;
  gas: bigint;
  feeWei: bigint;
}

export interface PublishHooks {
  /** Shown every planned transaction with its gas and fee; nothing is sent unless this answers true. */
  confirm: (plan: readonly PlannedTx[]) => boolean | Promise<boolean>;
  /** Called once a transaction's hash is recorded, before its receipt is awaited. */
  afterSend?: (item: OutboxItem, txHash: string) => void | Promise<void>;
}

export interface PublishResult {
  /** Entries found already done on the chain (e.g. sent before a crash), now settled. */
  settled: OutboxItem[];
  sent: OutboxItem[];
  failed: OutboxItem[];
  /** False when the creator declined: nothing was sent. */
  confirmed: boolean;
}

interface Call {
  method: string;
  args: unknown[];
  description: string;
  /** Wei sent with the call (a licence fee paid into escrow). */
  value?: bigint;
}

/** The payloads of the entries other than mint vouchers: what the creator decided, as the contract takes it. */
export interface ApprovePayload {
  tokenId: string;
  licenseHash: string;
  /** Validators' EIP-712 approvals; empty when the creator approves directly. */
  signatures: string[];
}
export interface RevokePayload {
  tokenId: string;
  licenseHash: string;
}
/** The rules' validator set and threshold, as the registry takes them. */
export interface ValidatorsPayload {
  tokenId: string;
  validators: string[];
  threshold: number;
}
/** The rules' licence fee, in wei as decimal digits. */
export interface FeePayload {
  tokenId: string;
  feeWei: string;
}
/** A licensee's paid request: exactly the fee the registry asked when it was queued, escrowed until approval. */
export interface RequestPayload {
  tokenId: string;
  licenseHash: string;
  feeWei: string;
}
/** A rules version's digest (bytes32 hex) for updateRules. */
export interface RulesPayload {
  tokenId: string;
  rulesDigest: string;
}
export interface AnchorPayload {
  tokenId: string;
  merkleRoot: string;
  count: number;
  fromTime: number;
  toTime: number;
}

function short(hex: string): string {
  return `${hex.slice(0, 10)}…`;
}

function callFor(item: OutboxItem): Call {
  switch (item.kind) {
    case 'redeem': {
      const signed = parseSignedVoucher(item.payload);
      const v = signed.voucher;
      return {
        method: 'redeem',
        args: [[v.creator, v.manifestDigest, v.rulesDigest, v.consentDigest, v.nonce, v.deadline], signed.signature],
        description: `Mint twin ${item.twinId ?? v.manifestDigest} (token ${short(v.manifestDigest)})`,
      };
    }
    case 'request': {
      const p = item.payload as RequestPayload;
      return {
        method: 'requestLicense',
        args: [BigInt(p.tokenId), p.licenseHash],
        value: BigInt(p.feeWei),
        description: `Pay the licence fee of ${formatEther(BigInt(p.feeWei))} ETH into escrow for licence ${short(p.licenseHash)}`,
      };
    }
    case 'approve': {
      const p = item.payload as ApprovePayload;
      return p.signatures.length === 0
        ? { method: 'approveLicense', args: [BigInt(p.tokenId), p.licenseHash], description: `Approve licence ${short(p.licenseHash)} as the creator` }
        : {
            method: 'approveLicenseWithSignatures',
            args: [BigInt(p.tokenId), p.licenseHash, p.signatures],
            description: `Record ${p.signatures.length} validator approval(s) of licence ${short(p.licenseHash)}`,
          };
    }
    case 'revoke': {
      const p = item.payload as RevokePayload;
      return { method: 'revokeLicense', args: [BigInt(p.tokenId), p.licenseHash], description: `Revoke licence ${short(p.licenseHash)}` };
    }
    case 'rules': {
      const p = item.payload as RulesPayload;
      return { method: 'updateRules', args: [BigInt(p.tokenId), p.rulesDigest], description: `Update the twin's rules digest to ${short(p.rulesDigest)}` };
    }
    case 'validators': {
      const p = item.payload as ValidatorsPayload;
      return {
        method: 'setValidators',
        args: [BigInt(p.tokenId), p.validators, p.threshold],
        description: `Name ${p.validators.length} validator(s), ${p.threshold} of whom must approve a licence`,
      };
    }
    case 'fee': {
      const p = item.payload as FeePayload;
      return { method: 'setLicenseFee', args: [BigInt(p.tokenId), BigInt(p.feeWei)], description: `Set the licence fee to ${p.feeWei} wei` };
    }
    case 'anchor': {
      const p = item.payload as AnchorPayload;
      return {
        method: 'anchorReceipts',
        args: [BigInt(p.tokenId), p.merkleRoot, p.count, p.fromTime, p.toTime],
        description: `Anchor ${p.count} usage receipt(s) (root ${short(p.merkleRoot)})`,
      };
    }
    default:
      throw new LikenessError('internal', `The outbox has a ${item.kind} entry this version cannot send yet.`);
  }
}

/** The call's arguments, with the value as ethers' overrides when it pays one (a non-payable method refuses any). */
function argsOf(call: Call): unknown[] {
  return call.value === undefined ? call.args : [...call.args, { value: call.value }];
}

/** Gas an entry for a token not minted yet may take at most: measured on anvil, with headroom. */
function settingGasBound(item: OutboxItem): bigint {
  if (item.kind === 'validators') return 80_000n + 50_000n * BigInt((item.payload as ValidatorsPayload).validators.length);
  return 60_000n;
}

/** Whether the chain already shows the entry's effect: a retry after a crash must not send it twice. */
async function alreadyDone(registry: RegistryClient, item: OutboxItem): Promise<boolean> {
  switch (item.kind) {
    case 'redeem': {
      const signed = parseSignedVoucher(item.payload);
      return (await registry.hasTwin(BigInt(signed.voucher.manifestDigest))) || (await registry.nonceUsed(signed.voucher.creator, signed.voucher.nonce));
    }
    case 'request': {
      const p = item.payload as RequestPayload;
      return (await registry.licenseStatus(BigInt(p.tokenId), p.licenseHash)).requested;
    }
    case 'approve': {
      const p = item.payload as ApprovePayload;
      return (await registry.licenseStatus(BigInt(p.tokenId), p.licenseHash)).approved;
    }
    case 'revoke': {
      const p = item.payload as RevokePayload;
      return (await registry.licenseStatus(BigInt(p.tokenId), p.licenseHash)).revoked;
    }
    case 'rules': {
      const p = item.payload as RulesPayload;
      return (await registry.hasTwin(BigInt(p.tokenId))) && (await registry.twin(BigInt(p.tokenId))).rulesDigest.toLowerCase() === p.rulesDigest.toLowerCase();
    }
    case 'validators': {
      const p = item.payload as ValidatorsPayload;
      if (!(await registry.hasTwin(BigInt(p.tokenId)))) return false;
      const set = await registry.validators(BigInt(p.tokenId));
      const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v.toLowerCase() === b[i]!.toLowerCase());
      return set.threshold === p.threshold && same(set.validators, p.validators);
    }
    case 'fee': {
      const p = item.payload as FeePayload;
      return (await registry.hasTwin(BigInt(p.tokenId))) && (await registry.licenseFee(BigInt(p.tokenId))) === BigInt(p.feeWei);
    }
    case 'anchor':
      return (await registry.anchoredAt((item.payload as AnchorPayload).merkleRoot)) !== null;
    default:
      return false;
  }
}

/** A 'sent' entry whose effect is not on the chain: mined and reverted (failed), still pending (waited for), or lost. */
async function settleSent(provider: JsonRpcApiProvider, outbox: ChainOutbox, item: OutboxItem): Promise<'failed' | 'pending' | 'lost'> {
  const hash = item.txHash!;
  const receipt = await provider.getTransactionReceipt(hash);
  if (receipt && receipt.status === 0) {
    outbox.markFailed(item.id, `The transaction ${hash} was mined but reverted.`);
    return 'failed';
  }
  if (receipt) return 'pending';
  const pending = await provider.getTransaction(hash);
  if (pending) {
    await pending.wait();
    return 'pending';
  }
  outbox.requeue(item.id, `The transaction ${hash} is unknown to the chain (it restarted before mining it); sent again.`);
  return 'lost';
}

/**
 * Settles and sends every pending entry of this chain, in the order they were queued. The wallet pays the gas
 * (on the private local chain it was funded from anvil's dev account).
 */
export async function publishOutbox(outbox: ChainOutbox, chainId: number, registry: RegistryClient, wallet: BaseWallet, provider: JsonRpcApiProvider, hooks: PublishHooks): Promise<PublishResult> {
  const result: PublishResult = { settled: [], sent: [], failed: [], confirmed: true };
  const signer = wallet.connect(provider);
  const contract = registry.connect(signer).contract;
  for (const item of outbox.pending(chainId)) {
    if (await alreadyDone(registry, item)) {
      outbox.markDone(item.id, item.txHash);
      result.settled.push(outbox.require(item.id));
      continue;
    }
    if (item.state === 'sent' && item.txHash) {
      const outcome = await settleSent(provider, outbox, item);
      if (outcome === 'failed') result.failed.push(outbox.require(item.id));
      if (outcome === 'pending' && (await alreadyDone(registry, item))) {
        outbox.markDone(item.id, item.txHash);
        result.settled.push(outbox.require(item.id));
      }
    }
  }
  const toSend = outbox.pending(chainId).filter((item) => item.state === 'queued');
  if (toSend.length === 0) return result;
  const fees = await provider.getFeeData();
  const price = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
  const plan: PlannedTx[] = [];
  const minting = new Set(toSend.filter((item) => item.kind === 'redeem').map((item) => item.tokenId));
  for (const item of toSend) {
    const call = callFor(item);
    try {
      // A token minted in this same batch does not exist yet, so its settings cannot be estimated: their known upper bound is shown.
      const pending = (item.kind === 'rules' || item.kind === 'validators' || item.kind === 'fee') && minting.has(item.tokenId);
      const gas = pending ? settingGasBound(item) : await contract.getFunction(call.method).estimateGas(...argsOf(call));
      plan.push({ item, description: call.description, gas, feeWei: gas * price });
    } catch (error) {
      const decoded = registry.decodeError(error);
      outbox.markFailed(item.id, decoded instanceof Error ? decoded.message : String(decoded));
      result.failed.push(outbox.require(item.id));
    }
  }
  if (plan.length === 0) return result;
  if (!(await hooks.confirm(plan))) return { ...result, confirmed: false };
  for (const { item } of plan) {
    const call = callFor(item);
    let hash: string;
    try {
      const response = await contract.getFunction(call.method).send(...argsOf(call));
      hash = response.hash;
      outbox.markSent(item.id, hash);
      await hooks.afterSend?.(item, hash);
      const receipt = await response.wait();
      if (receipt && receipt.status === 1) {
        outbox.markDone(item.id, hash);
        result.sent.push(outbox.require(item.id));
      } else {
        outbox.markFailed(item.id, `The transaction ${hash} reverted.`);
        result.failed.push(outbox.require(item.id));
      }
    } catch (error) {
      const decoded = registry.decodeError(error);
      if (decoded instanceof LikenessError && decoded.name === 'RegistryError') {
        outbox.markFailed(item.id, decoded.message);
        result.failed.push(outbox.require(item.id));
        continue;
      }
      // Anything else (the chain went away mid-send) leaves the entry as it is: queued, or sent with its hash.
      throw decoded;
    }
  }
  return result;
}
