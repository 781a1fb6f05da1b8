// The `likeness` CLI: help on every verb, exit codes scripts rely on, doctor, and serve as a real process.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli.js';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { verbs } from '../../../main/cli/verbs.js';
import { runCliProcess, serve } from '../../support/serve.js';
import { canMount, tempDir, tmpfs } from '../../support/tmp.js';

function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('likeness CLI', () => {
  it('prints help listing every command, with exit code 0', async () => {
    const m = memoryIo();
    expect(await runCli(['--help'], m.io)).toBe(EXIT.ok);
    for (const name of Object.keys(verbs)) expect(m.out.join('\n')).toContain(`  ${name}`);
  });

  it.each(Object.keys(verbs))('has --help for %s', async (name) => {
    const m = memoryIo();
    expect(await runCli([name, '--help'], m.io)).toBe(EXIT.ok);
    expect(m.out.join('\n')).toMatch(new RegExp(`^Usage: likeness ${name}`));
  });

  it('exits 2 on an unknown command or flag, with the usage', async () => {
    const unknown = memoryIo();
    expect(await runCli(['mint-everything'], unknown.io)).toBe(EXIT.usage);
    expect(unknown.err.join('\n')).toContain('Unknown command "mint-everything"');
    const flag = memoryIo();
    expect(await runCli(['doctor', '--frobnicate'], flag.io)).toBe(EXIT.usage);
    expect(flag.err.join('\n')).toContain('Usage: likeness doctor');
    const port = memoryIo();
    expect(await runCli(['serve', '--port', '99999'], port.io)).toBe(EXIT.usage);
    expect(port.err.join('\n')).toContain('--port takes a number from 0 to 65535');
  });

  it('doctor --json reports each tool with a status and exits 0 when everything required is here', async () => {
    const m = memoryIo();
    const code = await runCli(['doctor', '--json'], m.io);
    const report = JSON.parse(m.out.join('\n')) as { ok: boolean; checks: { id: string; status: string; fix: string | null }[] };
    expect(report.checks.map((c) => c.id)).toEqual(['node', 'sqlite', 'secp256k1', 'ffmpeg', 'ffprobe', 'onnxruntime', 'gpu', 'espeak-ng', 'vad', 'face-tracker', 'anvil', 'electron']);
    expect(code).toBe(report.ok ? EXIT.ok : EXIT.doctor);
    for (const check of report.checks) if (check.status !== 'ok') expect(check.fix).toBeTruthy();
    expect(report.checks.find((c) => c.id === 'onnxruntime')?.status).toBe('ok');
    expect(report.checks.find((c) => c.id === 'secp256k1')?.status).toBe('ok');
  });

  it('serve answers over HTTP, stops on SIGTERM with exit 0 and releases the home', async () => {
    const home = tempDir();
    const served = await serve(['--home', home]);
    expect(served.stdout()).toContain(`Data home: ${home}`);
    const response = await fetch(`${served.origin}/api/call/app.info`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(((await response.json()) as { value: { home: string } }).value.home).toBe(home);
    expect(await served.stop()).toBe(0);
    const again = await serve(['--home', home]);
    expect(await again.stop('SIGINT')).toBe(0);
  });

  it('a second serve on the same home exits 3 and names the PID that holds it', async () => {
    const home = tempDir();
    const first = await serve(['--home', home]);
    const second = await runCliProcess(['serve', '--home', home]);
    expect(second.code).toBe(EXIT.home);
    expect(second.stderr).toContain(`already open by PID ${first.child.pid}`);
  });

  it('serve on a port already taken exits 5 and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await runCliProcess(['serve', '--home', tempDir(), '--port', String(port)]);
    blocker.close();
    expect(result.code).toBe(EXIT.unavailable);
    expect(result.stderr).toContain(`Port ${port} is already in use`);
  });

  it.skipIf(!canMount)('serve on a read-only home exits 3 with the fix', async () => {
    const dir = tmpfs(512, { readOnly: true })!;
    const result = await runCliProcess(['serve', '--home', dir]);
    expect(result.code).toBe(EXIT.home);
    expect(result.stderr).toMatch(/cannot be created or written.*--home or LIKENESS_HOME/);
  });
});
