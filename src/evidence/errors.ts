// The error type every stage throws for a problem the user can act on (shown as one line).

/** An error a user can act on: shown as one line, never as a stack trace. */
export class EvidenceError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'EvidenceError';
  }
}
