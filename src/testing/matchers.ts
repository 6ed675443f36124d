/**
 * `vrrp-lab/matchers`: assertion matchers for any runner with `expect.extend`
 * (vitest, Jest), over the same expectation checks a `.scenario` file's
 * `expect` lines and the CLI use — so a failure reads the same everywhere:
 * what was expected, what the timeline shows around that instant, the seed,
 * and the command that reruns it.
 *
 *     import { vrrpMatchers } from 'vrrp-lab/matchers';
 *     expect.extend(vrrpMatchers);
 *     const { run } = await simulate('failover.scenario');
 *     expect(run).toHaveMaster('VI_1', 'lb2', { at: 10 });
 *     expect(run).toFailOverWithin('VI_1', 4, { after: 6, to: 'lb2' });
 *
 * Theory of operation: a matcher turns its arguments into an Expectation (or,
 * for clusters that fence, a cluster expectation), judges it on the subject's
 * timeline (or event list) and returns `{ pass, message }`. The subject is a
 * simulate() result, a ScenarioRun, a Timeline, or anything with `timeline()`
 * — a live Docker cluster, whose timeline ends now, so `expect.poll` re-reads
 * it until it passes.
 *
 * Rules:
 * - Times in arguments are seconds, as in `.scenario` files; no time means
 *   the end of the run (for a live cluster: now).
 * - No runner is imported here: the matcher context is only `isNot` and
 *   `testPath`, which vitest and Jest both give.
 */
import { formatSeconds, secondsToUs, type Instant } from '../core/time.js';
import type { NodeId } from '../core/ids.js';
import {
  atTime,
  checkExpectation,
  describeExpectation,
  failoverWithin,
  holderIs,
  masterIs,
  neverTwoMasters,
  priorityIs,
  type Expectation,
  type ExpectationResult,
  type Predicate,
} from '../scenario/expectations.js';
import { reproduceWith } from '../scenario/reproduce.js';
import type { ScenarioRun } from '../scenario/run.js';
import { renderExcerpt } from '../scenario/timeline-text.js';
import type { InstanceSelector, Timeline } from '../scenario/timeline.js';
import { clusterMatchers, clusterPassScenario } from './cluster-matchers.js';
import { isClusterRun, matcherError, type MatcherContext, type MatcherResult } from './subjects.js';

export type { MatcherContext, MatcherResult } from './subjects.js';

/** What the VRRP matchers accept: a run, its timeline, or a live cluster. */
export type VrrpSubject = Timeline | ScenarioRun | { readonly run: ScenarioRun } | { timeline(): Timeline };

export interface AtOption {
  /** Seconds from the start of the run; default the end of the run (a live cluster: now). */
  readonly at?: number;
}

const AROUND_US = 4_000_000;

/** The timeline of a subject, or a TypeError saying what a matcher accepts. */
export function timelineOf(subject: unknown, matcher: string): Timeline {
  const s = subject as Record<string, unknown> | null;
  if (s !== null && typeof s === 'object') {
    if (typeof s['timeline'] === 'function') return (s['timeline'] as () => Timeline)();
    if ('run' in s && typeof s['run'] === 'object') return timelineOf(s['run'], matcher);
    if (typeof s['timeline'] === 'object' && s['timeline'] !== null) return s['timeline'] as Timeline;
    if (Array.isArray(s['lanes']) && typeof s['seed'] === 'number') return s as unknown as Timeline;
  }
  throw matcherError(matcher, 'a simulate() result, a ScenarioRun, a Timeline or a started cluster (anything with timeline())', subject);
}

function scenarioFileOf(subject: unknown): string | undefined {
  const s = subject as { run?: ScenarioRun; prepared?: ScenarioRun['prepared'] } | null;
  return (s?.prepared ?? s?.run?.prepared)?.scenario.file;
}

function reproduce(ctx: MatcherContext, seed: number, subject: unknown): string {
  const scenarioFile = scenarioFileOf(subject);
  return reproduceWith(seed, ctx.testPath ? { testFile: ctx.testPath } : scenarioFile ? { scenarioFile } : {});
}

/** The message when the expectation held but `.not` said it should not. */
function heldMessage(tl: Timeline, r: ExpectationResult): string {
  const t = r.at ?? tl.until;
  const from = Math.max(0, t - AROUND_US) as Instant;
  const to = Math.min(tl.until, t + AROUND_US) as Instant;
  return [
    `expected not: ${r.description}`,
    `but it holds${r.at === undefined ? '' : ` (at ${formatSeconds(r.at)} s)`}`,
    `timeline around ${formatSeconds(t)} s (${formatSeconds(from)} s … ${formatSeconds(to)} s):`,
    ...renderExcerpt(tl, from, to).map((l) => `  ${l}`),
    `seed ${tl.seed}`,
  ].join('\n');
}

/** Judge one expectation on the subject's timeline: the one path every VRRP matcher takes. */
export function judgeExpectation(ctx: MatcherContext, subject: unknown, matcher: string, expectation: Expectation): MatcherResult {
  const tl = timelineOf(subject, matcher);
  const r = checkExpectation(tl, expectation);
  const tail = reproduce(ctx, tl.seed, subject);
  return {
    pass: r.ok,
    message: () => `${r.ok ? heldMessage(tl, r) : (r.message ?? `expected: ${r.description}`)}\n${tail}`,
  };
}

const atOrEnd = (p: Predicate, options: AtOption | undefined): Expectation =>
  options?.at === undefined ? { kind: 'at-end', predicate: p } : atTime(options.at, p);

const nodesOf = (nodes: NodeId | readonly NodeId[]): NodeId[] => (typeof nodes === 'string' ? [nodes] : [...nodes]);

/** Trailing `{ at }` after a rest list of node names. */
function splitOptions(args: readonly (string | AtOption)[]): { nodes: NodeId[]; options: AtOption | undefined } {
  const last = args.at(-1);
  const options = typeof last === 'object' ? last : undefined;
  return { nodes: args.filter((a): a is string => typeof a === 'string'), options };
}

/** The time of the last fault applied to the run (what a failover is measured from when `after` is not given). */
function lastEventS(tl: Timeline): number {
  const last = tl.events.at(-1);
  return last === undefined ? 0 : last.at / 1_000_000;
}

export interface FailoverOptions {
  /** Seconds: the fault the failover answers (default: the last event applied). */
  readonly after?: number;
  /** The node that must become master (default: any other than the master at `after`). */
  readonly to?: NodeId;
}

export interface NeverTwoMastersMatcherOptions {
  /** Overlaps at most this long are a handover in flight (default 0.1 s). */
  readonly graceS?: number;
  /** Ignore overlaps while a partition, one-way cut, pause or loss is active, plus `settleS` after. */
  readonly exceptDuringPartition?: boolean;
  readonly settleS?: number;
}

export const vrrpMatchers = {
  /** The instance's master is exactly these nodes (a list for split brain, [] for none). */
  toHaveMaster(this: MatcherContext, received: unknown, instance: InstanceSelector, nodes: NodeId | readonly NodeId[], options?: AtOption): MatcherResult {
    return judgeExpectation(this, received, 'toHaveMaster', atOrEnd(masterIs(instance, ...nodesOf(nodes)), options));
  },
  /** The VIP is configured on exactly these nodes (none given: on no node); a trailing `{ at }` picks the time. */
  toHaveVipOn(this: MatcherContext, received: unknown, vip: string, ...rest: (NodeId | AtOption)[]): MatcherResult {
    const { nodes, options } = splitOptions(rest);
    return judgeExpectation(this, received, 'toHaveVipOn', atOrEnd(holderIs(vip, ...nodes), options));
  },
  /** The node's effective priority in the instance. */
  toHavePriority(this: MatcherContext, received: unknown, node: NodeId, instance: string, priority: number, options?: AtOption): MatcherResult {
    return judgeExpectation(this, received, 'toHavePriority', atOrEnd(priorityIs(node, instance, priority), options));
  },
  /** After `after` (default: the last fault applied), the instance has a new master within `seconds`. */
  toFailOverWithin(this: MatcherContext, received: unknown, instance: InstanceSelector, seconds: number, options: FailoverOptions = {}): MatcherResult {
    const after = options.after ?? lastEventS(timelineOf(received, 'toFailOverWithin'));
    return judgeExpectation(this, received, 'toFailOverWithin', failoverWithin(instance, after, seconds, options.to));
  },
  /** No VRID had two masters at once, beyond a handover in flight. */
  toNeverHaveTwoMasters(this: MatcherContext, received: unknown, options: NeverTwoMastersMatcherOptions = {}): MatcherResult {
    return judgeExpectation(this, received, 'toNeverHaveTwoMasters', neverTwoMasters({
      ...(options.graceS === undefined ? {} : { graceUs: secondsToUs(options.graceS) }),
      ...(options.settleS === undefined ? {} : { settleUs: secondsToUs(options.settleS) }),
      ...(options.exceptDuringPartition ? { exceptDuringPartition: true } : {}),
    }));
  },
  /** Every `expect` line of the scenario held (a VRRP run, or a cluster run that fences). */
  toPassScenario(this: MatcherContext, received: unknown): MatcherResult {
    if (isClusterRun(received)) return clusterPassScenario.call(this, received);
    const run = (received as { run?: ScenarioRun }).run ?? (received as ScenarioRun);
    if (!Array.isArray(run?.results)) throw matcherError('toPassScenario', 'a simulate() result, a ScenarioRun or a cluster run', received);
    const failed = run.results.filter((r) => !r.ok);
    const tail = reproduce(this, run.seed, received);
    return {
      pass: failed.length === 0,
      message: () => failed.length === 0
        ? `expected the scenario to fail, but all ${run.results.length} expectations held:\n${run.results.map((r) => `  ${describeExpectation(r.expectation)}`).join('\n')}\n${tail}`
        : `${failed.map((r) => r.message ?? `expected: ${r.description}`).join('\n\n')}\n${tail}`,
    };
  },
  ...clusterMatchers,
};

export type VrrpMatchers = typeof vrrpMatchers;
export { clusterMatchers };
