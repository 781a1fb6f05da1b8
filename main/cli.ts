// `likeness`: every pipeline step headless, over the same core as the app; CLI process.
import { parseArgs } from 'node:util';
import { LikenessError } from './contract/errors.js';
import { EXIT, exitCodeFor } from './cli/exit-codes.js';
import { type Io, UsageError, mainHelp, verbs } from './cli/verbs.js';
import { APP_VERSION } from './bridge/version.js';

const consoleIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function runCli(argv: string[], io: Io = consoleIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && verbs[topic]) io.out(verbs[topic].help);
    else io.out(mainHelp());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(APP_VERSION);
    return EXIT.ok;
  }
  const verb = verbs[name];
  if (!verb) {
    io.err(`Unknown command ${JSON.stringify(name)}.\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...verb.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: (verb.positionals ?? []).length > 0,
      strict: true,
    });
    if (values.help) {
      io.out(verb.help);
      return EXIT.ok;
    }
    return await verb.run(values as Record<string, string | boolean | undefined>, io, positionals);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${error.message}\n\n${verb.help}`);
      return EXIT.usage;
    }
    if (error instanceof LikenessError) {
      io.err(`Error: ${error.message}`);
      return exitCodeFor(error.code);
    }
    io.err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failure;
  }
}
