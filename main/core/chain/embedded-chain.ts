// The studio's private "Local chain": one anvil child process per studio home, on loopback only, its state kept in the home; main process.
// anvil rewrites its state file every second (--state-interval 1) and once more on SIGTERM, so a kill -9 of anvil or of the
// studio loses at most the last second of transactions, with their blocks and receipts.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { HDNodeWallet, JsonRpcProvider, Network, type Provider, type TransactionReceipt, getAddress } from 'ethers';
import { anvilPath } from './anvil-binary.js';

export const DEFAULT_LOCAL_CHAIN_ID = 31337;
/** anvil's well-known dev mnemonic: its accounts are public, funded only on a chain anvil made. */
export const LOCAL_DEV_MNEMONIC = 'test test test test test test test test test test test junk';

const STATE_INTERVAL_S = 1;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 4_000;
/** Only for a port we picked: another program may take it between our check and anvil's bind. */
const PORT_ATTEMPTS = 3;

export interface EmbeddedChainOptions {
  home: string;
  /** Default: a free loopback port. */
  port?: number;
  /** Default 31337, anvil's own. */
  chainId?: number;
  /** Mine a block every this many seconds instead of one per transaction, as a public chain does (default: at once). */
  blockTime?: number;
}

export interface ChainExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() asked for it; anything else is a crash or a kill from outside. */
  expected: boolean;
  stderr: string;
}

/** What start() did with a state file left unreadable by a kill during anvil's (non-atomic) write of it. */
export interface StateRecovery {
  /** Where the unreadable file was moved, kept for inspection. */
  brokenCopy: string;
  /** 'last-good': the copy taken at the previous start, so what happened since that start is lost; 'empty': a new chain. */
  restored: 'last-good' | 'empty';
}

export interface ChainPaths {
  dir: string;
  state: string;
  pid: string;
  lastGood: string;
}

export function chainPaths(home: string): ChainPaths {
  const dir = join(resolve(home), 'chain');
  return { dir, state: join(dir, 'anvil-state.json'), pid: join(dir, 'anvil.pid'), lastGood: join(dir, 'anvil-state.last-good.json') };
}

function wait(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The promise's value, or undefined once `ms` have passed; the timer never outlives the race. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Listens on the port for a moment: the kernel picks one when `port` is 0. */
function claimPort(port: number): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port assigned'))));
    });
  });
}

/** On Linux: whether `pid` is an anvil started on this state file (a zombie's cmdline is empty, so it counts as gone). */
function isAnvilFor(pid: number, statePath: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  const state = argv.indexOf('--state');
  return basename(argv[0] ?? '') === 'anvil' && state > 0 && argv[state + 1] === statePath;
}

async function goneWithin(pid: number, statePath: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let pause = 20; isAnvilFor(pid, statePath); pause = Math.min(pause * 2, 250)) {
    if (Date.now() >= deadline) return false;
    await wait(pause);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone between the check and the signal.
  }
}

/**
 * A studio that crashed left its anvil running, still writing the state file: end it (SIGTERM first, so its last
 * transactions are dumped) before a new one loads that file. Only on Linux, where /proc shows it really is that anvil;
 * elsewhere a recycled PID could be anyone's process, so nothing is killed.
 */
async function endStaleAnvil(paths: ChainPaths): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(paths.pid, 'utf8').trim());
  } catch {
    return;
  }
  if (process.platform === 'linux' && Number.isSafeInteger(pid) && pid > 1 && pid !== process.pid && isAnvilFor(pid, paths.state)) {
    signal(pid, 'SIGTERM');
    if (!(await goneWithin(pid, paths.state, STOP_GRACE_MS))) {
      signal(pid, 'SIGKILL');
      if (!(await goneWithin(pid, paths.state, STOP_GRACE_MS))) {
        throw new Error(`The local chain left by an earlier run (anvil, PID ${pid}) does not stop; end it, then start the studio again.`);
      }
    }
  }
  rmSync(paths.pid, { force: true });
}

function readsAsJson(path: string): boolean {
  try {
    JSON.parse(readFileSync(path, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * anvil truncates its state file and writes it in place, so a kill at that moment leaves a file it refuses to load.
 * A file that parses is copied aside as the last good one; one that does not is moved away and the last good copy put back.
 * A file that parses but that anvil rejects is left alone: it was not made by a crash, and start() reports anvil's complaint.
 */
function checkStateFile(paths: ChainPaths): StateRecovery | undefined {
  try {
    if (!statSync(paths.state).isFile()) return undefined;
  } catch {
    return undefined;
  }
  if (readsAsJson(paths.state)) {
    copyFileSync(paths.state, `${paths.lastGood}.tmp`);
    renameSync(`${paths.lastGood}.tmp`, paths.lastGood);
    return undefined;
  }
  const brokenCopy = join(paths.dir, `anvil-state.broken-${Date.now()}.json`);
  renameSync(paths.state, brokenCopy);
  if (readsAsJson(paths.lastGood)) {
    copyFileSync(paths.lastGood, paths.state);
    return { brokenCopy, restored: 'last-good' };
  }
  return { brokenCopy, restored: 'empty' };
}

export class EmbeddedChain {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly paths: ChainPaths;
  /** Set when the state file could not be loaded as it was; the UI should tell the creator what was restored. */
  readonly recovery: StateRecovery | undefined;
  /** Settles once anvil has exited (never rejects). */
  readonly exited: Promise<ChainExit>;

  readonly #child: ChildProcess;
  readonly #listeners = new Set<(exit: ChainExit) => void>();
  #stderr = '';
  #stopping = false;
  #exit: ChainExit | undefined;
  #provider: JsonRpcProvider | undefined;
  /** A studio that exits without stop() still lets anvil write its state; a crash leaves it to the next start. */
  readonly #endWithStudio = () => this.#child.kill('SIGTERM');

  private constructor(paths: ChainPaths, port: number, chainId: number, recovery: StateRecovery | undefined, blockTime: number | undefined) {
    this.paths = paths;
    this.chainId = chainId;
    this.recovery = recovery;
    this.rpcUrl = `http://127.0.0.1:${port}`;
    const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId)];
    args.push('--state', paths.state, '--state-interval', String(STATE_INTERVAL_S), '--silent');
    if (blockTime !== undefined) args.push('--block-time', String(blockTime));
    const binary = anvilPath();
    this.#child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.exited = new Promise((done) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.#exit) return;
        this.#exit = { code, signal, expected: this.#stopping, stderr: this.#stderr };
        process.off('exit', this.#endWithStudio);
        void this.#provider?.destroy();
        this.#removePidFile();
        done(this.#exit);
        for (const listener of this.#listeners) listener(this.#exit);
      };
      // 'close' comes after stderr is drained; a failed spawn emits 'error' and may never close. The 'error' listener
      // stays for good: a failed kill() also emits one, and an unheard 'error' would crash the studio.
      this.#child.once('close', finish);
      this.#child.on('error', (error) => {
        if (this.#child.pid === undefined) {
          this.#stderr += `could not run ${binary}: ${error.message}`;
          finish(null, null);
        }
      });
    });
    if (this.#child.pid !== undefined) {
      writeFileSync(paths.pid, `${this.#child.pid}\n`);
      process.on('exit', this.#endWithStudio);
    }
  }

  /**
   * Starts the chain for a studio home and resolves once it answers eth_chainId (20 s at most). Ends an anvil a crashed
   * studio left on this home first. One chain per home: a second start on the same home ends the first one's anvil.
   */
  static async start(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
    const chainId = options.chainId ?? DEFAULT_LOCAL_CHAIN_ID;
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new RangeError(`The local chain id must be a positive whole number, not ${chainId}.`);
    if (options.blockTime !== undefined && !(Number.isInteger(options.blockTime) && options.blockTime > 0)) {
      throw new RangeError(`The local chain's block time must be a whole number of seconds, not ${options.blockTime}.`);
    }
    if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
      throw new RangeError(`The local chain port must be 1 to 65535, not ${options.port}.`);
    }
    const paths = chainPaths(options.home);
    mkdirSync(paths.dir, { recursive: true });
    await endStaleAnvil(paths);
    const recovery = checkStateFile(paths);
    for (let attempt = 1; ; attempt++) {
      let port: number;
      try {
        port = await claimPort(options.port ?? 0);
      } catch (error) {
        throw new Error(`The local chain cannot listen on 127.0.0.1:${options.port}: ${error instanceof Error ? error.message : error}.`, { cause: error });
      }
      const chain = new EmbeddedChain(paths, port, chainId, recovery, options.blockTime);
      try {
        await chain.#waitUntilReady();
        return chain;
      } catch (error) {
        await chain.stop();
        const raced = options.port === undefined && attempt < PORT_ATTEMPTS && chain.#stderr.includes('Address already in use');
        if (!raced) throw error;
      }
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /**
   * One provider for the chain's lifetime, pinned to its chain id so it never probes, with no response cache: the
   * studio reads back what it has just written. Do not destroy it; stop() does.
   */
  provider(): JsonRpcProvider {
    if (this.#exit) throw new Error('The local chain has stopped.');
    this.#provider ??= new JsonRpcProvider(this.rpcUrl, Network.from(this.chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    return this.#provider;
  }

  /** Calls `listener` once, when anvil exits for any reason; returns a function that unsubscribes. */
  onExit(listener: (exit: ChainExit) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops anvil with SIGTERM and waits, so it writes its final state; SIGKILL after 5 s. On Windows there is no SIGTERM:
   * the process ends at once and keeps only the last periodic dump.
   */
  async stop(): Promise<ChainExit> {
    if (!this.#exit) {
      this.#stopping = true;
      this.#child.kill('SIGTERM');
      if ((await within(this.exited, STOP_GRACE_MS)) === undefined) this.#child.kill('SIGKILL');
    }
    return this.exited;
  }

  async #waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
      const answered = await this.#askChainId(deadline);
      if (this.#exit) throw this.#startFailure(`exited (${this.#exit.signal ?? `code ${this.#exit.code}`}) while starting`);
      if (answered !== undefined) {
        if (answered === BigInt(this.chainId)) return;
        throw this.#startFailure(`answered as chain ${answered} instead of ${this.chainId}`);
      }
      if (Date.now() >= deadline) throw this.#startFailure(`did not answer within ${START_TIMEOUT_MS / 1000} s`);
      await within(this.exited, pause);
    }
  }

  /** anvil's chain id, or undefined while it is not listening yet. */
  async #askChainId(deadline: number): Promise<bigint | undefined> {
    try {
      const response = await fetch(this.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        signal: AbortSignal.timeout(Math.max(1, Math.min(2_000, deadline - Date.now()))),
      });
      const body = (await response.json()) as { result?: unknown };
      return typeof body.result === 'string' ? BigInt(body.result) : undefined;
    } catch {
      return undefined;
    }
  }

  #startFailure(what: string): Error {
    const tail = this.#stderr.trim();
    return new Error(`The local chain (anvil on ${this.rpcUrl}) ${what}.${tail ? `\nanvil said:\n${tail}` : ''}`);
  }

  #removePidFile(): void {
    try {
      if (Number(readFileSync(this.paths.pid, 'utf8').trim()) === this.#child.pid) rmSync(this.paths.pid, { force: true });
    } catch {
      // No PID file: nothing to remove.
    }
  }
}

let devAccount: HDNodeWallet | undefined;

/**
 * anvil's first dev account, which pays gas on the private local chain for the creator's address there. Its key is public:
 * on any real network the creator's own key pays, and this wallet must never be used there.
 */
export function localFunder(provider: Provider): HDNodeWallet {
  // Deriving from the mnemonic costs a PBKDF2 run: once per process is enough.
  devAccount ??= HDNodeWallet.fromPhrase(LOCAL_DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0");
  return devAccount.connect(provider);
}

/** One funding queue per chain: concurrent sends from the same account would otherwise pick the same nonce. */
const fundingQueues = new WeakMap<EmbeddedChain, Promise<unknown>>();

/** Sends `wei` from the local funder to `address` on the private local chain and waits until it is mined. */
export function fundOnLocalChain(chain: EmbeddedChain, address: string, wei: bigint): Promise<TransactionReceipt> {
  const to = getAddress(address);
  if (wei <= 0n) throw new RangeError(`Funding needs a positive amount of wei, not ${wei}.`);
  const previous = fundingQueues.get(chain) ?? Promise.resolve();
  const sent = previous
    .catch(() => undefined)
    .then(async () => {
      const tx = await localFunder(chain.provider()).sendTransaction({ to, value: wei });
      const receipt = await tx.wait();
      if (!receipt || receipt.status !== 1) throw new Error(`Funding ${to} on the local chain failed (transaction ${tx.hash}).`);
      return receipt;
    });
  fundingQueues.set(chain, sent);
  return sent;
}
