// Exit codes of the `likeness` CLI, stable so scripts can branch on them; CLI process.
import type { ErrorCode } from '../contract/errors.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  home: 3,
  doctor: 4,
  unavailable: 5,
  /** A job was paused (Ctrl+C) or interrupted: it can be resumed. */
  interrupted: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'home-locked':
    case 'home-read-only':
    case 'disk-full':
      return EXIT.home;
    case 'unavailable':
      return EXIT.unavailable;
    case 'invalid-input':
    case 'bad-request':
      return EXIT.usage;
    default:
      return EXIT.failure;
  }
}
