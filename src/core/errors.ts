// Errors carry their exit code (design §4): 1 data/verification error, 2 usage error.
export class DataError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof DataError || err instanceof UsageError) return err.exitCode;
  return 1;
}
