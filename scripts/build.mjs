// Builds what the desktop app loads: the renderer (vite) and the Electron main and preload bundles (esbuild).
import { build as esbuild } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { build as viteBuild } from 'vite';

export async function buildAll({ quiet = false } = {}) {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: false, logLevel: quiet ? 'warning' : 'info' };
  // The main bundle is CommonJS for Electron; import.meta.url (used to find packaged files) is rebuilt from __filename.
  await esbuild({
    ...common,
    entryPoints: ['main/app/main.ts'],
    outfile: 'dist/main/main.cjs',
    packages: 'external',
    banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  // A sandboxed preload may only require('electron'): everything else is bundled in.
  await esbuild({ ...common, entryPoints: ['preload/preload.ts'], outfile: 'dist/preload/preload.cjs', external: ['electron'] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildAll({ quiet: process.argv.includes('--quiet') });
}
