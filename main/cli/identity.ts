// `likeness identity create|import|export|show`: the creator's Ethereum identity from the command line; CLI process.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LikenessError } from '../contract/errors.js';
import type { IdentityStatus } from '../contract/models.js';
import { resolveHome } from '../core/store/home.js';
import { writeFileAtomic } from '../core/store/atomic.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { Cancelled, readPassphrase } from './passphrase.js';
import { type Io, UsageError, type Verb } from './verb.js';

const ACTIONS = ['create', 'import', 'export', 'show'] as const;

function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} ${path}.`);
  }
}

function describeStatus(status: IdentityStatus): string[] {
  if (!status.exists) return ['No identity yet: create one with `likeness identity create`, or import one with `likeness identity import`.'];
  return [
    `Identity: ${status.address}`,
    `Recovery words backed up: ${status.backedUp ? 'yes' : 'no (the app asks three of them back in Settings → Identity; until then keep a keystore export safe)'}`,
  ];
}

function printWords(io: Io, words: string[]): void {
  const width = Math.max(...words.map((w) => w.length));
  io.out('');
  io.out('Your recovery words, shown only this once. Write them down on paper, in this order, and keep them');
  io.out('somewhere safe and offline: anyone who has them controls your identity, and without them (or an');
  io.out('exported keystore and its passphrase) a lost passphrase cannot be recovered.');
  io.out('');
  for (let row = 0; row < words.length; row += 4) {
    io.out(`  ${words.slice(row, row + 4).map((w, i) => `${String(row + i + 1).padStart(2)}. ${w.padEnd(width)}`).join('   ')}`.trimEnd());
  }
  io.out('');
}

export const identity: Verb = {
  summary: 'Create, import, export or show your Ethereum identity (the key that signs your twin)',
  help: `Usage: likeness identity create [--passphrase-file FILE] [--home DIR]
       likeness identity import (--mnemonic-file FILE | --keystore FILE) [--replace] [--passphrase-file FILE] [--home DIR]
       likeness identity export --out FILE [--home DIR]
       likeness identity show [--json] [--home DIR]

create   makes a new key and prints its address and its recovery words, once: write them down.
         The key is kept encrypted with your passphrase (at least 8 characters) in the data home.
import   restores an identity from its recovery words (a text file; the passphrase is a new one
         for this studio) or from a Web3 Secret Storage keystore file (its own passphrase)
export   writes the encrypted keystore to FILE: a backup that opens only with your passphrase
show     the address, and whether the recovery words were backed up

The passphrase is read from --passphrase-file, else the LIKENESS_PASSPHRASE variable, else asked
for on the terminal without echo. It is never printed, and never taken as an argument.

Options:
  --passphrase-file FILE  the passphrase (a trailing newline is ignored)
  --mnemonic-file FILE    recovery words to import (12 to 24 words)
  --keystore FILE         keystore to import
  --replace               import over the identity this studio has (it is lost unless backed up)
  -o, --out FILE          where export writes the keystore (an existing file is not overwritten)
  --json                  machine-readable output
  --home DIR              data home
  -h, --help              show this help

Exit code: 0 done, 1 failed (wrong passphrase, an identity exists already, no identity yet),
2 bad usage (a weak passphrase, words or a keystore that are not valid), 130 cancelled at a prompt.`,
  options: {
    'passphrase-file': { type: 'string' },
    'mnemonic-file': { type: 'string' },
    keystore: { type: 'string' },
    replace: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  positionals: ['action'],
  async run(values, io, positionals) {
    const [action, ...extra] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    if (extra.length > 0) throw new UsageError(`${action} takes no further arguments.`);
    const mnemonicFile = values['mnemonic-file'] as string | undefined;
    const keystoreFile = values.keystore as string | undefined;
    if (action === 'import' && (mnemonicFile === undefined) === (keystoreFile === undefined)) throw new UsageError('import takes one of --mnemonic-file FILE or --keystore FILE.');
    const out = values.out as string | undefined;
    if (action === 'export' && out === undefined) throw new UsageError('export needs --out FILE.');
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      switch (action) {
        case 'create': {
          const created = await studio.identity.create(await readPassphrase(values, 'Choose a passphrase (at least 8 characters)', true));
          io.out(`Created your identity: ${created.address}`);
          printWords(io, created.words);
          return EXIT.ok;
        }
        case 'import': {
          const replace = Boolean(values.replace);
          const status =
            mnemonicFile !== undefined
              ? await studio.identity.importMnemonic(readInput(mnemonicFile, 'recovery words file'), await readPassphrase(values, 'Choose a passphrase for this studio (at least 8 characters)', true), { replace })
              : await studio.identity.importKeystore(readInput(keystoreFile!, 'keystore'), await readPassphrase(values, "The keystore's passphrase", false), { replace });
          io.out(`Imported your identity: ${status.address}`);
          return EXIT.ok;
        }
        case 'export': {
          const target = resolve(out!);
          if (existsSync(target)) throw new LikenessError('conflict', `${target} exists already: choose another file (an older backup there would be lost).`);
          const json = studio.identity.exportKeystore();
          writeFileAtomic(target, json);
          io.out(`Wrote the encrypted keystore of ${studio.identity.status().address} to ${target}. It opens only with your passphrase.`);
          return EXIT.ok;
        }
        default: {
          const status = studio.identity.status();
          if (values.json) io.out(JSON.stringify(status));
          else for (const line of describeStatus(status)) io.out(line);
          return EXIT.ok;
        }
      }
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      io.err('Cancelled: nothing was changed.');
      return EXIT.interrupted;
    } finally {
      await studio.close();
    }
  },
};
