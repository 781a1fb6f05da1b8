// The creator's Ethereum key as a Web3 Secret Storage v3 keystore (scrypt), with its recovery words encrypted inside; main process and CLI.
import { HDNodeWallet, Mnemonic, Wallet, encryptKeystoreJson, getAddress, isError, type KeystoreAccount } from 'ethers';
import { type ErrorCode, LikenessError } from '../../../contract/errors.js';

/** scrypt cost of a stored keystore: about a second to unlock on a laptop, which is what makes guessing a passphrase expensive. */
export const KEYSTORE_SCRYPT_N = 2 ** 17;
export const MIN_PASSPHRASE_LENGTH = 8;
/** A v3 keystore is about 1 KB; anything far larger is not one, and parsing it would only waste memory. */
const MAX_KEYSTORE_CHARS = 64 * 1024;

export type IdentityErrorReason = 'wrong-passphrase' | 'bad-keystore' | 'bad-mnemonic' | 'weak-passphrase' | 'locked' | 'none' | 'exists' | 'backup-check-failed';

const CODE_OF: Record<IdentityErrorReason, ErrorCode> = {
  'wrong-passphrase': 'forbidden',
  'bad-keystore': 'invalid-input',
  'bad-mnemonic': 'invalid-input',
  'weak-passphrase': 'invalid-input',
  locked: 'forbidden',
  none: 'not-found',
  exists: 'conflict',
  'backup-check-failed': 'invalid-input',
};

/** A LikenessError, so its message crosses the contract and the CLI picks an exit code; `reason` lets callers branch precisely. */
export class IdentityError extends LikenessError {
  readonly reason: IdentityErrorReason;

  constructor(reason: IdentityErrorReason, message: string) {
    super(CODE_OF[reason], message);
    this.name = 'IdentityError';
    this.reason = reason;
  }
}

export interface KeystoreOptions {
  /** scrypt cost; a power of two. Tests use 2**12 so each keystore takes milliseconds, not a second. */
  scryptN?: number;
}

export interface NewIdentity {
  keystoreJson: string;
  address: string;
  mnemonic: string;
}

export interface ImportedIdentity {
  keystoreJson: string;
  address: string;
}

function checkedScryptN(n: number): number {
  if (!Number.isInteger(n) || n < 2 ** 10 || n > 2 ** 20 || (n & (n - 1)) !== 0) throw new RangeError(`scrypt N must be a power of two from 2**10 to 2**20, not ${n}`);
  return n;
}

/**
 * Tests run the real CLI in child processes, which no option can reach: there LIKENESS_SCRYPT_N lowers the cost.
 * It is honoured only under a test runner, so a stray variable in a creator's shell can never weaken the keystore.
 */
function scryptN(options: KeystoreOptions): number {
  if (options.scryptN !== undefined) return checkedScryptN(options.scryptN);
  const fromEnv = process.env.LIKENESS_SCRYPT_N;
  const underTest = process.env.NODE_ENV === 'test' || process.env.VITEST !== undefined;
  return fromEnv !== undefined && underTest ? checkedScryptN(Number(fromEnv)) : KEYSTORE_SCRYPT_N;
}

function checkNewPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH || passphrase.trim() === '') {
    throw new IdentityError('weak-passphrase', `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters: it is all that protects your identity on this computer.`);
  }
}

/** Spacing and capitals do not change a BIP-39 phrase, and people type them loosely. */
function normalisePhrase(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(' ');
}

function accountOf(wallet: HDNodeWallet | Wallet): KeystoreAccount {
  const account: KeystoreAccount = { address: wallet.address, privateKey: wallet.privateKey };
  if (wallet instanceof HDNodeWallet && wallet.mnemonic && wallet.path !== null) {
    account.mnemonic = { path: wallet.path, locale: 'en', entropy: wallet.mnemonic.entropy };
  }
  return account;
}

async function encrypt(wallet: HDNodeWallet | Wallet, passphrase: string, options: KeystoreOptions): Promise<string> {
  const json = await encryptKeystoreJson(accountOf(wallet), passphrase, { scrypt: { N: scryptN(options) } });
  // Without the x-ethers section the recovery words would be lost for good once the creator closes the backup screen.
  if (wallet instanceof HDNodeWallet && !hasRecoveryWords(json)) throw new Error('the keystore lost the recovery words while encrypting');
  return json;
}

interface KeystoreShape {
  address?: string;
  kdf: string;
  scryptN?: number;
  mnemonicBytes?: number;
}

/** Reads what a keystore says about itself without decrypting it; throws 'bad-keystore' for anything that is not a v3 keystore. */
function inspect(json: string): KeystoreShape {
  const bad = (why: string) => new IdentityError('bad-keystore', `This is not a usable keystore file: ${why}.`);
  if (json.length > MAX_KEYSTORE_CHARS) throw bad('it is far too large');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw bad('it is not JSON');
  }
  if (typeof data !== 'object' || data === null) throw bad('it is not a JSON object');
  const record = data as Record<string, unknown>;
  if (Number(record.version) !== 3) throw bad('only version 3 (Web3 Secret Storage) keystores are supported');
  const crypto = (record.crypto ?? record.Crypto) as Record<string, unknown> | undefined;
  if (typeof crypto !== 'object' || crypto === null || typeof crypto.ciphertext !== 'string' || typeof crypto.mac !== 'string' || typeof crypto.kdf !== 'string') {
    throw bad('its crypto section is missing or incomplete');
  }
  let address: string | undefined;
  if (record.address !== undefined) {
    try {
      address = getAddress(`0x${String(record.address).replace(/^0x/i, '').toLowerCase()}`);
    } catch {
      throw bad('its address is not an Ethereum address');
    }
  }
  const params = crypto.kdfparams as Record<string, unknown> | undefined;
  const extra = record['x-ethers'] as Record<string, unknown> | undefined;
  const cipherHex = typeof extra?.mnemonicCiphertext === 'string' ? extra.mnemonicCiphertext.replace(/^0x/i, '') : undefined;
  return {
    address,
    kdf: crypto.kdf.toLowerCase(),
    scryptN: typeof params?.n === 'number' ? params.n : undefined,
    mnemonicBytes: extra?.version === '0.1' && cipherHex !== undefined ? cipherHex.length / 2 : undefined,
  };
}

function hasRecoveryWords(json: string): boolean {
  return inspect(json).mnemonicBytes !== undefined;
}

/** The address a keystore names, checksummed, read without the passphrase. */
export function keystoreAddress(json: string): string {
  const address = inspect(json).address;
  if (address === undefined) throw new IdentityError('bad-keystore', 'This keystore does not name its address.');
  return address;
}

/** How many recovery words the keystore holds (12 or 24), read without the passphrase; undefined when it holds none. */
export function recoveryWordCount(json: string): number | undefined {
  const bytes = inspect(json).mnemonicBytes;
  // BIP-39: each 4 bytes of entropy (32 bits plus one checksum bit) make 3 words of 11 bits.
  return bytes === undefined ? undefined : (bytes * 3) / 4;
}

/** A fresh identity: a random BIP-39 phrase (12 words), its first Ethereum account, and the keystore that holds both. */
export async function createIdentity(passphrase: string, options: KeystoreOptions = {}): Promise<NewIdentity> {
  checkNewPassphrase(passphrase);
  const wallet = Wallet.createRandom();
  const keystoreJson = await encrypt(wallet, passphrase, options);
  return { keystoreJson, address: wallet.address, mnemonic: wallet.mnemonic!.phrase };
}

export async function importFromMnemonic(phrase: string, passphrase: string, options: KeystoreOptions = {}): Promise<ImportedIdentity> {
  const normalised = normalisePhrase(phrase);
  if (!Mnemonic.isValidMnemonic(normalised)) {
    throw new IdentityError('bad-mnemonic', 'These are not valid recovery words: check each word and their order (12 to 24 English BIP-39 words).');
  }
  checkNewPassphrase(passphrase);
  const wallet = HDNodeWallet.fromPhrase(normalised);
  return { keystoreJson: await encrypt(wallet, passphrase, options), address: wallet.address };
}

/**
 * Checks a keystore made elsewhere opens with its passphrase. The passphrase is not held to our minimum: it was chosen
 * when the file was made, and refusing it would lock the creator out of their own key. A file with a cheaper KDF than
 * ours is re-encrypted (same passphrase) before it is kept, so a copy on this computer is never easier to attack.
 */
export async function importFromKeystore(json: string, passphrase: string, options: KeystoreOptions = {}): Promise<ImportedIdentity> {
  const wallet = await unlockKeystore(json, passphrase);
  const shape = inspect(json);
  const strongEnough = shape.kdf === 'scrypt' && (shape.scryptN ?? 0) >= scryptN(options) && shape.address !== undefined;
  return { keystoreJson: strongEnough ? json.trim() : await encrypt(wallet, passphrase, options), address: wallet.address };
}

/** Decrypts a keystore; an HDNodeWallet (with its recovery words) when the keystore holds them. */
export async function unlockKeystore(json: string, passphrase: string): Promise<HDNodeWallet | Wallet> {
  inspect(json);
  try {
    return await Wallet.fromEncryptedJson(json, passphrase);
  } catch (error) {
    if (isError(error, 'INVALID_ARGUMENT') && error.argument === 'password') {
      throw new IdentityError('wrong-passphrase', 'Wrong passphrase for this identity.');
    }
    // ethers' messages can quote the file's fields; ours names only the problem.
    throw new IdentityError('bad-keystore', 'This keystore file is damaged or uses a format the studio cannot read.');
  }
}
