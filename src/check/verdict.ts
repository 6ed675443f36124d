/**
 * Checkers and their verdicts. A checker watches an observation stream and
 * never takes part (TigerBeetle's VOPR state checker): it sees only
 * Observations and a directory of what was configured, so it judges a trace
 * from any backend — the simulator, containers with keepalived or with our
 * engine — and the swarm, a scenario run and an expectation read the same
 * verdict.
 *
 * Rules
 * -----
 * - Violations are data, never exceptions: the caller decides whether a
 *   violation fails a test, a run or nothing, and prints the seed.
 * - Feed observations in trace order, then call `finish(end)` once.
 * - They need the `transitioned`, `priority-changed`, `address-added`,
 *   `address-removed` and `event` kinds: a trace recording fewer cannot be
 *   judged (a kill it never saw leaves a dead master in the model).
 * - Every violation says which class of rule it broke: `safety` (something
 *   that must never happen did: two masters on a whole network, a VIP on a
 *   node that is not master), `liveness` (something that must happen did not
 *   in time: the best priority is not master after the bound, a failover that
 *   took too long), `corruption` (data could be lost or diverge: a service on
 *   two nodes at once, a write by a fenced node — the cluster model's checkers).
 */
import type { Observation } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import type { Instant } from '../core/time.js';

export type ViolationClass = 'safety' | 'liveness' | 'corruption';

export interface Violation {
  readonly checker: string;
  readonly class: ViolationClass;
  /** When the broken state began (or was found). */
  readonly at: Instant;
  /** What it is about: a virtual router, a VIP, a service. */
  readonly subject: string;
  readonly nodes: readonly NodeId[];
  readonly message: string;
}

export interface Checker {
  readonly name: string;
  observe(observation: Observation): void;
  /** End of the run: judge what is still open. Returns every violation found. */
  finish(end: Instant): readonly Violation[];
}

/** One checker's judgement of one run. */
export interface Verdict {
  readonly checker: string;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
}

/** Judge a finished trace: one verdict per checker, in the checkers' order. */
export function checkTrace(observations: readonly Observation[], checkers: readonly Checker[], end: Instant): Verdict[] {
  for (const o of observations) for (const c of checkers) c.observe(o);
  return checkers.map((c) => {
    const violations = [...c.finish(end)];
    return { checker: c.name, ok: violations.length === 0, violations };
  });
}

/** Every violation of a set of verdicts, in verdict order. */
export const violationsOf = (verdicts: readonly Verdict[]): Violation[] => verdicts.flatMap((v) => [...v.violations]);
