// The CLI's verbs and the top-level help; CLI process.
import { APP_NAME, APP_VERSION } from '../bridge/version.js';
import { capture } from './capture.js';
import { chain, mint, publish } from './chain.js';
import { compose, verify } from './compose.js';
import { demo } from './demo.js';
import { doctor } from './doctor.js';
import { face } from './face.js';
import { identity } from './identity.js';
import { jobs } from './jobs.js';
import { license, receipts } from './ledger.js';
import { serve } from './serve.js';
import { train } from './train.js';
import { twin } from './twin.js';
import type { Verb } from './verb.js';
import { voice } from './voice.js';

export type { Io, Verb } from './verb.js';
export { UsageError } from './verb.js';

export const verbs: Record<string, Verb> = { serve, doctor, capture, train, voice, face, jobs, identity, twin, chain, mint, publish, license, receipts, compose, verify, demo };

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
4 doctor found something required missing, 5 a port or service is unavailable,
130 a job was paused and can be resumed.`;
}
