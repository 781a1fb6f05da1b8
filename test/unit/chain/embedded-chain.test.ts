// Integration tests of the embedded local chain: a real anvil per test, its state file, crashes and restarts; test process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Wallet, parseEther } from 'ethers';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type ChainExit,
  DEFAULT_LOCAL_CHAIN_ID,
  EmbeddedChain,
  type EmbeddedChainOptions,
  chainPaths,
  fundOnLocalChain,
  localFunder,
} from '../../../main/core/chain/embedded-chain.js';
import { tempDir } from '../../support/tmp.js';

const ANVIL_FIRST_ACCOUNT = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
/** Longest wait for anvil's once-a-second dump to show a change; only reached when the machine is badly overloaded. */
const DUMP_WAIT_MS = 15_000;

async function startChain(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const chain = await EmbeddedChain.start(options);
  onTestFinished(async () => {
    await chain.stop();
  });
  return chain;
}

function newAddress(): string {
  return Wallet.createRandom().address;
}

/** Simulates a crash: anvil gets no chance to write its state. */
async function killHard(chain: EmbeddedChain): Promise<ChainExit> {
  process.kill(chain.pid!, 'SIGKILL');
  return chain.exited;
}

/** Whether the state file on disk right now knows `address`; a missing or half-written file does not. */
function stateKnows(home: string, address: string): boolean {
  try {
    const state = JSON.parse(readFileSync(chainPaths(home).state, 'utf8')) as { accounts: Record<string, unknown> };
    return address.toLowerCase() in state.accounts;
  } catch {
    return false;
  }
}

/** Waits for anvil's periodic dump (every second) to carry `address` to disk: the one wait on time these tests make. */
async function dumpReaches(home: string, address: string): Promise<void> {
  const deadline = Date.now() + DUMP_WAIT_MS;
  while (!stateKnows(home, address)) {
    if (Date.now() > deadline) throw new Error(`anvil did not dump its state within ${DUMP_WAIT_MS / 1000} s`);
    await delay(100);
  }
}

/** The port of a listener that is closed again, so nobody holds it. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function listeningPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.close();
  });
  return (server.address() as { port: number }).port;
}

describe('EmbeddedChain.start', () => {
  it('runs anvil on loopback with a chain id of 31337 and a state file in the home, and keeps a PID file', async () => {
    const home = tempDir();
    const chain = await startChain({ home });
    const paths = chainPaths(home);
    expect(chain.chainId).toBe(DEFAULT_LOCAL_CHAIN_ID);
    expect(chain.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(chain.running).toBe(true);
    expect(chain.recovery).toBeUndefined();
    expect(readFileSync(paths.pid, 'utf8').trim()).toBe(String(chain.pid));
    const provider = chain.provider();
    expect(chain.provider()).toBe(provider);
    expect((await provider.getNetwork()).chainId).toBe(31337n);
    expect(await provider.getBlockNumber()).toBe(0);
    if (process.platform === 'linux') {
      const argv = readFileSync(`/proc/${chain.pid}/cmdline`, 'utf8').split('\0');
      const value = (flag: string) => argv[argv.indexOf(flag) + 1];
      expect(value('--host')).toBe('127.0.0.1');
      expect(value('--state')).toBe(paths.state);
      expect(value('--state-interval')).toBe('1');
      expect(value('--chain-id')).toBe('31337');
      expect(argv).toContain('--silent');
    }
  });

  it('takes a port and a chain id', async () => {
    const port = await freePort();
    const chain = await startChain({ home: tempDir(), port, chainId: 1337 });
    expect(chain.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    expect(await chain.provider().send('eth_chainId', [])).toBe('0x539');
  });

  it('says so when the port it was given is taken, and starts nothing', async () => {
    const home = tempDir();
    const port = await listeningPort();
    await expect(EmbeddedChain.start({ home, port })).rejects.toThrow(`The local chain cannot listen on 127.0.0.1:${port}`);
    expect(existsSync(chainPaths(home).pid)).toBe(false);
  });

  it('refuses a chain id or port that is not a positive whole number', async () => {
    await expect(EmbeddedChain.start({ home: tempDir(), chainId: 0 })).rejects.toThrow(RangeError);
    await expect(EmbeddedChain.start({ home: tempDir(), port: 70_000 })).rejects.toThrow(RangeError);
  });

  it("reports anvil's own words when it exits while starting, and leaves a state file it did not write alone", async () => {
    const home = tempDir();
    await startChain({ home }).then((chain) => chain.stop());
    const paths = chainPaths(home);
    writeFileSync(paths.state, '{}');
    const failure = await EmbeddedChain.start({ home }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/^The local chain \(anvil on http:\/\/127\.0\.0\.1:\d+\) exited \(code \d+\) while starting\.\nanvil said:\n/);
    expect(failure?.message).toContain('missing field `block`');
    expect(readFileSync(paths.state, 'utf8')).toBe('{}');
    expect(existsSync(paths.pid)).toBe(false);
  });
});

describe('EmbeddedChain state across restarts', () => {
  it('stop() ends anvil with SIGTERM and waits for its final dump: nothing is lost, even within the first second', async () => {
    const home = tempDir();
    const recipient = newAddress();
    const chain = await startChain({ home });
    const heard: ChainExit[] = [];
    chain.onExit((exit) => heard.push(exit));
    const unsubscribe = chain.onExit(() => heard.push({ code: -1, signal: null, expected: false, stderr: 'unsubscribed listener ran' }));
    unsubscribe();
    await fundOnLocalChain(chain, recipient, parseEther('2'));

    const exit = await chain.stop();
    expect(exit).toMatchObject({ expected: true });
    expect(heard).toEqual([exit]);
    expect(chain.running).toBe(false);
    expect(() => chain.provider()).toThrow('The local chain has stopped.');
    expect(existsSync(chainPaths(home).pid)).toBe(false);
    expect(await chain.stop()).toBe(exit);

    const again = await startChain({ home });
    expect(await again.provider().getBalance(recipient)).toBe(parseEther('2'));
    expect(await again.provider().getBlockNumber()).toBe(1);
  });

  it('a SIGKILL after a periodic dump keeps the transaction', async () => {
    const home = tempDir();
    const recipient = newAddress();
    const chain = await startChain({ home });
    const receipt = await fundOnLocalChain(chain, recipient, parseEther('1.5'));
    await dumpReaches(home, recipient);

    const exit = await killHard(chain);
    expect(exit).toMatchObject({ signal: 'SIGKILL', expected: false });

    const again = await startChain({ home });
    expect(again.recovery).toBeUndefined();
    const provider = again.provider();
    expect(await provider.getBalance(recipient)).toBe(parseEther('1.5'));
    expect((await provider.getTransaction(receipt.hash))?.to).toBe(recipient);
    expect(await provider.getTransactionCount(ANVIL_FIRST_ACCOUNT)).toBe(1);
  });

  it('a SIGKILL before the next dump loses the transaction, its block, its receipt and the nonce it used', async () => {
    // The kill has to land between the transaction and the next once-a-second dump. When the machine is so slow that a
    // dump slips in first (the file on disk then knows the recipient), the case is not this one: try again on a new home.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const home = tempDir();
      const recipient = newAddress();
      const chain = await startChain({ home });
      const receipt = await fundOnLocalChain(chain, recipient, parseEther('1'));
      expect(receipt.blockNumber).toBe(1);
      await killHard(chain);
      if (stateKnows(home, recipient)) continue;

      const again = await startChain({ home });
      const provider = again.provider();
      expect(await provider.getBalance(recipient)).toBe(0n);
      expect(await provider.getTransaction(receipt.hash)).toBeNull();
      expect(await provider.getTransactionReceipt(receipt.hash)).toBeNull();
      expect(await provider.getBlockNumber()).toBe(0);
      expect(await provider.getTransactionCount(ANVIL_FIRST_ACCOUNT)).toBe(0);
      return;
    }
    throw new Error('every try saw a dump land between the transaction and the kill');
  });

  it('puts back the last good state when a kill left the state file half-written', async () => {
    const home = tempDir();
    const paths = chainPaths(home);
    const recipient = newAddress();
    const first = await startChain({ home });
    await fundOnLocalChain(first, recipient, parseEther('3'));
    await first.stop();
    // This start finds a good file and keeps a copy of it.
    await (await startChain({ home })).stop();
    expect(existsSync(paths.lastGood)).toBe(true);

    const whole = readFileSync(paths.state, 'utf8');
    truncateSync(paths.state, Math.floor(whole.length / 2));
    const chain = await startChain({ home });
    expect(chain.recovery).toMatchObject({ restored: 'last-good' });
    expect(readFileSync(chain.recovery!.brokenCopy, 'utf8')).toBe(whole.slice(0, Math.floor(whole.length / 2)));
    expect(await chain.provider().getBalance(recipient)).toBe(parseEther('3'));
  });

  it('starts a new chain when the state file is unreadable and there is no good copy', async () => {
    const home = tempDir();
    const paths = chainPaths(home);
    await (await startChain({ home })).stop();
    writeFileSync(paths.state, '');
    const chain = await startChain({ home });
    expect(chain.recovery).toMatchObject({ restored: 'empty' });
    expect(readdirSync(paths.dir).filter((name) => name.startsWith('anvil-state.broken-'))).toHaveLength(1);
    expect(await chain.provider().getBlockNumber()).toBe(0);
  });
});

describe('EmbeddedChain and the PID file', () => {
  it.runIf(process.platform === 'linux')("ends the anvil a crashed studio left on the home, letting it write its last state first", async () => {
    const home = tempDir();
    const recipient = newAddress();
    // The first chain stands for a studio that died without stopping its anvil.
    const orphan = await startChain({ home });
    await fundOnLocalChain(orphan, recipient, parseEther('4'));

    const chain = await startChain({ home });
    const exit = await orphan.exited;
    expect(exit.expected).toBe(false);
    expect(readFileSync(chainPaths(home).pid, 'utf8').trim()).toBe(String(chain.pid));
    expect(await chain.provider().getBalance(recipient)).toBe(parseEther('4'));
  });

  it('never kills a process that is not an anvil for this home', async () => {
    const home = tempDir();
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
    const bystanderExit = once(bystander, 'exit');
    onTestFinished(async () => {
      bystander.kill('SIGKILL');
      await bystanderExit;
    });
    await once(bystander, 'spawn');
    const { dir, pid } = chainPaths(home);
    mkdirSync(dir, { recursive: true });
    writeFileSync(pid, `${bystander.pid}\n`);

    const chain = await startChain({ home });
    expect(chain.running).toBe(true);
    expect(bystander.exitCode).toBeNull();
    expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
  });

  it('ignores a PID file that names no process or holds no number', async () => {
    for (const content of ['2147483647\n', 'not a pid\n']) {
      const home = tempDir();
      mkdirSync(chainPaths(home).dir, { recursive: true });
      writeFileSync(chainPaths(home).pid, content);
      const chain = await startChain({ home });
      expect(readFileSync(chainPaths(home).pid, 'utf8').trim()).toBe(String(chain.pid));
    }
  });
});

describe('local funding', () => {
  it("pays from anvil's first dev account, one transaction after another even when asked at once", async () => {
    const chain = await startChain({ home: tempDir() });
    expect(localFunder(chain.provider()).address).toBe(ANVIL_FIRST_ACCOUNT);
    const recipients = [newAddress(), newAddress(), newAddress()];
    const receipts = await Promise.all(recipients.map((address, index) => fundOnLocalChain(chain, address, BigInt(index + 1))));
    expect(receipts.map((receipt) => receipt.status)).toEqual([1, 1, 1]);
    for (const [index, address] of recipients.entries()) {
      expect(await chain.provider().getBalance(address)).toBe(BigInt(index + 1));
    }
    expect(await chain.provider().getTransactionCount(ANVIL_FIRST_ACCOUNT)).toBe(3);
  });

  it('refuses a bad address or a non-positive amount before sending anything', async () => {
    const chain = await startChain({ home: tempDir() });
    expect(() => fundOnLocalChain(chain, '0x1234', 1n)).toThrow();
    expect(() => fundOnLocalChain(chain, newAddress(), 0n)).toThrow(RangeError);
    expect(await chain.provider().getTransactionCount(ANVIL_FIRST_ACCOUNT)).toBe(0);
  });
});
