// Starts the real `likeness serve` as a child process and waits for the URL it prints; test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { CallName, CallOutput, Envelope } from '../../main/contract/index.js';

export const CLI = fileURLToPath(new URL('../../bin/likeness.mjs', import.meta.url));

export interface Served {
  child: ChildProcess;
  url: string;
  origin: string;
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const [code] = await exited;
    return code;
  };
  onTestFinished(async () => {
    await stop('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)\n/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(([code]) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const parsed = new URL(url);
  return {
    child,
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.hash.replace('#token=', ''),
    stdout: () => out,
    stderr: () => err,
    stop,
  };
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A call over the loopback API, as any script would make it; the test fails with the error it answered. */
export async function api<K extends CallName>(studio: Served, name: K, input: unknown): Promise<CallOutput<K>> {
  const response = await fetch(`${studio.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const answer = (await response.json()) as Envelope<CallOutput<K>>;
  if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}
