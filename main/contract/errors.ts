// Error codes and the error envelope shared by every transport; imported by main, preload and renderer.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'bad-request',
  'unknown-call',
  'invalid-input',
  'unauthorized',
  'forbidden',
  'not-found',
  'payload-too-large',
  'conflict',
  'home-locked',
  'home-read-only',
  'disk-full',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Thrown by the studio and by clients; carries a stable code that scripts and the UI can branch on. */
export class LikenessError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorBody['issues'];

  constructor(code: ErrorCode, message: string, issues?: ErrorBody['issues']) {
    super(message);
    this.name = 'LikenessError';
    this.code = code;
    this.issues = issues;
  }

  toBody(): ErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export function isLikenessError(value: unknown): value is LikenessError {
  return value instanceof LikenessError;
}

/** Every call answers with an envelope, so error codes survive transports (Electron IPC drops custom error fields). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Turns zod issues into the flat, readable form the UI and CLI print. */
export function describeIssues(error: z.ZodError): NonNullable<ErrorBody['issues']> {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(input)',
    message: issue.message,
  }));
}
