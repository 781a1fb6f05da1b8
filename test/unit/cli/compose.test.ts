// `likeness compose` and `likeness verify` from the command line: projects from script files, the errors a user can make, and verifying a file that carries no provenance.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli.js';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { tempDir } from '../../support/tmp.js';

function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('likeness compose', () => {
  it('saves a script file as a project, lists it and exports it unchanged', async () => {
    const home = tempDir();
    const dir = tempDir();
    const script = { schema: 'likeness.script/v1', title: 'Rivers', segments: [{ language: 'en', text: 'Rivers run to the sea.', pauseSeconds: 0.5 }] };
    writeFileSync(join(dir, 'script.json'), JSON.stringify(script));
    const created = memoryIo();
    expect(await runCli(['compose', 'new', '--script', join(dir, 'script.json'), '--home', home, '--json'], created.io)).toBe(EXIT.ok);
    const project = JSON.parse(created.out.join('')) as { id: string };
    const list = memoryIo();
    expect(await runCli(['compose', 'list', '--home', home], list.io)).toBe(EXIT.ok);
    expect(list.out.join('\n')).toMatch(new RegExp(`${project.id}  Rivers  1 segment\\(s\\)  en`));
    expect(await runCli(['compose', 'export', project.id, '-o', join(dir, 'out.json'), '--home', home], memoryIo().io)).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toEqual(script);
  });

  it('names what is wrong in a script file, and what a render still needs', async () => {
    const home = tempDir();
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ title: 'x', segments: [{ language: 'en', text: 'ok' }, { language: 'en', text: 'y', pauseSeconds: 99 }] }));
    const bad = memoryIo();
    expect(await runCli(['compose', 'new', '--script', join(dir, 'bad.json'), '--home', home], bad.io)).toBe(EXIT.usage);
    expect(bad.err.join('\n')).toMatch(/segments\.2\.pauseSeconds/);
    writeFileSync(join(dir, 'broken.json'), '{"title":');
    const broken = memoryIo();
    expect(await runCli(['compose', 'new', '--script', join(dir, 'broken.json'), '--home', home], broken.io)).toBe(EXIT.usage);
    expect(broken.err.join('\n')).toMatch(/not JSON/);
    const noTwin = memoryIo();
    expect(await runCli(['compose', 'render', 'proj_000000000000', '--purpose', 'education', '--home', home], noTwin.io)).toBe(EXIT.usage);
    expect(noTwin.err.join('\n')).toMatch(/--twin ID/);
    const badFormat = memoryIo();
    expect(await runCli(['compose', 'check', 'proj_000000000000', '--twin', 'twin_000000000000', '--purpose', 'education', '--format', 'avi', '--home', home], badFormat.io)).toBe(EXIT.usage);
    expect(badFormat.err.join('\n')).toMatch(/--format/);
  });
});

describe('likeness verify', () => {
  it('says a plain video carries no provenance, and refuses a file that is not there', async () => {
    const home = tempDir();
    const dir = tempDir();
    const plain = join(dir, 'plain.mp4');
    execFileSync(ffmpegPath()!, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=128x128:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', plain]);
    const verdict = memoryIo();
    expect(await runCli(['verify', plain, '--home', home], verdict.io)).toBe(EXIT.failure);
    const text = verdict.out.join('\n');
    expect(text).toMatch(/^Verdict: PARTIAL/);
    expect(text).toMatch(/c2pa\s+no C2PA manifest/);
    expect(text).toMatch(/watermark\s+no watermark found/);
    const missing = memoryIo();
    expect(await runCli(['verify', join(dir, 'nothing.mp4'), '--home', home], missing.io)).toBe(EXIT.failure);
    expect(missing.err.join('\n')).toMatch(/No file .*nothing\.mp4/);
    writeFileSync(join(dir, 'junk.mp4'), 'this is not a video');
    const junk = memoryIo();
    expect(await runCli(['verify', join(dir, 'junk.mp4'), '--home', home], junk.io)).toBe(EXIT.failure);
    expect(junk.out.join('\n')).toMatch(/Verdict: FAILED/);
  });
});
