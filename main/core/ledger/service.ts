// The studio's ledger: licence requests checked against the rules, approved by the creator or tallied from validators' approval files, granted with the content key wrapped and the approval queued; usage receipts issued, batched under anchored Merkle roots and proved; main process and CLI.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type BaseWallet, getAddress } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { hasRegistry, registryAddress } from '../chain/deploy.js';
import { LOCAL_NETWORK } from '../chain/networks.js';
import type { AnchorPayload, ApprovePayload, RequestPayload, RevokePayload } from '../chain/publish.js';
import { type AnchorInfo, type LicenseStatus, RegistryClient, twinTokenId } from '../chain/registry.js';
import { ChainError } from '../chain/rpc.js';
import type { ChainService } from '../chain/service.js';
import type { Db } from '../store/database.js';
import type { TwinLibrary, TwinSummary } from '../twin/library.js';
import type { Purpose, TwinRules } from '../twin/rules/schema.js';
import { keccakReady } from './keccak.js';
import {
  type ApprovalSubject,
  type LedgerIssue,
  type LicenceApprovalFile,
  type LicenceGrant,
  type LicenceRequest,
  type LicenceViolation,
  LICENCE_REQUEST_SCHEMA,
  LedgerFileError,
  checkFee,
  ether,
  evaluateRequest,
  licenceHash,
  parseApprovalFile,
  parseGrant,
  parseLicenceRequest,
  signApproval,
  signGrant,
  tallyApprovals,
  verifyGrant as checkGrantSignature,
} from './licences.js';
import { buildTree, receiptLeaf } from './merkle.js';
import { RECEIPT_SCHEMA, type ReceiptProof, type SignedReceipt, type UsageReceipt, checkReceiptProof, makeProof, parseReceiptProof, parseSignedReceipt, receiptId, signReceipt } from './receipts.js';

export interface LedgerServiceDeps {
  db: Db;
  twins: TwinLibrary;
  chain: ChainService;
  /** The unlocked identity's wallet; throws (with a clear message) while locked. */
  signer: () => BaseWallet;
}

export type LicenceState = 'requested' | 'granted' | 'refused' | 'revoked';

export interface LicenceRecord {
  licenseHash: string;
  twinId: string;
  request: LicenceRequest;
  state: LicenceState;
  grant: LicenceGrant | null;
  /** The validators' approval files the grant counted. */
  approvals: LicenceApprovalFile[];
  chainId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface RequestFields {
  /** Manifest digest of the twin, sha256:…. */
  twin: string;
  purpose: string;
  languages: string[];
  term: { from: string; to: string };
  maxRenders: number;
  /** Binds the request to the twin's token on this network; without it the request names no chain. */
  networkId?: string;
}

export interface Evaluation {
  licenseHash: string;
  allowed: boolean;
  violations: LicenceViolation[];
  /** A licence already granted or revoked keeps its state whatever a new evaluation says. */
  state: LicenceState;
}

export interface GrantOptions {
  networkId: string;
  /** Validators' approval files, as read (text or parsed JSON). */
  approvals?: unknown[];
  /** When given, the licence must be for this twin. */
  twinId?: string;
}

export interface GrantOutcome {
  grant: LicenceGrant;
  /** The address the content key was wrapped for. */
  envelopeRecipient: string;
  /** The queued 'approve' entry; `likeness publish` sends it. */
  outboxId: string;
  approvedBy: string[];
  /** What the creator should know: approval files ignored, checks left to the registry. */
  notes: string[];
}

export interface ApproveOptions {
  /** The twin's token id in decimal, or its manifest digest. */
  twinTokenId: string;
  networkId: string;
  /** The validator-set epoch, when the chain cannot be read. */
  epoch?: number;
}

/** What reading the chain told, or why it told nothing. */
export interface ChainReport {
  reached: boolean;
  /** The network's name, when one was found for the file. */
  network: string | null;
  message: string;
}

export interface GrantVerification {
  ok: boolean;
  licenseHash: string;
  /** The signature check, in words. */
  signature: string;
  /** Null when the chain was not read; `chain` says why. */
  onChain: { approved: boolean; revoked: boolean } | null;
  chain: ChainReport;
  problems: string[];
}

export interface ProofVerification {
  /** Every check that ran passed; `chain.reached` says whether the on-chain ones were among them. */
  ok: boolean;
  receiptId: string;
  root: string;
  onChain: { tokenId: string; anchoredAt: string; accepted: boolean } | null;
  chain: ChainReport;
  problems: string[];
}

export interface StoredReceipt {
  id: string;
  twinId: string;
  manifestDigest: string;
  time: string;
  /** The Merkle root of its batch; null until it is anchored. */
  batchRoot: string | null;
  signed: SignedReceipt;
}

export interface IssueInput {
  twinId: string;
  outputPath: string;
  purpose: Purpose;
  language: string;
  /** The licence the render was made under; none for the owner's own use. */
  licenseHash?: string;
}

interface LicenceRow {
  hash: string;
  twin_id: string;
  request: string;
  state: LicenceState;
  grant: string | null;
  approvals: string;
  chain_id: number | null;
  created_at: string;
  updated_at: string;
}

interface ReceiptRow {
  id: string;
  twin_id: string;
  manifest_digest: string;
  signed: string;
  time: string;
  batch_root: string | null;
}

interface BatchRow {
  root: string;
  twin_id: string;
  token_id: string;
  chain_id: number;
  registry: string;
  count: number;
  from_time: string;
  to_time: string;
  outbox_id: string;
  created_at: string;
}

/** `network` is the network's name once it answered; its id, or null when none was found, otherwise. */
type ChainRead<T> = { reached: true; network: string; value: T } | { reached: false; network: string | null; problem: string };

const HASH = /^0x[0-9a-fA-F]{64}$/;

function toRecord(row: LicenceRow): LicenceRecord {
  return {
    licenseHash: row.hash,
    twinId: row.twin_id,
    request: parseLicenceRequest(row.request),
    state: row.state,
    grant: row.grant === null ? null : parseGrant(row.grant),
    approvals: (JSON.parse(row.approvals) as unknown[]).map(parseApprovalFile),
    chainId: row.chain_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toStoredReceipt(row: ReceiptRow): StoredReceipt {
  return { id: row.id, twinId: row.twin_id, manifestDigest: row.manifest_digest, time: row.time, batchRoot: row.batch_root, signed: parseSignedReceipt(row.signed) };
}

function hashArgument(value: string, what: string): string {
  if (!HASH.test(value)) throw new LikenessError('invalid-input', `${JSON.stringify(value.slice(0, 80))} is not a ${what} (0x and 64 hex digits).`);
  return value.toLowerCase();
}

/** A token id as people pass it: decimal, or the manifest digest it is read from. */
function tokenIdArgument(value: string): bigint {
  return /^[0-9]{1,78}$/.test(value) ? BigInt(value) : twinTokenId(value);
}

/** Why the chain could not be read, for failures that mean just that; anything else is a fault to surface. */
function chainProblem(error: unknown): string | undefined {
  if (error instanceof LikenessError || error instanceof ChainError) return error.message;
  // ethers' own errors (a dropped connection, a node that answers garbage) all carry a shortMessage.
  if (error instanceof Error && 'shortMessage' in error && typeof error.shortMessage === 'string') return error.shortMessage;
  return undefined;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = a.map((x) => getAddress(x)).sort();
  const right = b.map((x) => getAddress(x)).sort();
  return left.length === right.length && left.every((x, i) => x === right[i]);
}

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR')) throw new LikenessError('not-found', `No file ${path} to issue a receipt for.`);
    throw error;
  }
  return `sha256:${hash.digest('hex')}`;
}

const REVOKE_REMINDER =
  'The registry shows the licence revoked once `likeness publish` sends it. That does not stop copies already handed out from opening: only ' +
  '`likeness twin rotate <twin> --revoke <address>` re-encrypts the twin so that future copies cannot be opened with the licensee\'s key. ' +
  'And a licensee who kept decrypted data, or under-reports renders, cannot be stopped by any of this.';

export class LedgerService {
  constructor(private readonly deps: LedgerServiceDeps) {}

  // ------------------------------------------------------------------------------------------------ licences

  licence(licenseHash: string): LicenceRecord | undefined {
    const row = this.deps.db.prepare('SELECT * FROM licences WHERE hash = ?').get(hashArgument(licenseHash, 'licence hash')) as LicenceRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Newest first, so a screen shows the latest requests on top. */
  listLicences(filter: { twinId?: string } = {}): LicenceRecord[] {
    const rows =
      filter.twinId === undefined
        ? this.deps.db.prepare('SELECT * FROM licences ORDER BY created_at DESC, hash').all()
        : this.deps.db.prepare('SELECT * FROM licences WHERE twin_id = ? ORDER BY created_at DESC, hash').all(filter.twinId);
    return (rows as LicenceRow[]).map(toRecord);
  }

  private requireLicence(licenseHash: string): LicenceRecord {
    const record = this.licence(licenseHash);
    if (!record) throw new LikenessError('not-found', `No licence request ${licenseHash} in this studio; evaluate the request first (\`likeness license evaluate\`).`);
    return record;
  }

  /** A request from this studio's identity, as the licensee sends it to the twin's owner. */
  request(fields: RequestFields, now = new Date()): LicenceRequest {
    const signer = this.deps.signer();
    const token =
      fields.networkId === undefined
        ? { tokenId: null, chainId: null, registry: null }
        : { tokenId: twinTokenId(fields.twin).toString(), chainId: this.deps.chain.chainIdOf(fields.networkId), registry: registryAddress() };
    return parseLicenceRequest({
      schema: LICENCE_REQUEST_SCHEMA,
      twin: fields.twin,
      ...token,
      licensee: signer.address,
      licenseePublicKey: signer.signingKey.compressedPublicKey,
      purpose: fields.purpose,
      languages: fields.languages,
      term: fields.term,
      maxRenders: fields.maxRenders,
      requestedAt: now.toISOString(),
    });
  }

  /** Refuses a request made for another twin, or for another token or registry than this twin's. */
  private checkRequestIsFor(request: LicenceRequest, twin: TwinSummary): void {
    if (request.twin !== twin.manifestDigest) {
      throw new LikenessError('conflict', `The request is for the twin sealed as ${request.twin}, but ${twin.id}'s manifest is ${twin.manifestDigest}.`);
    }
    const tokenId = twinTokenId(twin.manifestDigest).toString();
    if (request.tokenId !== null && request.tokenId !== tokenId) throw new LikenessError('invalid-input', `The request names token ${request.tokenId}, but this twin's token is ${tokenId}.`);
    if (request.registry !== null && request.registry !== registryAddress()) {
      throw new LikenessError('invalid-input', `The request names the registry ${request.registry}, not the Likeness registry ${registryAddress()}.`);
    }
  }

  async evaluate(requestJson: unknown, twinId: string, now = new Date()): Promise<Evaluation> {
    const request = parseLicenceRequest(requestJson);
    const twin = await this.deps.twins.inspect(twinId);
    this.checkRequestIsFor(request, twin);
    const hash = licenceHash(request);
    const { allowed, violations } = evaluateRequest(request, twin.rules, now);
    const existing = this.licence(hash);
    if (existing && (existing.state === 'granted' || existing.state === 'revoked')) return { licenseHash: hash, allowed, violations, state: existing.state };
    const state: LicenceState = allowed ? 'requested' : 'refused';
    const at = now.toISOString();
    this.deps.db
      .prepare(
        `INSERT INTO licences (hash, twin_id, request, state, "grant", approvals, chain_id, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, '[]', ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(hash, twinId, JSON.stringify(request), state, request.chainId, at, at);
    return { licenseHash: hash, allowed, violations, state };
  }

  /** Every file's every problem at once, labelled by its place in the list; nothing is kept when one is malformed. */
  private static parseApprovals(inputs: readonly unknown[]): LicenceApprovalFile[] {
    const files: LicenceApprovalFile[] = [];
    const issues: LedgerIssue[] = [];
    inputs.forEach((input, index) => {
      try {
        files.push(parseApprovalFile(input));
      } catch (error) {
        if (!(error instanceof LedgerFileError)) throw error;
        issues.push(...(error.issues ?? []).map((issue) => ({ path: `approval ${index + 1}: ${issue.path}`, message: issue.message })));
      }
    });
    if (issues.length > 0) throw new LedgerFileError('set of approval files', issues);
    return files;
  }

  /**
   * The epoch approvals count in: the registry's, when the chain answers (refusing a set that differs from the
   * rules', which the registry would count instead); offline, the one epoch all files share.
   */
  private async approvalEpoch(networkId: string, tokenId: string, rules: TwinRules, files: readonly LicenceApprovalFile[]): Promise<{ epoch: number; note?: string }> {
    const read = await this.readChain(networkId, (registry) => registry.validators(BigInt(tokenId)));
    const { addresses, threshold } = rules.validators;
    if (read.reached) {
      const set = read.value;
      if (set.epoch === 0n) {
        throw new LikenessError('conflict', `On ${read.network} this twin (token ${tokenId}) has no validators yet, so no approval can count there: set the rules' validators (${addresses.join(', ')}, threshold ${threshold}) on-chain first.`);
      }
      if (!sameMembers(set.validators, addresses) || set.threshold !== threshold) {
        throw new LikenessError(
          'conflict',
          `The validators on ${read.network} (${set.validators.join(', ') || 'none'}, threshold ${set.threshold}) are not the rules' (${addresses.join(', ')}, threshold ${threshold}); ` +
            'the registry counts its own set, so set the rules\' validators on-chain first.',
        );
      }
      return { epoch: Number(set.epoch) };
    }
    const epochs = [...new Set(files.map((file) => file.epoch))];
    if (epochs.length > 1) {
      throw new LikenessError('conflict', `The approvals are for different validator epochs (${epochs.join(', ')}), and the chain could not be read to tell which is current (${read.problem}); ask for approvals of one epoch.`);
    }
    const epoch = epochs[0] ?? 0;
    return { epoch, note: `The chain could not be read (${read.problem}): the approvals' epoch ${epoch} was not checked here; the registry checks it on publish.` };
  }

  async grant(licenseHash: string, options: GrantOptions, now = new Date()): Promise<GrantOutcome> {
    const record = this.requireLicence(licenseHash);
    const hash = record.licenseHash;
    if (options.twinId !== undefined && options.twinId !== record.twinId) throw new LikenessError('conflict', `The licence ${hash} is for twin ${record.twinId}, not ${options.twinId}.`);
    if (record.state === 'revoked') throw new LikenessError('conflict', `The licence ${hash} was revoked on ${record.updatedAt}; a revoked licence is never granted again: the licensee must send a new request.`);
    if (record.state === 'granted') throw new LikenessError('conflict', `The licence ${hash} was already granted on ${record.grant?.grantedAt ?? record.updatedAt}; nothing was changed.`);
    const files = LedgerService.parseApprovals(options.approvals ?? []);
    const { request } = record;
    const twin = await this.deps.twins.inspect(record.twinId);
    this.checkRequestIsFor(request, twin);
    // The rules may have changed, or the term run out, since the request was evaluated: only the current rules count.
    const evaluation = evaluateRequest(request, twin.rules, now);
    if (!evaluation.allowed) {
      this.deps.db.prepare("UPDATE licences SET state = 'refused', updated_at = ? WHERE hash = ?").run(now.toISOString(), hash);
      throw new LikenessError('conflict', `The licence ${hash} is refused: it breaks the twin's current rules: ${evaluation.violations.map((v) => `${v.rule}: ${v.message}`).join('; ')}.`);
    }
    const signer = this.deps.signer();
    if (signer.address !== getAddress(twin.owner)) throw new LikenessError('forbidden', `Only the twin's owner ${twin.owner} can grant its licences; your identity is ${signer.address}.`);
    const chainId = this.deps.chain.chainIdOf(options.networkId);
    if (request.chainId !== null && request.chainId !== chainId) {
      throw new LikenessError('conflict', `The request is for chain ${request.chainId}, but the network ${options.networkId} is chain ${chainId}; grant it on the network it names.`);
    }
    const registry = registryAddress();
    const tokenId = twinTokenId(twin.manifestDigest).toString();
    const notes: string[] = [];
    let counted: LicenceApprovalFile[] = [];
    const { addresses, threshold } = twin.rules.validators;
    if (threshold === 0) {
      if (files.length > 0) notes.push(`The rules name no validators: you approve this licence yourself, and the ${files.length} approval file(s) were not needed.`);
    } else {
      const { epoch, note } = await this.approvalEpoch(options.networkId, tokenId, twin.rules, files);
      if (note) notes.push(note);
      const subject: ApprovalSubject = { chainId, registry, tokenId, licenseHash: hash };
      const tally = tallyApprovals(files, addresses, threshold, epoch, subject);
      if (tally.count < threshold) {
        const missing = addresses.map((address) => getAddress(address)).filter((address) => !tally.approvedBy.includes(address));
        const ignored = tally.problems.length > 0 ? ` (${tally.problems.join('; ')})` : '';
        throw new LikenessError('conflict', `${tally.count} of ${threshold} approvals; need ${threshold - tally.count} more from ${missing.join(', ')}${ignored}.`);
      }
      notes.push(...tally.problems);
      // The registry recounts every signature; only files that count on their own are sent, so one bad file cannot revert the rest.
      counted = tally.approvedBy.map((validator) => files.find((file) => getAddress(file.validator) === validator && tallyApprovals([file], addresses, threshold, epoch, subject).count === 1)!);
    }
    await this.requirePaid(options.networkId, BigInt(tokenId), hash, twin.rules);
    const grant = await signGrant(signer, request, now);
    const wrapped = await this.deps.twins.grant(record.twinId, request.licenseePublicKey);
    const payload: ApprovePayload = { tokenId, licenseHash: hash, signatures: counted.map((file) => file.signature) };
    const item = this.deps.db.transaction(() => {
      const queued = this.deps.chain.outbox.add({ kind: 'approve', chainId, registry, twinId: record.twinId, tokenId, payload });
      this.deps.db
        .prepare(`UPDATE licences SET state = 'granted', "grant" = ?, approvals = ?, chain_id = ?, updated_at = ? WHERE hash = ?`)
        .run(JSON.stringify(grant), JSON.stringify(counted), chainId, now.toISOString(), hash);
      return queued;
    })();
    return { grant, envelopeRecipient: wrapped.recipient, outboxId: item.id, approvedBy: counted.map((file) => file.validator), notes };
  }

  /**
   * A paid licence is granted only once its fee sits in the registry's escrow: the key envelope cannot be taken back,
   * so the chain is asked first and, when it cannot answer, nothing is granted.
   */
  private async requirePaid(networkId: string, tokenId: bigint, licenseHash: string, rules: TwinRules): Promise<void> {
    const asked = rules.licenceFee === null ? 0n : BigInt(rules.licenceFee.amountWei);
    if (asked === 0n) return;
    const read = await this.licenceOnChain(networkId, tokenId, licenseHash);
    if (!read.reached) throw new LikenessError('unavailable', `The rules ask a licence fee of ${ether(asked)}, and whether it was paid could not be checked on ${read.network ?? networkId} (${read.problem}); nothing was granted.`);
    if (read.value === null) throw new LikenessError('conflict', `The twin is not minted on ${read.network} yet, so no fee can have been paid there: mint and publish it first; nothing was granted.`);
    const { fee, status } = read.value;
    if (!status.requested) {
      const registryFee = fee === asked ? '' : ` (the registry asks ${ether(fee)}: publish the rules' fee first, with \`likeness publish\`)`;
      throw new LikenessError('conflict', `The licensee has not paid the licence fee of ${ether(asked)} on ${read.network} yet${registryFee}: they pay it with \`likeness license pay\`; nothing was granted.`);
    }
    const paid = checkFee(rules, status.escrow);
    if (!paid.ok) throw new LikenessError('conflict', `The fee in escrow is below the rules' fee: ${paid.message}; nothing was granted.`);
  }

  /** The twin's licence fee and this licence's status on a network; null when the twin is not minted there. */
  private licenceOnChain(networkId: string, tokenId: bigint, licenseHash: string): Promise<ChainRead<{ fee: bigint; status: LicenseStatus } | null>> {
    return this.readChain(networkId, async (registry) =>
      (await registry.hasTwin(tokenId)) ? { fee: await registry.licenseFee(tokenId), status: await registry.licenseStatus(tokenId, licenseHash) } : null,
    );
  }

  /**
   * The licensee pays a licence's fee: queues requestLicense with exactly the fee the registry asks, held in escrow
   * until the licence is approved (paid to the creator) or revoked (refunded); sent with the next confirmed publish.
   * `maxFeeWei`: the most the licensee agreed to pay. A free licence needs no payment, and nothing is queued.
   */
  async payFee(requestJson: unknown, networkId: string, options: { maxFeeWei?: bigint } = {}): Promise<{ outboxId: string | null; feeWei: string; message: string }> {
    const request = parseLicenceRequest(requestJson);
    const signer = this.deps.signer();
    if (getAddress(request.licensee) !== signer.address) throw new LikenessError('forbidden', `This request is ${request.licensee}'s: only its licensee pays its fee, and your identity is ${signer.address}.`);
    const chainId = this.deps.chain.chainIdOf(networkId);
    if (request.chainId !== null && request.chainId !== chainId) throw new LikenessError('conflict', `The request is for chain ${request.chainId}, but the network ${networkId} is chain ${chainId}.`);
    const tokenId = twinTokenId(request.twin);
    const hash = licenceHash(request);
    const queued = this.deps.chain.outbox.pending(chainId).find((item) => item.kind === 'request' && (item.payload as RequestPayload).licenseHash === hash);
    if (queued) {
      const feeWei = (queued.payload as RequestPayload).feeWei;
      return { outboxId: queued.id, feeWei, message: `The fee of ${ether(BigInt(feeWei))} is already queued; \`likeness publish\` sends it.` };
    }
    const read = await this.licenceOnChain(networkId, tokenId, hash);
    if (!read.reached) throw new LikenessError('unavailable', `The licence fee could not be read on ${read.network ?? networkId} (${read.problem}); nothing was queued. The fee is paid at exactly what the registry asks, so try again when it answers.`);
    if (read.value === null) throw new LikenessError('conflict', `The twin ${request.twin} is not minted on ${read.network}: its creator mints and publishes it before a licence can be paid for.`);
    const { fee, status } = read.value;
    if (status.revoked) throw new LikenessError('conflict', `The licence ${hash} was revoked; nothing was queued.`);
    if (status.approved) throw new LikenessError('conflict', `The licence ${hash} is already approved; nothing was queued.`);
    if (status.requested) return { outboxId: null, feeWei: status.escrow.toString(), message: `The fee is already paid: ${ether(status.escrow)} is in escrow.` };
    if (fee === 0n) return { outboxId: null, feeWei: '0', message: "This twin's licences are free: there is nothing to pay; send the request to its creator." };
    if (options.maxFeeWei !== undefined && options.maxFeeWei < fee) {
      throw new LikenessError('conflict', `The registry asks ${ether(fee)} for a licence of this twin, more than the ${ether(options.maxFeeWei)} you offered; nothing was queued.`);
    }
    const payload: RequestPayload = { tokenId: tokenId.toString(), licenseHash: hash, feeWei: fee.toString() };
    const item = this.deps.chain.outbox.add({ kind: 'request', chainId, registry: registryAddress(), twinId: null, tokenId: tokenId.toString(), payload });
    return { outboxId: item.id, feeWei: fee.toString(), message: `Queued the fee of ${ether(fee)} for escrow on ${read.network}; \`likeness publish\` sends it after you confirm.` };
  }

  async revoke(licenseHash: string, networkId: string, now = new Date()): Promise<{ outboxId: string; reminder: string }> {
    const record = this.requireLicence(licenseHash);
    if (record.state === 'revoked') throw new LikenessError('conflict', `The licence ${record.licenseHash} was already revoked on ${record.updatedAt}.`);
    const chainId = this.deps.chain.chainIdOf(networkId);
    const boundTo = record.chainId ?? record.request.chainId;
    if (boundTo !== null && boundTo !== chainId) throw new LikenessError('conflict', `The licence ${record.licenseHash} is on chain ${boundTo}, but the network ${networkId} is chain ${chainId}.`);
    const tokenId = record.request.tokenId ?? twinTokenId(record.request.twin).toString();
    const payload: RevokePayload = { tokenId, licenseHash: record.licenseHash };
    const item = this.deps.db.transaction(() => {
      const queued = this.deps.chain.outbox.add({ kind: 'revoke', chainId, registry: registryAddress(), twinId: record.twinId, tokenId, payload });
      this.deps.db.prepare("UPDATE licences SET state = 'revoked', chain_id = ?, updated_at = ? WHERE hash = ?").run(chainId, now.toISOString(), record.licenseHash);
      return queued;
    })();
    return { outboxId: item.id, reminder: REVOKE_REMINDER };
  }

  /** A validator's approval of a request, signed by this studio's identity for the twin's current validator epoch. */
  async approveAsValidator(requestJson: unknown, options: ApproveOptions): Promise<LicenceApprovalFile> {
    const request = parseLicenceRequest(requestJson);
    const tokenId = tokenIdArgument(options.twinTokenId);
    const requested = twinTokenId(request.twin);
    if (tokenId !== requested) throw new LikenessError('invalid-input', `The request is for the twin sealed as ${request.twin} (token ${requested}), not token ${tokenId}.`);
    const chainId = this.deps.chain.chainIdOf(options.networkId);
    if (request.chainId !== null && request.chainId !== chainId) throw new LikenessError('conflict', `The request is for chain ${request.chainId}, but the network ${options.networkId} is chain ${chainId}.`);
    const signer = this.deps.signer();
    let epoch = options.epoch;
    if (epoch === undefined) {
      const read = await this.readChain(options.networkId, (registry) => registry.validators(tokenId));
      if (!read.reached) throw new LikenessError('unavailable', `The twin's validator epoch could not be read (${read.problem}); give the epoch yourself (--epoch N on the command line, the Validator epoch field on the Licenses screen; the twin's owner can tell you).`);
      if (!read.value.validators.some((validator) => getAddress(validator) === signer.address)) {
        throw new LikenessError('forbidden', `${signer.address} is not one of this twin's validators on ${read.network} (${read.value.validators.join(', ') || 'none are set'}): an approval from it would not count.`);
      }
      epoch = Number(read.value.epoch);
    }
    return signApproval(signer, { chainId, registry: registryAddress(), tokenId: tokenId.toString(), licenseHash: licenceHash(request), epoch });
  }

  /** Who owns the twin a grant is for, from the most direct source this studio has. */
  private async ownerOf(grant: LicenceGrant, twinId: string | undefined, problems: string[]): Promise<string | null> {
    const id = twinId ?? this.licence(grant.licenseHash)?.twinId;
    if (id !== undefined) {
      const twin = await this.deps.twins.inspect(id);
      if (grant.request.twin !== twin.manifestDigest) problems.push(`twin: the licence is for the twin sealed as ${grant.request.twin}, not ${id} (${twin.manifestDigest})`);
      return twin.owner;
    }
    return null;
  }

  async verifyGrant(grantJson: unknown, twinId?: string, now = new Date()): Promise<GrantVerification> {
    const grant = parseGrant(grantJson);
    const problems: string[] = [];
    const tokenId = grant.request.tokenId ?? twinTokenId(grant.request.twin).toString();
    const chainId = grant.request.chainId ?? this.licence(grant.licenseHash)?.chainId ?? null;
    const target = chainId === null ? { problem: 'the licence names no chain, and this studio holds no record of where it was approved' } : this.networkFor(chainId);
    const read: ChainRead<{ creator: string | null; approved: boolean; revoked: boolean }> =
      'problem' in target
        ? { reached: false, network: null, problem: target.problem }
        : await this.readChain(target.id, async (registry) => {
            const exists = await registry.hasTwin(BigInt(tokenId));
            const status = await registry.licenseStatus(BigInt(tokenId), grant.licenseHash);
            return { creator: exists ? (await registry.twin(BigInt(tokenId))).creator : null, approved: status.approved, revoked: status.revoked };
          });
    const owner = (await this.ownerOf(grant, twinId, problems)) ?? (read.reached ? read.value.creator : null);
    const signature = checkGrantSignature(grant, owner ?? grant.creator);
    if (!signature.ok) problems.push(`signature: ${signature.message}`);
    const signatureWords = owner === null && signature.ok ? `signed by ${grant.creator}, the creator it names; that this is the twin's owner could not be confirmed here (no twin given, and the chain did not say)` : signature.message;
    if (Date.parse(grant.request.term.to) <= now.getTime()) problems.push(`term: the licence ended at ${grant.request.term.to}`);
    let chain: ChainReport;
    if (read.reached) {
      const { approved, revoked } = read.value;
      if (revoked) problems.push(`chain: the licence is revoked on ${read.network}`);
      chain = {
        reached: true,
        network: read.network,
        message: revoked ? `revoked on ${read.network}` : approved ? `approved on ${read.network}` : `not approved on ${read.network} yet (its approval may still be waiting for \`likeness publish\`)`,
      };
    } else {
      chain = { reached: false, network: read.network, message: `the chain was not checked (${read.problem}): whether the licence is approved or revoked on-chain is unknown` };
    }
    return { ok: problems.length === 0, licenseHash: grant.licenseHash, signature: signatureWords, onChain: read.reached ? { approved: read.value.approved, revoked: read.value.revoked } : null, chain, problems };
  }

  // ------------------------------------------------------------------------------------------------ receipts

  /** A receipt for one rendered file, signed by this studio's identity as renderer, and kept. */
  async issue(input: IssueInput, now = new Date()): Promise<SignedReceipt> {
    const signed = await this.signReceiptFor(input, now);
    this.recordReceipt(input.twinId, signed);
    return signed;
  }

  /**
   * Everything of a receipt but the output's digest, checked (who may render, under which licence) and timed now: a
   * render writes the receipt's mark into its sound before the output exists, then signs the draft with signDraft.
   */
  async draftReceipt(input: Omit<IssueInput, 'outputPath'>, now = new Date()): Promise<Omit<UsageReceipt, 'output'>> {
    const twin = await this.deps.twins.inspect(input.twinId);
    const signer = this.deps.signer();
    const licence = input.licenseHash === undefined ? 'owner' : hashArgument(input.licenseHash, 'licence hash');
    if (licence === 'owner' && signer.address !== getAddress(twin.owner)) {
      throw new LikenessError('forbidden', `Only the twin's owner ${twin.owner} renders without a licence; give the licence hash the render was made under.`);
    }
    // A licensee's studio holds the licence it was granted (holdLicence); any record here must say granted.
    const known = licence === 'owner' ? undefined : this.licence(licence);
    if (known && known.state !== 'granted') throw new LikenessError('conflict', `The licence ${licence} is ${known.state}, not granted; no render can be made under it.`);
    return { schema: RECEIPT_SCHEMA, twin: twin.manifestDigest, licence, purpose: input.purpose, language: input.language, time: now.toISOString(), renderer: signer.address };
  }

  /** The draft signed with the digest of the file at `outputPath`; not kept until recordReceipt. */
  async signDraft(draft: Omit<UsageReceipt, 'output'>, outputPath: string): Promise<SignedReceipt> {
    return signReceipt(this.deps.signer(), { ...draft, output: await sha256File(outputPath) });
  }

  /** A signed receipt for one rendered file, not yet kept (recordReceipt keeps it). */
  async signReceiptFor(input: IssueInput, now = new Date()): Promise<SignedReceipt> {
    return this.signDraft(await this.draftReceipt(input, now), input.outputPath);
  }

  /** Keeps a receipt signed by signReceiptFor; returns its id. */
  recordReceipt(twinId: string, signed: SignedReceipt): string {
    const id = receiptId(signed.receipt);
    this.deps.db
      .prepare('INSERT INTO receipts (id, twin_id, manifest_digest, signed, time, batch_root) VALUES (?, ?, ?, ?, ?, NULL)')
      .run(id, twinId, signed.receipt.twin, JSON.stringify(signed), signed.receipt.time);
    return id;
  }

  /** How many receipts this studio issued under a licence: the renders made with it here. */
  rendersUnder(licenseHash: string): number {
    const row = this.deps.db.prepare("SELECT count(*) AS n FROM receipts WHERE json_extract(signed, '$.receipt.licence') = ?").get(licenseHash.toLowerCase()) as { n: number };
    return row.n;
  }

  /**
   * Keeps a licence this studio's identity was granted, so it can render under it: the grant must be signed by the
   * twin's owner and name this identity as licensee. Holding the same grant again changes nothing.
   */
  async holdLicence(grantJson: unknown, twinId: string, now = new Date()): Promise<LicenceRecord> {
    const grant = parseGrant(grantJson);
    const twin = await this.deps.twins.inspect(twinId);
    if (grant.request.twin !== twin.manifestDigest) throw new LikenessError('conflict', `The licence is for the twin sealed as ${grant.request.twin}, not ${twinId} (${twin.manifestDigest}).`);
    const signature = checkGrantSignature(grant, twin.owner);
    if (!signature.ok) throw new LikenessError('forbidden', `The licence is not the twin owner's: ${signature.message}.`);
    const me = this.deps.signer().address;
    if (getAddress(grant.request.licensee) !== me) throw new LikenessError('forbidden', `The licence was granted to ${grant.request.licensee}, not to your identity ${me}.`);
    const existing = this.licence(grant.licenseHash);
    if (!existing) {
      this.deps.db
        .prepare(`INSERT INTO licences (hash, twin_id, request, state, "grant", approvals, chain_id, created_at, updated_at) VALUES (?, ?, ?, 'granted', ?, '[]', ?, ?, ?)`)
        .run(grant.licenseHash, twinId, JSON.stringify(grant.request), JSON.stringify(grant), grant.request.chainId, now.toISOString(), now.toISOString());
    }
    return this.requireLicence(grant.licenseHash);
  }

  receipt(id: string): StoredReceipt | undefined {
    const row = this.deps.db.prepare('SELECT * FROM receipts WHERE id = ?').get(id.toLowerCase()) as ReceiptRow | undefined;
    return row ? toStoredReceipt(row) : undefined;
  }

  listReceipts(filter: { twinId?: string; unanchored?: boolean } = {}): StoredReceipt[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.twinId !== undefined) {
      where.push('twin_id = ?');
      args.push(filter.twinId);
    }
    if (filter.unanchored) where.push('batch_root IS NULL');
    const sql = `SELECT * FROM receipts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time, id`;
    return (this.deps.db.prepare(sql).all(...args) as ReceiptRow[]).map(toStoredReceipt);
  }

  /** Batches every receipt of the twin not yet anchored under one Merkle root, and queues the root for the registry. */
  async anchor(twinId: string, networkId: string, now = new Date()): Promise<{ root: string; count: number; outboxId: string }> {
    const twin = await this.deps.twins.inspect(twinId);
    const receipts = this.listReceipts({ twinId, unanchored: true });
    if (receipts.length === 0) throw new LikenessError('conflict', `Twin ${twinId} has no receipts waiting to be anchored.`);
    const chainId = this.deps.chain.chainIdOf(networkId);
    const registry = registryAddress();
    const tokenId = twinTokenId(twin.manifestDigest).toString();
    await keccakReady();
    const root = buildTree(receipts.map((receipt) => receiptLeaf(receipt.id))).root;
    const times = receipts.map((receipt) => receipt.time).sort((a, b) => Date.parse(a) - Date.parse(b));
    const fromTime = times[0]!;
    const toTime = times.at(-1)!;
    const payload: AnchorPayload = { tokenId, merkleRoot: root, count: receipts.length, fromTime: unixSeconds(fromTime), toTime: unixSeconds(toTime) };
    const item = this.deps.db.transaction(() => {
      const queued = this.deps.chain.outbox.add({ kind: 'anchor', chainId, registry, twinId, tokenId, payload });
      this.deps.db
        .prepare('INSERT INTO receipt_batches (root, twin_id, token_id, chain_id, registry, count, from_time, to_time, outbox_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(root, twinId, tokenId, chainId, registry, receipts.length, fromTime, toTime, queued.id, now.toISOString());
      const mark = this.deps.db.prepare('UPDATE receipts SET batch_root = ? WHERE id = ?');
      for (const receipt of receipts) mark.run(root, receipt.id);
      return queued;
    })();
    return { root, count: receipts.length, outboxId: item.id };
  }

  /** The proof file for one anchored receipt, from its batch's tree rebuilt out of the stored receipts. */
  async prove(receiptIdArg: string, networkId?: string): Promise<ReceiptProof> {
    const id = hashArgument(receiptIdArg, 'receipt id');
    const row = this.deps.db.prepare('SELECT * FROM receipts WHERE id = ?').get(id) as ReceiptRow | undefined;
    if (!row) throw new LikenessError('not-found', `No receipt ${id} in this studio (see \`likeness receipts list\`).`);
    if (row.batch_root === null) throw new LikenessError('conflict', `The receipt ${id} is not anchored yet: \`likeness receipts anchor --twin ${row.twin_id}\`, then \`likeness publish\`.`);
    const batch = this.deps.db.prepare('SELECT * FROM receipt_batches WHERE root = ?').get(row.batch_root) as BatchRow;
    if (networkId !== undefined && this.deps.chain.chainIdOf(networkId) !== batch.chain_id) {
      throw new LikenessError('conflict', `The receipt ${id} was anchored for chain ${batch.chain_id}, not for the network ${networkId}.`);
    }
    const members = this.deps.db.prepare('SELECT id FROM receipts WHERE batch_root = ?').all(batch.root) as { id: string }[];
    await keccakReady();
    const tree = buildTree(members.map((member) => receiptLeaf(member.id)));
    if (tree.root !== batch.root) throw new LikenessError('internal', `The receipts stored for the batch ${batch.root} hash to ${tree.root}: the batch's records were changed.`);
    return makeProof(toStoredReceipt(row).signed, tree, {
      chainId: batch.chain_id,
      registry: batch.registry,
      tokenId: batch.token_id,
      batch: { count: batch.count, fromTime: batch.from_time, toTime: batch.to_time },
    });
  }

  async verifyProof(proofJson: unknown, networkId?: string): Promise<ProofVerification> {
    const proof = parseReceiptProof(proofJson);
    const problems = [...checkReceiptProof(proof).problems];
    if (proof.registry !== registryAddress()) problems.push(`registry: ${proof.registry} is not the Likeness registry (${registryAddress()} on every chain)`);
    const target = this.networkFor(proof.chainId, networkId);
    const read: ChainRead<{ anchor: AnchorInfo | null; accepted: boolean }> =
      'problem' in target
        ? { reached: false, network: null, problem: target.problem }
        : await this.readChain(target.id, async (registry) => ({
            anchor: await registry.anchoredAt(proof.root),
            accepted: await registry.verifyReceipt(proof.root, proof.proof, proof.leaf),
          }));
    if (!read.reached) {
      return {
        ok: problems.length === 0,
        receiptId: proof.receiptId,
        root: proof.root,
        onChain: null,
        chain: {
          reached: false,
          network: read.network,
          message: `The chain could not be reached (${read.problem}): only the offline checks ran (the renderer's signature, the receipt id and leaf, the Merkle path, the batch times); whether the root is anchored on-chain was NOT checked.`,
        },
        problems,
      };
    }
    const { anchor, accepted } = read.value;
    if (anchor === null) problems.push(`root: ${proof.root} is not anchored on ${read.network}`);
    else if (anchor.tokenId !== BigInt(proof.tokenId)) problems.push(`root: anchored on ${read.network} for token ${anchor.tokenId}, not the token ${proof.tokenId} the proof names`);
    else if (!accepted && problems.length === 0) problems.push(`proof: the registry on ${read.network} does not accept the path from the leaf to the root`);
    const anchoredAt = anchor === null ? null : new Date(Number(anchor.time) * 1000).toISOString();
    return {
      ok: problems.length === 0,
      receiptId: proof.receiptId,
      root: proof.root,
      onChain: anchor === null ? null : { tokenId: anchor.tokenId.toString(), anchoredAt: anchoredAt!, accepted },
      chain: { reached: true, network: read.network, message: anchor === null ? `the root is not anchored on ${read.network}` : `anchored on ${read.network} at ${anchoredAt} for token ${anchor.tokenId}` },
      problems,
    };
  }

  // ------------------------------------------------------------------------------------------------ the chain

  /** The network to ask about a file for `chainId`: the one named (which must be that chain), else the local chain or a saved one. */
  private networkFor(chainId: number, networkId?: string): { id: string } | { problem: string } {
    if (networkId !== undefined) {
      const actual = this.deps.chain.chainIdOf(networkId);
      if (actual !== chainId) throw new LikenessError('invalid-input', `The file is for chain ${chainId}, but the network ${networkId} is chain ${actual}.`);
      return { id: networkId };
    }
    if (this.deps.chain.chainIdOf(LOCAL_NETWORK.id) === chainId) return { id: LOCAL_NETWORK.id };
    const saved = this.deps.chain.savedNetworks().find((network) => network.chainId === chainId);
    return saved ? { id: saved.id } : { problem: `no network with chain id ${chainId} is known here; add it with \`likeness chain add\`` };
  }

  /** Reads the registry on a network; a chain that cannot be reached, or has no registry, is an answer, not an error. */
  private async readChain<T>(networkId: string, read: (registry: RegistryClient) => Promise<T>): Promise<ChainRead<T>> {
    let reached: Awaited<ReturnType<ChainService['reach']>>;
    try {
      reached = await this.deps.chain.reach(networkId);
    } catch (error) {
      const problem = chainProblem(error);
      if (problem === undefined) throw error;
      return { reached: false, network: networkId, problem };
    }
    const { network, provider } = reached;
    try {
      if (!(await hasRegistry(provider))) return { reached: false, network: network.name, problem: `the registry is not deployed on ${network.name}` };
      return { reached: true, network: network.name, value: await read(new RegistryClient(registryAddress(), provider)) };
    } catch (error) {
      const problem = chainProblem(error);
      if (problem === undefined) throw error;
      return { reached: false, network: network.name, problem };
    } finally {
      provider.destroy();
    }
  }
}
