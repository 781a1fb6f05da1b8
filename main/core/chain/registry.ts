// Typed client for a deployed LikenessRegistry: reads, transactions, and its custom errors as readable LikenessErrors; studio or CLI process.
import {
  type ContractRunner,
  type ErrorDescription,
  type Overrides,
  type Result,
  type TypedDataDomain,
  Contract,
  formatEther,
  getAddress,
  isCallException,
  isError,
  toBeHex,
} from 'ethers';
import { type ErrorCode, LikenessError } from '../../contract/errors.js';
import { REGISTRY_ABI } from './artifact.js';
import { type RulesUpdate, type SignedVoucher, digestToBytes32, registryDomain } from './voucher.js';

export interface TwinRecord {
  tokenId: bigint;
  creator: string;
  manifestDigest: string;
  rulesDigest: string;
  consentDigest: string;
  /** Unix seconds of the block that minted it. */
  createdAt: bigint;
  rulesVersion: bigint;
}

export interface ValidatorSetInfo {
  validators: string[];
  threshold: number;
  /** Approvals count only within the epoch they were given in. */
  epoch: bigint;
}

export interface LicenseStatus {
  requested: boolean;
  approved: boolean;
  revoked: boolean;
  /** Approvals of the current validator epoch. */
  approvals: number;
  /** Who requested it; null for a free licence approved without a request. */
  licensee: string | null;
  escrow: bigint;
}

export interface AnchorInfo {
  tokenId: bigint;
  /** Unix seconds of the anchoring block. */
  time: bigint;
}

export interface ReceiptBatch {
  tokenId: bigint;
  merkleRoot: string;
  count: number;
  /** Unix seconds of the first and last receipt in the batch. */
  fromTime: bigint;
  toTime: bigint;
}

export interface RegistryEvent {
  name: string;
  args: Result;
}

export interface TxResult {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
  /** The registry's events in this transaction, in log order. */
  events: RegistryEvent[];
}

/** What the caller knew when a call failed: some reverts carry no arguments, and the message needs them. */
interface CallContext {
  nonce?: bigint;
  deadline?: bigint;
  version?: bigint;
}

/** A revert of the registry, by its Solidity error name (`reason`), with a message fit to show. */
export class RegistryError extends LikenessError {
  readonly reason: string;
  readonly args: readonly unknown[];

  constructor(code: ErrorCode, reason: string, args: readonly unknown[], message: string) {
    super(code, message);
    this.name = 'RegistryError';
    this.reason = reason;
    this.args = args;
  }
}

const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

/** The token id of a twin: its manifest digest ('sha256:…' or bytes32 hex) read as a number. */
export function twinTokenId(manifestDigest: string): bigint {
  const hex = manifestDigest.startsWith('sha256:') ? digestToBytes32(manifestDigest) : manifestDigest;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new LikenessError('invalid-input', `${JSON.stringify(manifestDigest.slice(0, 80))} is not a manifest digest (sha256:… or 0x and 64 hex digits).`);
  return BigInt(hex);
}

function eth(wei: unknown): string {
  return `${formatEther(BigInt(String(wei))).replace(/\.0$/, '')} ETH`;
}

function hex32(value: unknown): string {
  return toBeHex(BigInt(String(value)), 32);
}

function when(deadline: bigint | undefined): string {
  return deadline === undefined ? '' : ` at ${new Date(Number(deadline) * 1000).toISOString()}`;
}

function describe(error: ErrorDescription, context: CallContext): [ErrorCode, string] {
  const a = error.args;
  switch (error.name) {
    case 'VoucherExpired':
      return ['invalid-input', `This signed message expired${when(context.deadline)}; ask its signer for a new one.`];
    case 'NonceUsed':
      return ['conflict', `This voucher was already used (nonce ${context.nonce ?? '?'}).`];
    case 'BadSignature':
      return ['invalid-input', "The signature is not the creator's for this chain and registry (signed by someone else, for another network, or malformed)."];
    case 'AlreadyMinted':
      return ['conflict', `The twin ${hex32(a[0])} is already minted (or was minted and burned): one token per sealed manifest.`];
    case 'Soulbound':
      return ['forbidden', 'Twins are locked to their creator: they cannot be transferred, and transfer approvals are refused.'];
    case 'NotCreator':
      return ['forbidden', "Only the twin's creator may do this."];
    case 'StaleRulesVersion':
      return ['conflict', `Rules version ${context.version ?? '?'} is not the next one: the rules changed since this update was signed.`];
    case 'ZeroValidator':
      return ['invalid-input', 'The zero address cannot be a validator.'];
    case 'DuplicateValidator':
      return ['invalid-input', `${String(a[0])} is named twice as a validator.`];
    case 'TooManyValidators':
      return ['invalid-input', `${String(a[0])} validators were named; at most 255 are allowed.`];
    case 'BadThreshold':
      return ['invalid-input', `A threshold of ${String(a[0])} does not suit ${String(a[1])} validators: it must be 1 to their number, or 0 with none.`];
    case 'WrongFee':
      return ['invalid-input', `The fee is ${eth(a[0])}; ${eth(a[1])} was sent.`];
    case 'AlreadyRequested':
      return ['conflict', 'This licence was already requested.'];
    case 'NotRequested':
      return ['conflict', 'This licence has a fee and has not been requested (with the fee) yet.'];
    case 'AlreadyApproved':
      return ['conflict', 'This licence is already approved.'];
    case 'Revoked':
      return ['conflict', 'This licence was revoked.'];
    case 'NotValidator':
      return ['forbidden', `${String(a[0])} is not a validator of this twin's current validator set.`];
    case 'DuplicateApproval':
      return ['conflict', `${String(a[0])} has already approved this licence in the current validator epoch.`];
    case 'NotLicensee':
      return ['forbidden', 'Only the creator or the holder of an approved, unrevoked licence on this twin may do this.'];
    case 'BadTimeRange':
      return ['invalid-input', 'The batch ends before it starts (fromTime is after toTime).'];
    case 'AlreadyAnchored':
      return ['conflict', `The receipt root ${String(a[0])} is already anchored.`];
    case 'NothingToWithdraw':
      return ['conflict', 'Nothing is owed to this account.'];
    case 'ERC721NonexistentToken':
      return ['not-found', `No twin has token id ${hex32(a[0])} on this registry.`];
    default:
      return ['internal', `The registry refused the call: ${error.name}(${a.map(String).join(', ')}).`];
  }
}

export class RegistryClient {
  readonly address: string;
  readonly contract: Contract;

  /** `runner`: a Signer to send transactions, or a Provider to read only. */
  constructor(address: string, runner: ContractRunner) {
    this.address = getAddress(address);
    this.contract = new Contract(this.address, REGISTRY_ABI, runner);
  }

  /** The same registry, acting as another account. */
  connect(runner: ContractRunner): RegistryClient {
    return new RegistryClient(this.address, runner);
  }

  /** Turns a revert into a RegistryError, and leaves every other failure as it was. */
  decodeError(error: unknown, context: CallContext = {}): unknown {
    if (!isCallException(error)) {
      if (isError(error, 'INSUFFICIENT_FUNDS')) return new LikenessError('invalid-input', 'The sending account has too little ETH for this transaction (value plus gas).');
      return error;
    }
    const parsed = error.data ? this.contract.interface.parseError(error.data) : null;
    if (!parsed) return new RegistryError('internal', 'unknown', [], `The registry call failed: ${error.shortMessage}`);
    const [code, message] = describe(parsed, context);
    return new RegistryError(code, parsed.name, [...parsed.args], message);
  }

  private async read(name: string, args: readonly unknown[], context: CallContext = {}): Promise<Result> {
    try {
      // Single outputs come back bare; wrapping them keeps one shape for every reader below.
      const fragment = this.contract.interface.getFunction(name);
      const value: unknown = await this.contract.getFunction(name).staticCall(...args);
      return fragment && fragment.outputs.length === 1 ? ([value] as unknown as Result) : (value as Result);
    } catch (error) {
      throw this.decodeError(error, context);
    }
  }

  private async send(name: string, args: readonly unknown[], context: CallContext = {}, overrides: Overrides = {}): Promise<TxResult> {
    try {
      const response = await this.contract.getFunction(name).send(...args, overrides);
      const receipt = await response.wait();
      if (!receipt) throw new LikenessError('unavailable', `The transaction ${response.hash} was dropped before it was mined.`);
      const events: RegistryEvent[] = [];
      for (const log of receipt.logs) {
        if (getAddress(log.address) !== this.address) continue;
        const parsed = this.contract.interface.parseLog(log);
        if (parsed) events.push({ name: parsed.name, args: parsed.args });
      }
      return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, events };
    } catch (error) {
      throw this.decodeError(error, context);
    }
  }

  // ---------------------------------------------------------------- reads

  /** The EIP-712 domain signatures for this registry must use, on the chain the runner is connected to. */
  async domain(): Promise<TypedDataDomain> {
    return registryDomain(await this.chainId(), this.address);
  }

  async chainId(): Promise<bigint> {
    const provider = this.contract.runner?.provider;
    if (!provider) throw new LikenessError('invalid-input', 'The registry client is not connected to a provider.');
    return (await provider.getNetwork()).chainId;
  }

  /** Throws a 'not-found' RegistryError for tokens never minted or burned. */
  async twin(tokenId: bigint): Promise<TwinRecord> {
    const [creator, manifestDigest, rulesDigest, consentDigest, createdAt, rulesVersion] = await this.read('twin', [tokenId]);
    return {
      tokenId,
      creator: String(creator),
      manifestDigest: String(manifestDigest),
      rulesDigest: String(rulesDigest),
      consentDigest: String(consentDigest),
      createdAt: BigInt(createdAt),
      rulesVersion: BigInt(rulesVersion),
    };
  }

  /** Whether the twin exists now; check it before redeeming again after a crash. */
  async hasTwin(tokenId: bigint): Promise<boolean> {
    try {
      await this.twin(tokenId);
      return true;
    } catch (error) {
      if (error instanceof RegistryError && error.reason === 'ERC721NonexistentToken') return false;
      throw error;
    }
  }

  async nonceUsed(creator: string, nonce: bigint): Promise<boolean> {
    const [used] = await this.read('nonceUsed', [creator, nonce]);
    return Boolean(used);
  }

  async locked(tokenId: bigint): Promise<boolean> {
    const [isLocked] = await this.read('locked', [tokenId]);
    return Boolean(isLocked);
  }

  async supportsInterface(interfaceId: string): Promise<boolean> {
    const [supported] = await this.read('supportsInterface', [interfaceId]);
    return Boolean(supported);
  }

  async validators(tokenId: bigint): Promise<ValidatorSetInfo> {
    const [members, threshold, epoch] = await this.read('validators', [tokenId]);
    return { validators: [...(members as Result)].map(String), threshold: Number(threshold), epoch: BigInt(epoch) };
  }

  async licenseFee(tokenId: bigint): Promise<bigint> {
    const [fee] = await this.read('licenseFee', [tokenId]);
    return BigInt(fee);
  }

  async licenseStatus(tokenId: bigint, licenseHash: string): Promise<LicenseStatus> {
    const [requested, approved, revoked, approvals, licensee, escrow] = await this.read('licenseStatus', [tokenId, licenseHash]);
    return {
      requested: Boolean(requested),
      approved: Boolean(approved),
      revoked: Boolean(revoked),
      approvals: Number(approvals),
      licensee: licensee === ZERO_ADDRESS ? null : String(licensee),
      escrow: BigInt(escrow),
    };
  }

  /** Wei credited to `account` because it refused a payment; it takes them with withdraw(). */
  async pendingPayment(account: string): Promise<bigint> {
    const [amount] = await this.read('pendingPayment', [account]);
    return BigInt(amount);
  }

  /** Null when the root was never anchored. */
  async anchoredAt(merkleRoot: string): Promise<AnchorInfo | null> {
    const [tokenId, time] = await this.read('anchoredAt', [merkleRoot]);
    return BigInt(time) === 0n ? null : { tokenId: BigInt(tokenId), time: BigInt(time) };
  }

  /** `leaf` is the double-hashed receipt, as in OpenZeppelin's StandardMerkleTree. */
  async verifyReceipt(merkleRoot: string, proof: readonly string[], leaf: string): Promise<boolean> {
    const [valid] = await this.read('verifyReceipt', [merkleRoot, proof, leaf]);
    return Boolean(valid);
  }

  // ---------------------------------------------------------------- transactions

  /** Mints the twin of a signed voucher to its creator; any account may send it. */
  async redeem(signed: SignedVoucher): Promise<TxResult & { tokenId: bigint }> {
    const chainId = await this.chainId();
    if (signed.chainId !== chainId || getAddress(signed.registry) !== this.address) {
      throw new LikenessError(
        'invalid-input',
        `This voucher is for chain ${signed.chainId}, registry ${signed.registry}; this is chain ${chainId}, registry ${this.address}.`,
      );
    }
    const { voucher, signature } = signed;
    const result = await this.send('redeem', [voucher, signature], { nonce: voucher.nonce, deadline: voucher.deadline });
    return { ...result, tokenId: twinTokenId(voucher.manifestDigest) };
  }

  async burn(tokenId: bigint): Promise<TxResult> {
    return this.send('burn', [tokenId]);
  }

  async updateRules(tokenId: bigint, rulesDigest: string): Promise<TxResult> {
    return this.send('updateRules', [tokenId, rulesDigest]);
  }

  /** Relays a rules update the creator signed (signRulesUpdate). */
  async updateRulesBySig(update: RulesUpdate, signature: string): Promise<TxResult> {
    return this.send('updateRulesBySig', [update, signature], { version: update.version, deadline: update.deadline });
  }

  async setValidators(tokenId: bigint, validators: readonly string[], threshold: number): Promise<TxResult> {
    return this.send('setValidators', [tokenId, validators, threshold]);
  }

  async setLicenseFee(tokenId: bigint, feeWei: bigint): Promise<TxResult> {
    return this.send('setLicenseFee', [tokenId, feeWei]);
  }

  /** Pays `feeWei` into escrow; without it, the current fee is read and paid. */
  async requestLicense(tokenId: bigint, licenseHash: string, feeWei?: bigint): Promise<TxResult> {
    const value = feeWei ?? (await this.licenseFee(tokenId));
    return this.send('requestLicense', [tokenId, licenseHash], {}, { value });
  }

  async cancelLicenseRequest(tokenId: bigint, licenseHash: string): Promise<TxResult> {
    return this.send('cancelLicenseRequest', [tokenId, licenseHash]);
  }

  async approveLicense(tokenId: bigint, licenseHash: string): Promise<TxResult> {
    return this.send('approveLicense', [tokenId, licenseHash]);
  }

  /** Relays validators' LicenseApproval signatures (signLicenseApproval) for the current epoch. */
  async approveLicenseWithSignatures(tokenId: bigint, licenseHash: string, signatures: readonly string[]): Promise<TxResult> {
    return this.send('approveLicenseWithSignatures', [tokenId, licenseHash, signatures]);
  }

  async revokeLicense(tokenId: bigint, licenseHash: string): Promise<TxResult> {
    return this.send('revokeLicense', [tokenId, licenseHash]);
  }

  async anchorReceipts(batch: ReceiptBatch): Promise<TxResult> {
    return this.send('anchorReceipts', [batch.tokenId, batch.merkleRoot, batch.count, batch.fromTime, batch.toTime]);
  }

  async withdraw(): Promise<TxResult> {
    return this.send('withdraw', []);
  }
}
