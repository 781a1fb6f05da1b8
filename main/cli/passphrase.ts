// The identity's passphrase for CLI verbs: from a file, LIKENESS_PASSPHRASE or a no-echo prompt, never an argument; CLI process.
import { readFileSync } from 'node:fs';
import { LikenessError } from '../contract/errors.js';
import { UsageError } from './verb.js';

/** Ctrl+C at a passphrase prompt: nothing was done, so it ends like a paused job, not like a failure. */
export class Cancelled extends Error {}

/** Reads a line from the terminal without echoing it; the terminal is put back as it was whatever happens. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolvePrompt, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePrompt(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Cancelled());
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The passphrase from a file, LIKENESS_PASSPHRASE or a prompt on a terminal; never from an argument, which other
 * users of the machine can read in the process list.
 */
export async function readPassphrase(values: Record<string, string | boolean | undefined>, prompt: string, confirm: boolean): Promise<string> {
  const file = values['passphrase-file'] as string | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`Cannot read the passphrase file ${file}.`);
    }
    // Editors end files with a newline the creator never meant as part of the passphrase.
    const passphrase = text.replace(/\r?\n$/, '');
    if (passphrase === '') throw new UsageError(`The passphrase file ${file} is empty.`);
    return passphrase;
  }
  const fromEnv = process.env.LIKENESS_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('Give the passphrase with --passphrase-file FILE or the LIKENESS_PASSPHRASE variable (never as an argument).');
  const passphrase = await promptHidden(`${prompt}: `);
  if (confirm && (await promptHidden('Repeat it: ')) !== passphrase) throw new LikenessError('invalid-input', 'The two passphrases differ; nothing was changed.');
  return passphrase;
}
