// Runs a real OCI registry (Debian's docker-registry 2.8) on a free loopback port with throwaway storage; test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
const STARTUP_TIMEOUT_MS = 20_000;

export interface RunningRegistry {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now: the kernel picks it for a listener that is closed at once. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v2/`);
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startRegistry(): Promise<RunningRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`${REGISTRY_BINARY} is missing; the registry tests need it: apt-get install docker-registry`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'likeness-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Settles on exit and on a failed spawn alike, so neither leaves a rejected promise behind.
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`));
    child.once('error', (error) => resolve(`could not start (${error.message})`));
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let wait = 10;
  let failure: string | undefined;
  for (;;) {
    if (await answers(url)) return { url, stop };
    const gone = await Promise.race([exited, delay(wait).then(() => undefined)]);
    if (gone) failure = gone;
    else if (Date.now() > deadline) failure = `did not answer GET /v2/ within ${STARTUP_TIMEOUT_MS / 1000} s`;
    if (failure) break;
    wait = Math.min(wait * 2, 250);
  }
  await stop();
  throw new Error(`The test registry (${REGISTRY_BINARY} on ${url}) ${failure}. Its stderr:\n${stderr}`);
}
