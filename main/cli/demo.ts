// `likeness demo`: runs the headless end-to-end demo of a source checkout (`npm run demo`) in a child process; CLI process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit-codes.js';
import type { Verb } from './verb.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const demo: Verb = {
  summary: 'Run the whole main job headless: capture, train, seal, mint, license, render and verify',
  help: `Usage: likeness demo

Builds the test creator from the repository's fixtures (voice takes, face video, consent take),
trains short voice and face models, packs and signs the twin, mints it on the embedded anvil
chain, grants a licence to a second identity, renders a video with an English and a Spanish
segment as that licensee, verifies it, and prints where everything is (under demo-output/).
No network is needed. Needs a source checkout (the fixtures) and Festival for the test voice.`,
  options: {},
  async run(_values, io) {
    const script = join(REPO, 'scripts', 'demo.ts');
    if (!existsSync(script)) {
      io.err('The demo needs a source checkout of Likeness Studio (its test fixtures build the demo creator).');
      return EXIT.failure;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: 'inherit' });
    return new Promise((done) => child.on('close', (code) => done(code ?? EXIT.failure)));
  },
};
