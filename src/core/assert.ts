import { InvariantError } from './errors.js';

/** Assert an invariant; a failure is a bug in this project, never bad input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(`invariant broken (this is a bug): ${message}`);
}

/** Exhaustiveness check: compiling this call proves every case was handled. */
export function unreachable(x: never, what = 'value'): never {
  throw new InvariantError(`unreachable ${what} (this is a bug): ${JSON.stringify(x)}`);
}
