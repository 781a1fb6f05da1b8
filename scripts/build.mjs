// Builds what the desktop app loads: the renderer (vite), the Electron main and training-worker bundles, and the preload (esbuild).
import { copyFileSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

export async function buildAll({ quiet = false } = {}) {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: false, logLevel: quiet ? 'warning' : 'info' };
  // Node bundles are CommonJS for Electron; import.meta.url (used to find packaged files) is rebuilt from __filename.
  const nodeBundle = (entry, outfile) =>
    esbuild({
      ...common,
      entryPoints: [entry],
      outfile,
      packages: 'external',
      banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
      define: { 'import.meta.url': '__importMetaUrl' },
    });
  await nodeBundle('main/app/main.ts', 'dist/main/main.cjs');
  await nodeBundle('main/core/train-worker.ts', 'dist/main/train-worker.cjs');
  await nodeBundle('main/core/voice/sentence-lane.ts', 'dist/main/voice-lane.cjs');
  // eSpeak NG (GPL-3.0) runs as its own program: its child script ships as is, beside the main bundle.
  mkdirSync('dist/main', { recursive: true });
  copyFileSync('main/core/speech/espeak-child.mjs', 'dist/main/espeak-child.mjs');
  // A sandboxed preload may only require('electron'): everything else is bundled in.
  await esbuild({ ...common, entryPoints: ['preload/preload.ts'], outfile: 'dist/preload/preload.cjs', external: ['electron'] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildAll({ quiet: process.argv.includes('--quiet') });
}
