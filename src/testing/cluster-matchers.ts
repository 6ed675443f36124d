/**
 * Matchers for clusters that fence (cluster `.scenario` runs: corosync
 * membership, votequorum, fencing, services, the data-safety checker), judged
 * over the run's event list exactly as the scenario's own `expect` lines are
 * (src/lab/cluster/expect.ts), so a matcher and an `expect` line agree.
 *
 *     const run = runClusterScenario(parseClusterScenario(text, file), configText);
 *     expect(run).toHaveFenced('node1', { after: 20 });
 *     expect(run).toRunServiceOn('vm1', 'node2', { at: 60 });
 *     expect(run).toBeQuorate('node2', { at: 40 });
 *     expect(run).toHaveNoCorruption();
 *
 * A failure says what was expected, what the events show, the events around
 * that instant, the seed and the command that reruns the scenario.
 */
import { judge } from '../lab/cluster/expect.js';
import type { ClusterRun } from '../lab/cluster/run-scenario.js';
import type { ClusterExpectation } from '../scenario/cluster/index.js';
import { reproduceWith } from '../scenario/reproduce.js';
import type { ClusterOutEvent } from '../sim/cluster/types.js';
import { isClusterRun, matcherError, type MatcherContext, type MatcherResult } from './subjects.js';

const AROUND_S = 5;
const MAX_ROWS = 16;

type Body = ClusterExpectation extends infer X ? (X extends unknown ? Omit<X, 'loc' | 'text'> : never) : never;

function runOf(subject: unknown, matcher: string): ClusterRun {
  if (isClusterRun(subject)) return subject;
  throw matcherError(matcher, 'a cluster run (runClusterScenario)', subject);
}

/** One event as a line: its time, kind and what it says. */
function eventLine(e: ClusterOutEvent): string {
  const t = e.t.toFixed(6).replace(/\.?0+$/, '').padStart(10);
  switch (e.kind) {
    case 'membership': return `${t}  ${e.node}: members ${e.members.join(' ')}`;
    case 'quorum': return `${t}  ${e.node}: ${e.quorate ? 'quorate' : 'inquorate'} (votes ${e.total_votes}/${e.expected_votes}, quorum ${e.quorum})`;
    case 'fence': return `${t}  fence ${e.target} by ${e.by} via ${e.device}: ${e.result}${e.reason ? ` (${e.reason})` : ''}`;
    case 'service': return `${t}  ${e.service} ${e.state}${e.node ? ` on ${e.node}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
    case 'disk': return `${t}  ${e.writer} ${e.op ?? 'write'} ${e.resource}${e.reason ? ` (${e.reason})` : ''}`;
    case 'corruption': return `${t}  CORRUPTION: ${e.what}`;
  }
}

/** The events around `t` (routine disk writes left out): the cluster's timeline excerpt. */
export function clusterExcerpt(events: readonly ClusterOutEvent[], t: number): string[] {
  const near = events.filter((e) => Math.abs(e.t - t) <= AROUND_S && !(e.kind === 'disk' && (e.op === undefined || e.op === 'write')));
  if (near.length === 0) return ['(nothing happened)'];
  const lines = near.slice(0, MAX_ROWS).map(eventLine);
  if (near.length > MAX_ROWS) lines.push(`… ${near.length - MAX_ROWS} more`);
  return lines;
}

function focusOf(x: Body, run: ClusterRun): number {
  if ('at' in x) return x.at;
  if (x.kind === 'fenced') return x.after ?? 0;
  const first = run.events.find((e) => (x.kind === 'never-fenced' ? e.kind === 'fence' && e.target === x.node : e.kind === 'corruption'));
  return first?.t ?? run.untilS;
}

function judged(ctx: MatcherContext, subject: unknown, matcher: string, body: Body, text: string): MatcherResult {
  const run = runOf(subject, matcher);
  const x = { ...body, text, loc: { file: run.file, line: 0, column: 0 } } as ClusterExpectation;
  const why = judge(x, run.events);
  const t = focusOf(body, run);
  const tail = [
    `events around ${t} s:`,
    ...clusterExcerpt(run.events, t).map((l) => `  ${l}`),
    `seed ${run.seed}`,
    reproduceCluster(ctx, run),
  ].join('\n');
  return {
    pass: why === undefined,
    message: () => (why === undefined ? `expected not: ${text}\nbut it holds\n${tail}` : `expected: ${text}\nbut:      ${why}\n${tail}`),
  };
}

const reproduceCluster = (ctx: MatcherContext, run: ClusterRun): string =>
  reproduceWith(run.seed, ctx.testPath ? { testFile: ctx.testPath } : { scenarioFile: run.file, command: 'cluster scenario', seedOption: false });

const atEnd = (run: ClusterRun, at: number | undefined): number => at ?? run.untilS;

export interface ClusterAtOption {
  /** Seconds from the start of the run (default: its end). */
  readonly at?: number;
}

export interface FencedOptions {
  /** Only fences after / before these times (seconds). */
  readonly after?: number;
  readonly before?: number;
  /** At least this many successful fences of the node (default 1). */
  readonly atLeast?: number;
}

export const clusterMatchers = {
  /** The node's view has quorum (its last quorum event at or before the time). */
  toBeQuorate(this: MatcherContext, received: unknown, node: string, options: ClusterAtOption = {}): MatcherResult {
    const at = atEnd(runOf(received, 'toBeQuorate'), options.at);
    return judged(this, received, 'toBeQuorate', { kind: 'quorate', at, node, quorate: true }, `${at} quorate ${node}`);
  },
  /** The node was fenced successfully (at least `atLeast` times in the window). */
  toHaveFenced(this: MatcherContext, received: unknown, node: string, options: FencedOptions = {}): MatcherResult {
    const window = `${options.after === undefined ? '' : ` after ${options.after}`}${options.before === undefined ? '' : ` before ${options.before}`}`;
    const atLeast = options.atLeast ?? 1;
    return judged(this, received, 'toHaveFenced', {
      kind: 'fenced', node, atLeast, ...(options.after === undefined ? {} : { after: options.after }), ...(options.before === undefined ? {} : { before: options.before }),
    }, `fenced ${node}${window}${atLeast === 1 ? '' : ` at-least ${atLeast}`}`);
  },
  /** The service runs on exactly this node (undefined: nowhere) at the time. */
  toRunServiceOn(this: MatcherContext, received: unknown, service: string, node: string | undefined, options: ClusterAtOption = {}): MatcherResult {
    const at = atEnd(runOf(received, 'toRunServiceOn'), options.at);
    return judged(this, received, 'toRunServiceOn', { kind: 'service', at, service, ...(node === undefined ? {} : { node }) }, `${at} service ${service} ${node === undefined ? 'stopped' : `on ${node}`}`);
  },
  /** The data-safety checker found no corruption (a service active twice on shared data, a DRBD split brain written on both sides…). */
  toHaveNoCorruption(this: MatcherContext, received: unknown): MatcherResult {
    return judged(this, received, 'toHaveNoCorruption', { kind: 'never-corruption' }, 'never corruption');
  },
};

/** One failed `expect` line of a cluster scenario, as the matchers word it. */
export function clusterFailureText(run: ClusterRun, f: ClusterRun['failures'][number]): string {
  const t = focusOf(f.expectation as Body, run);
  return [
    `${f.expectation.loc.file}:${f.expectation.loc.line}: expected: ${f.expectation.text}`,
    `but:      ${f.message}`,
    `events around ${t} s:`,
    ...clusterExcerpt(run.events, t).map((l) => `  ${l}`),
  ].join('\n');
}

/** Every `expect` line of the cluster scenario held (toPassScenario on a cluster run). */
export function clusterPassScenario(this: MatcherContext, received: unknown): MatcherResult {
  const run = runOf(received, 'toPassScenario');
  const tail = `seed ${run.seed}\n${reproduceCluster(this, run)}`;
  return {
    pass: run.failures.length === 0,
    message: () => (run.failures.length === 0
      ? `expected the cluster scenario to fail, but every expectation held\n${tail}`
      : `${run.failures.map((f) => clusterFailureText(run, f)).join('\n\n')}\n${tail}`),
  };
}
