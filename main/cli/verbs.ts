// The CLI verbs, their flags and help texts; CLI process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDispatcher } from '../bridge/dispatch.js';
import { createHandlers } from '../bridge/handlers.js';
import { startLoopbackServer } from '../bridge/loopback-server.js';
import { APP_NAME, APP_VERSION } from '../bridge/version.js';
import { LikenessError } from '../contract/errors.js';
import { runDoctor } from '../core/doctor/checks.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface Verb {
  summary: string;
  help: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  run(values: Record<string, string | boolean | undefined>, io: Io): Promise<number>;
}

export class UsageError extends Error {}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = () => {
      if (received) process.exit(130);
      received = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not ${JSON.stringify(value)}.`);
  return Number(value);
}

const serve: Verb = {
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

const doctor: Verb = {
  summary: 'Check that every tool the studio needs is installed, and say how to fix what is not',
  help: `Usage: likeness doctor [--json]

Checks Node, the database, ffmpeg and ffprobe, ONNX Runtime and its execution providers,
the GPU, eSpeak NG, the embedded chain (anvil) and the Electron shell.

Options:
  --json       print the report as JSON
  -h, --help   show this help

Exit code: 0 when everything required is present, 4 when something required is missing.`,
  options: { json: { type: 'boolean' } },
  async run(values, io) {
    const report = await runDoctor();
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      const mark = { ok: 'ok     ', warning: 'warning', missing: 'MISSING' } as const;
      for (const check of report.checks) {
        io.out(`${mark[check.status]}  ${check.label}: ${check.detail}`);
        if (check.fix && check.status !== 'ok') io.out(`         fix: ${check.fix}`);
      }
      io.out(report.ok ? 'Everything required is present.' : 'Something required is missing (see above).');
    }
    return report.ok ? EXIT.ok : EXIT.doctor;
  },
};

export const verbs: Record<string, Verb> = { serve, doctor };

export function mainHelp(): string {
  const width = Math.max(...Object.keys(verbs).map((v) => v.length));
  return `Usage: likeness <command> [options]

${APP_NAME} ${APP_VERSION}: record, train, seal, license and render your own voice and face twin.

Commands:
${Object.entries(verbs)
  .map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`)
  .join('\n')}

Run \`likeness <command> --help\` for a command's options.

Exit codes: 0 ok, 1 failure, 2 bad usage, 3 data home unavailable (locked, read-only or full),
4 doctor found something required missing, 5 a port or service is unavailable.`;
}
