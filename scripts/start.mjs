// `npm start`: builds, then launches the Electron app where its binary is present, otherwise explains why and serves the UI to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, why: 'the electron package is not installed (it is an optional dependency and was left out).' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { path: null, why: "Electron's binary is not installed and could not be downloaded from GitHub (npm installs the electron package with its download denied in allowScripts, so installs work offline)." };
  }
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary, why: null } : { path: null, why: `the Electron binary listed in ${pathFile} is missing.` };
}

/** The electron package is installed with its download script denied (offline installs must pass), so fetch the binary here. */
function tryDownload() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return false;
  }
  console.log('Fetching the Electron binary (one time)…');
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, encoding: 'utf8' });
  if (result.status === 0) return true;
  const reason = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
  console.log(`  download failed: ${reason.trim()}`);
  return false;
}

function run(command, args) {
  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const { buildAll } = await import('./build.mjs');
await buildAll({ quiet: true });
let electron = electronBinary();
if (!electron.path && !process.env.LIKENESS_NO_DOWNLOAD && tryDownload()) electron = electronBinary();
if (electron.path) {
  run(electron.path, ['.', ...process.argv.slice(2)]);
} else {
  console.log(`
The desktop window cannot open: ${electron.why}

To get the desktop app, on a machine with internet access run:
    node node_modules/electron/install.js
then \`npm start\` again (or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 40.8.5).

Starting the same studio for your browser instead (likeness serve). Open the URL below.
`);
  run(process.execPath, [join(dirname(new URL(import.meta.url).pathname), '..', 'bin', 'likeness.mjs'), 'serve', ...process.argv.slice(2)]);
}
