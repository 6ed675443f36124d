/**
 * Scenario assertions for vitest: each throws an AssertionError whose message
 * says what was expected, what the timeline shows around that instant, and how
 * to rerun the same seed:
 *
 *     expected: at 10 s, the master of VI_1 is lb2
 *     but:      at 10 s the master of VI_1 is lb1
 *     timeline around 10 s (6 s … 14 s):
 *       …
 *     seed 7
 *     reproduce with: SEED=7 npx vitest run test/scenarios/classic.test.ts
 *
 * Not exported from the package index: importing it needs vitest.
 */
import { expect } from 'vitest';
import type { NodeId } from '../core/ids.js';
import type { Instant } from '../core/time.js';
import {
  always,
  atTime,
  checkExpectation,
  eventually,
  failoverWithin,
  holderIs,
  masterIs,
  neverTwoMasters,
  priorityIs,
  stateIs,
  type Expectation,
  type ExpectationResult,
  type NeverTwoMastersOptions,
  type Predicate,
} from './expectations.js';
import { reproduceWith as reproduceLine } from './reproduce.js';
import type { ScenarioRun } from './run.js';
import type { InstanceSelector, LaneState, Timeline } from './timeline.js';

export class ScenarioAssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** The command that reruns the current test file with this seed. */
export function reproduceWith(seed: number, file = expect.getState().testPath): string {
  return reproduceLine(seed, file === undefined ? {} : { testFile: file });
}

const timelineOf = (r: ScenarioRun | Timeline): Timeline => ('timeline' in r ? r.timeline : r);

function fail(results: readonly ExpectationResult[], seed: number): never {
  const body = results.map((r) => r.message ?? `expected: ${r.description}`).join('\n\n');
  throw new ScenarioAssertionError(`${body}\n${reproduceWith(seed)}`);
}

/** Check one expectation; returns the instant the verdict rests on (e.g. the failover time). */
export function expectThat(run: ScenarioRun | Timeline, expectation: Expectation): Instant | undefined {
  const tl = timelineOf(run);
  const r = checkExpectation(tl, expectation);
  if (!r.ok) fail([r], tl.seed);
  return r.at;
}

/** Every expectation the scenario itself lists must hold; all failures are reported together. */
export function expectScenarioPassed(run: ScenarioRun): void {
  const failed = run.results.filter((r) => !r.ok);
  if (failed.length > 0) fail(failed, run.seed);
}

export const expectMaster = (run: ScenarioRun | Timeline, instance: InstanceSelector, atS: number, ...nodes: NodeId[]): void => {
  expectThat(run, atTime(atS, masterIs(instance, ...nodes)));
};
export const expectHolder = (run: ScenarioRun | Timeline, vip: string, atS: number, ...nodes: NodeId[]): void => {
  expectThat(run, atTime(atS, holderIs(vip, ...nodes)));
};
export const expectState = (run: ScenarioRun | Timeline, node: NodeId, instance: string, atS: number, state: LaneState): void => {
  expectThat(run, atTime(atS, stateIs(node, instance, state)));
};
export const expectPriority = (run: ScenarioRun | Timeline, node: NodeId, instance: string, atS: number, priority: number): void => {
  expectThat(run, atTime(atS, priorityIs(node, instance, priority)));
};
/** Returns when the failover happened. */
export const expectFailoverWithin = (run: ScenarioRun | Timeline, instance: InstanceSelector, afterS: number, withinS: number, to?: NodeId): Instant =>
  expectThat(run, failoverWithin(instance, afterS, withinS, to)) as Instant;
export const expectNeverTwoMasters = (run: ScenarioRun | Timeline, options: NeverTwoMastersOptions = {}): void => {
  expectThat(run, neverTwoMasters(options));
};
export const expectAlways = (run: ScenarioRun | Timeline, fromS: number, toS: number, p: Predicate): void => {
  expectThat(run, always(fromS, toS, p));
};
/** Returns the first instant at which the predicate held. */
export const expectEventually = (run: ScenarioRun | Timeline, fromS: number, toS: number, p: Predicate): Instant =>
  expectThat(run, eventually(fromS, toS, p)) as Instant;
