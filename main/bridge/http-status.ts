// HTTP status for each contract error code, used by the loopback transport; main process.
import type { ErrorCode } from '../contract/errors.js';

export const statusOf: Record<ErrorCode, number> = {
  'bad-request': 400,
  'invalid-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'unknown-call': 404,
  conflict: 409,
  'payload-too-large': 413,
  'home-locked': 423,
  'home-read-only': 507,
  'disk-full': 507,
  unavailable: 503,
  internal: 500,
};
