// `likeness serve`: the studio for a browser on 127.0.0.1; CLI process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from '../bridge/dispatch.js';
import { createHandlers } from '../bridge/handlers.js';
import { startLoopbackServer } from '../bridge/loopback-server.js';
import { APP_NAME, APP_VERSION } from '../bridge/version.js';
import { LikenessError } from '../contract/errors.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { UsageError, type Verb, untilStopSignal } from './verb.js';

const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not ${JSON.stringify(value)}.`);
  return Number(value);
}

export const serve: Verb = {
  summary: 'Run the studio for a browser on 127.0.0.1 (the UI without Electron)',
  help: `Usage: likeness serve [--port N] [--home DIR]

Starts the studio on 127.0.0.1 only and prints the URL to open. The URL carries a token
made fresh for this run; requests without it, or from other web pages, are refused.

Options:
  --port N     port to listen on (default: a free one)
  --home DIR   data home (default: $LIKENESS_HOME, else the desktop app's folder)
  -h, --help   show this help

Stops cleanly on Ctrl+C or SIGTERM.`,
  options: { port: { type: 'string' }, home: { type: 'string' } },
  async run(values, io) {
    const port = parsePort(values.port as string | undefined);
    const home = resolveHome(values.home as string | undefined);
    // Installed before anything is printed: a signal that races the first lines must still shut down cleanly.
    const stopRequested = untilStopSignal();
    const studio = openStudio(home);
    const dispatcher = createDispatcher(createHandlers(studio, 'loopback'), (m) => io.err(m));
    let server;
    try {
      server = await startLoopbackServer({ dispatcher, events: studio.events, port, staticDir: RENDERER_DIR });
    } catch (error) {
      await studio.close();
      if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
        throw new LikenessError('unavailable', `Port ${port} is already in use; pick another with --port or leave it out.`);
      }
      throw error;
    }
    if (!existsSync(RENDERER_DIR)) io.err('The UI is not built yet: run `npm run build` (the API works without it).');
    io.out(`${APP_NAME} ${APP_VERSION}`);
    io.out(`Data home: ${home}`);
    io.out(`Open: ${server.url}`);
    io.out('Press Ctrl+C to stop.');
    await stopRequested;
    await server.close();
    await studio.close();
    io.out('Stopped.');
    return EXIT.ok;
  },
};

