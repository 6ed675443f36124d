/**
 * Errors thrown at the project's boundaries. Every class carries a stable `code`
 * so callers and tests can match on it rather than on message text.
 *
 * Peer and wire problems are never thrown: they are `dropped` outputs and
 * diagnostics. Bugs are `InvariantError`s (see assert.ts).
 */
export abstract class VrrpLabError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A configuration the caller gave us cannot be used. */
export class ConfigError extends VrrpLabError {
  constructor(
    readonly code: string,
    message: string,
    readonly location?: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(location ? `${location.file}:${location.line}:${location.column}: ${message}` : message, options);
  }
}

/** A scenario (file, flags or builder) is malformed. */
export class ScenarioError extends VrrpLabError {
  constructor(
    readonly code: string,
    message: string,
    readonly location?: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(location ? `${location.file}:${location.line}:${location.column}: ${message}` : message, options);
  }
}

/** Command-line misuse: exit status 2, message printed without a stack. */
export class UsageError extends VrrpLabError {
  readonly code = 'usage';
}

/** A bug: an invariant the code relies on does not hold. */
export class InvariantError extends VrrpLabError {
  readonly code = 'invariant';
}

export function isVrrpLabError(e: unknown): e is VrrpLabError {
  return e instanceof VrrpLabError;
}
