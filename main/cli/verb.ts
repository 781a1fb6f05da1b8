// What a CLI verb is, its I/O, usage errors and stop signals; CLI process.
import type { parseArgs } from 'node:util';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface Verb {
  summary: string;
  help: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  /** Names of the positional arguments, e.g. ['recipe']; none when absent. */
  positionals?: readonly string[];
  run(values: Record<string, string | boolean | undefined>, io: Io, positionals: readonly string[]): Promise<number>;
}

export class UsageError extends Error {}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
export function untilStopSignal(): Promise<void> {
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

