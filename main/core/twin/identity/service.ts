// The creator's identity in a data home: the encrypted keystore on disk, the unlocked key in memory only, the recovery-word backup check; main process.
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HDNodeWallet, Wallet } from 'ethers';
import { writeFileAtomic } from '../../store/atomic.js';
import { IdentityError, type KeystoreOptions, createIdentity, importFromKeystore, importFromMnemonic, keystoreAddress, recoveryWordCount, unlockKeystore } from './keystore.js';

export const DEFAULT_UNLOCK_MS = 15 * 60_000;
const CHALLENGE_WORDS = 3;

export interface IdentityStatus {
  exists: boolean;
  address?: string;
  unlocked: boolean;
  unlockExpiresAt?: string;
  backedUp: boolean;
}

export interface IdentityServiceOptions extends KeystoreOptions {
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

export interface ReplaceOption {
  replace?: boolean;
}

/** What identity/state.json holds: no secrets, and the address it is about, so a state left by an earlier identity never counts for a new one. */
interface StoredState {
  address: string;
  backedUp: boolean;
}

interface Unlocked {
  wallet: Wallet;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

export class IdentityService {
  private readonly dir: string;
  private readonly keystorePath: string;
  private readonly statePath: string;
  private readonly options: KeystoreOptions;
  private readonly now: () => number;
  private unlocked: Unlocked | undefined;
  private challenge: number[] | undefined;
  /** Writes run one at a time: two creates racing would otherwise show the creator words for a key that was then overwritten. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(home: string, options: IdentityServiceOptions = {}) {
    this.dir = join(home, 'identity');
    this.keystorePath = join(this.dir, 'keystore.json');
    this.statePath = join(this.dir, 'state.json');
    this.options = { scryptN: options.scryptN };
    this.now = options.now ?? (() => Date.now());
  }

  status(): IdentityStatus {
    const json = this.readKeystore();
    if (json === undefined) return { exists: false, unlocked: false, backedUp: false };
    const address = keystoreAddress(json);
    const unlocked = this.current();
    const state = this.readState();
    return {
      exists: true,
      address,
      unlocked: unlocked !== undefined,
      ...(unlocked ? { unlockExpiresAt: new Date(unlocked.expiresAt).toISOString() } : {}),
      backedUp: state?.address === address && state.backedUp,
    };
  }

  /** A new identity. The words come back this once, for the backup screen; afterwards only revealMnemonic (with the passphrase) shows them. */
  create(passphrase: string): Promise<{ address: string; words: string[] }> {
    return this.exclusive(async () => {
      this.refuseExisting({});
      const identity = await createIdentity(passphrase, this.options);
      this.refuseExisting({});
      this.store(identity.keystoreJson, { address: identity.address, backedUp: false });
      return { address: identity.address, words: identity.mnemonic.split(' ') };
    });
  }

  /** Whoever types the words in has them: an identity restored from them counts as backed up. */
  importMnemonic(phrase: string, passphrase: string, options: ReplaceOption = {}): Promise<IdentityStatus> {
    return this.exclusive(async () => {
      this.refuseExisting(options);
      const identity = await importFromMnemonic(phrase, passphrase, this.options);
      this.refuseExisting(options);
      this.store(identity.keystoreJson, { address: identity.address, backedUp: true });
      return this.status();
    });
  }

  /** The keystore file the creator imports from, with its passphrase, is itself a complete backup. */
  importKeystore(json: string, passphrase: string, options: ReplaceOption = {}): Promise<IdentityStatus> {
    return this.exclusive(async () => {
      this.refuseExisting(options);
      const identity = await importFromKeystore(json, passphrase, this.options);
      this.refuseExisting(options);
      this.store(identity.keystoreJson, { address: identity.address, backedUp: true });
      return this.status();
    });
  }

  /** Keeps the key in memory until a fixed deadline; using it does not extend the deadline, so a forgotten session always ends. */
  async unlock(passphrase: string, timeoutMs = DEFAULT_UNLOCK_MS): Promise<IdentityStatus> {
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`unlock timeout must be a positive number of milliseconds, not ${timeoutMs}`);
    const opened = await unlockKeystore(this.requireKeystore(), passphrase);
    this.lock();
    // Only the signing key is kept: the recovery words stay encrypted on disk and need the passphrase again.
    const wallet = new Wallet(opened.signingKey);
    const timer = setTimeout(() => this.lock(), timeoutMs);
    // An unlocked identity must not keep the CLI or a test process alive.
    timer.unref();
    this.unlocked = { wallet, expiresAt: this.now() + timeoutMs, timer };
    return this.status();
  }

  lock(): void {
    if (this.unlocked) clearTimeout(this.unlocked.timer);
    this.unlocked = undefined;
  }

  signer(): Wallet {
    const unlocked = this.current();
    if (!unlocked) throw new IdentityError('locked', 'Your identity is locked: unlock your identity first.');
    return unlocked.wallet;
  }

  /** The keystore exactly as stored: encrypted, safe to copy elsewhere as a backup. */
  exportKeystore(): string {
    return this.requireKeystore();
  }

  async revealMnemonic(passphrase: string): Promise<string[]> {
    return this.wordsOf(await unlockKeystore(this.requireKeystore(), passphrase));
  }

  /** Three distinct word positions (1-based) to ask back; the same ones stay asked until answered right. */
  backupChallenge(): { positions: number[] } {
    const count = recoveryWordCount(this.requireKeystore());
    if (count === undefined) throw this.noWords();
    const positions = new Set<number>();
    while (positions.size < CHALLENGE_WORDS) positions.add(randomInt(1, count + 1));
    this.challenge = [...positions].sort((a, b) => a - b);
    return { positions: [...this.challenge] };
  }

  async confirmBackup(answers: Record<number, string>, passphrase: string): Promise<IdentityStatus> {
    const challenge = this.challenge;
    if (!challenge) throw new IdentityError('backup-check-failed', 'Ask for the words to check first.');
    const json = this.requireKeystore();
    const words = this.wordsOf(await unlockKeystore(json, passphrase));
    const right = challenge.every((position) => (answers[position] ?? '').trim().toLowerCase() === words[position - 1]);
    if (!right) throw new IdentityError('backup-check-failed', `Not all of words ${challenge.join(', ')} match your recovery words: check what you wrote down.`);
    return this.exclusive(async () => {
      this.challenge = undefined;
      this.writeState({ address: keystoreAddress(json), backedUp: true });
      return this.status();
    });
  }

  private wordsOf(wallet: HDNodeWallet | Wallet): string[] {
    if (!(wallet instanceof HDNodeWallet) || !wallet.mnemonic) throw this.noWords();
    return wallet.mnemonic.phrase.split(' ');
  }

  private noWords(): IdentityError {
    return new IdentityError('none', 'This identity was imported from a keystore without recovery words: keep that keystore file and its passphrase as its backup.');
  }

  /** Checks the wall clock as well as the timer: timers run on a monotonic clock that stops while a laptop sleeps. */
  private current(): Unlocked | undefined {
    if (this.unlocked && this.now() >= this.unlocked.expiresAt) this.lock();
    return this.unlocked;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private refuseExisting(options: ReplaceOption): void {
    if (!options.replace && existsSync(this.keystorePath)) {
      throw new IdentityError('exists', 'This studio already has an identity. Replacing it loses access to everything it signed unless you have its recovery words or keystore: ask for replace explicitly.');
    }
  }

  private store(keystoreJson: string, state: StoredState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing folder's mode alone, and the umask can widen a new one's.
    chmodSync(this.dir, 0o700);
    writeFileAtomic(this.keystorePath, keystoreJson);
    this.writeState(state);
    // The unlocked key and any pending question belong to the identity that was just replaced.
    this.lock();
    this.challenge = undefined;
  }

  private writeState(state: StoredState): void {
    writeFileAtomic(this.statePath, `${JSON.stringify(state)}\n`);
  }

  private readKeystore(): string | undefined {
    try {
      return readFileSync(this.keystorePath, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private requireKeystore(): string {
    const json = this.readKeystore();
    if (json === undefined) throw new IdentityError('none', 'This studio has no identity yet: create or import one first.');
    return json;
  }

  private readState(): StoredState | undefined {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.statePath, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'address' in parsed && 'backedUp' in parsed && typeof parsed.address === 'string' && typeof parsed.backedUp === 'boolean') {
        return { address: parsed.address, backedUp: parsed.backedUp };
      }
      return undefined;
    } catch {
      // A missing or damaged state file only means the backup is not confirmed; the check can be taken again.
      return undefined;
    }
  }
}
