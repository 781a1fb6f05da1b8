// Runs anvil (from @foundry-rs/anvil) on a free loopback port, with its well-known funded accounts; test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import { HDNodeWallet } from 'ethers';
import { freePort } from './registry.js';

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** Anvil's default mnemonic: every account it funds at genesis derives from it. Never use it off a test chain. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** The private keys of anvil's 10 funded accounts (10,000 ETH each), m/44'/60'/0'/0/0 to /9. */
export const ANVIL_PRIVATE_KEYS: readonly string[] = Array.from(
  { length: 10 },
  (_, index) => HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey,
);

export interface AnvilOptions {
  /** A state file: loaded at start when it exists, written on stop. */
  state?: string;
  /** Starts without the deterministic deployment proxy, as some public chains are. */
  withoutCreate2Deployer?: boolean;
}

export interface RunningAnvil {
  url: string;
  /** Ends anvil (letting it write its state file) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The platform binary itself, not the npm wrapper script: stopping the process we spawned then stops anvil. */
function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const name = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  return createRequire(import.meta.url).resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${name}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === 'string';
  } catch {
    return false;
  }
}

export async function startAnvil(options: AnvilOptions = {}): Promise<RunningAnvil> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent'];
  if (options.state) args.push('--state', options.state);
  if (options.withoutCreate2Deployer) args.push('--disable-default-create2-deployer');
  const child: ChildProcess = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Settles on exit and on a failed spawn alike, so neither leaves a rejected promise behind.
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`));
    child.once('error', (error) => resolve(`could not start (${error.message})`));
  });
  // A test process that dies without its afterAll must not leave anvil holding the port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM lets anvil dump its state file; SIGKILL only if it hangs.
    child.kill('SIGTERM');
    const gone = await Promise.race([exited, delay(STOP_TIMEOUT_MS).then(() => undefined)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let wait = 20;
  let failure: string | undefined;
  for (;;) {
    if (await answers(url)) return { url, stop };
    const gone = await Promise.race([exited, delay(wait).then(() => undefined)]);
    if (gone) failure = gone;
    else if (Date.now() > deadline) failure = `did not answer eth_chainId within ${STARTUP_TIMEOUT_MS / 1000} s`;
    if (failure) break;
    wait = Math.min(wait * 2, 250);
  }
  await stop();
  throw new Error(`anvil on ${url} ${failure}. Its stderr:\n${stderr}`);
}
