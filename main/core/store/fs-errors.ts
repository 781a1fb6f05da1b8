// Maps file-system failures (read-only home, full disk) to studio errors with messages a creator can act on; main process.
import { LikenessError } from '../../contract/errors.js';

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function translateFsError(error: unknown, what: string, where: string): Error {
  switch (errnoOf(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new LikenessError('disk-full', `The disk holding ${where} is full, so ${what} was not saved. Free some space and try again; nothing already saved was changed.`);
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new LikenessError('home-read-only', `${where} cannot be written (${errnoOf(error)}), so ${what} was not saved. Choose a writable data home with --home or LIKENESS_HOME.`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
