// The one error type of the twin container's cryptography, with a reason callers can branch on; main process and workers.

export type TwinCryptoFailure = 'bad-header' | 'wrong-key' | 'tampered' | 'truncated' | 'trailing-data' | 'digest-mismatch';

export class TwinCryptoError extends Error {
  constructor(
    readonly reason: TwinCryptoFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TwinCryptoError';
  }
}
