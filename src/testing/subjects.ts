/**
 * What every matcher shares: the runner's context (only the parts vitest and
 * Jest both give), the result shape `expect.extend` wants, and the error for a
 * subject a matcher cannot read.
 */
import type { ClusterRun } from '../lab/cluster/run-scenario.js';

export interface MatcherContext {
  /** Set under `.not`; the runner inverts `pass` itself, the message reads it. */
  readonly isNot?: boolean;
  /** The test file, for the reproducing command. */
  readonly testPath?: string;
}

export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

export const isClusterRun = (subject: unknown): subject is ClusterRun =>
  typeof subject === 'object' && subject !== null && Array.isArray((subject as ClusterRun).events) && Array.isArray((subject as ClusterRun).failures);

/** A TypeError naming the matcher, what it reads and what it was given. */
export function matcherError(matcher: string, wants: string, got: unknown): TypeError {
  const what = got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got === 'object' ? `an object with keys ${Object.keys(got as object).slice(0, 6).join(', ') || '(none)'}` : `${typeof got} ${String(got)}`;
  return new TypeError(`${matcher}: expected ${wants}, got ${what}`);
}
