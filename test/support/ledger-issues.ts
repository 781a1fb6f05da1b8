// What a LedgerFileError names, for tests of the ledger's file parsers; test process.
import { LedgerFileError } from '../../main/core/ledger/licences.js';

/** The issues the LedgerFileError `run` throws names, as `path: message`; fails when it throws nothing or something else. */
export function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerFileError) return (error.issues ?? []).map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a LedgerFileError');
}
