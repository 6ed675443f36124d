/**
 * Expectations: what a scenario says must be true of its timeline, as data, so a
 * `.scenario` file, a vitest test and the CLI all check them the same way.
 *
 * Theory of operation: a Predicate is a fact about one instant (who is master,
 * who holds a VIP, a lane's state or priority). An Expectation places it in time
 * — at an instant, always over an interval, eventually within an interval — or
 * is a whole-run invariant (never two masters, a failover bound, VIPs on the
 * master), which is the verdict of one checker of the checker library
 * (src/check) run over the timeline's observations. Because a timeline only changes
 * at its change points, "always" and "eventually" are decided exactly by
 * evaluating the predicate at the interval's start and at every change point
 * inside it; nothing is sampled.
 *
 * Rules:
 * - Intervals include both ends.
 * - A failure message says what was expected, what the timeline shows instead
 *   and at which instant, and lists the timeline around that instant.
 */
import type { LvsClientOutcome } from '../core/backend.js';
import type { SourceLocation } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { formatSeconds, type Instant } from '../core/time.js';
import {
  changePoints,
  holdersAt,
  lanesOf,
  mastersAt,
  priorityAt,
  stateAt,
  type InstanceSelector,
  type LaneState,
  type Timeline,
} from './timeline.js';
import { renderExcerpt } from './timeline-text.js';
import { atMostOneMaster, checkTrace, failoverWithin as failoverChecker, vipsFollowMaster, violationsOf, type Checker, type Violation } from '../check/index.js';
import { DEFAULT_OVERLAP_US, routerDirectoryOf, timelineObservations } from './invariants.js';
import { describeLvsPredicate, evaluateLvs, type Comparison, type LvsPredicate } from './lvs/expectations.js';
import type { ConnMeasure } from './lvs/timeline.js';

export type Predicate =
  /** The nodes whose instance is MASTER, exactly (empty = nobody). */
  | { readonly kind: 'master'; readonly instance: InstanceSelector; readonly nodes: readonly NodeId[] }
  /** The nodes that have the VIP configured, exactly (empty = nobody). */
  | { readonly kind: 'holder'; readonly vip: string; readonly nodes: readonly NodeId[] }
  | { readonly kind: 'state'; readonly node: NodeId; readonly instance: string; readonly state: LaneState }
  | { readonly kind: 'priority'; readonly node: NodeId; readonly instance: string; readonly priority: number }
  /** Load balancing: connection counters, check states, client outcomes (lvs/expectations.ts). */
  | LvsPredicate;

export interface NeverTwoMastersOptions {
  /** Ignore overlaps while a partition, one-way cut, pause or loss is active (plus `settleUs` after it ends). */
  readonly exceptDuringPartition?: boolean;
  /** Overlaps at most this long are a takeover in flight, not split brain (default 0.1 s). */
  readonly graceUs?: number;
  /** After a heal or resume, the time the routers get to sort themselves out (default 4 s: one Master_Down_Interval). */
  readonly settleUs?: number;
}

type ExpectationBody =
  | { readonly kind: 'at'; readonly at: Instant; readonly predicate: Predicate }
  /** The predicate holds when the run ends (a scenario file's `expect FACT` without a time). */
  | { readonly kind: 'at-end'; readonly predicate: Predicate }
  | { readonly kind: 'always'; readonly from: Instant; readonly to: Instant; readonly predicate: Predicate }
  | { readonly kind: 'eventually'; readonly from: Instant; readonly to: Instant; readonly predicate: Predicate }
  /** After `after`, within `within`, the instance has one master and it is `to` (or, without `to`, not the one it had at `after`). */
  | { readonly kind: 'failover'; readonly instance: InstanceSelector; readonly after: Instant; readonly withinUs: number; readonly to?: NodeId }
  | ({ readonly kind: 'never-two-masters' } & NeverTwoMastersOptions)
  /** Each VIP is held by exactly the master of its instance; a VIP may lag a transition by `graceUs` (default 0.1 s). */
  | { readonly kind: 'vips-follow-master'; readonly graceUs?: number };

export type Expectation = ExpectationBody & { readonly location?: SourceLocation };

export interface ExpectationResult {
  readonly expectation: Expectation;
  readonly ok: boolean;
  /** The expectation in words. */
  readonly description: string;
  /** Why it failed, with the timeline around the instant that matters. */
  readonly message?: string;
  /** The instant the verdict rests on (the failure, or the failover time). */
  readonly at?: Instant;
}

const DEFAULT_GRACE_US = DEFAULT_OVERLAP_US;
const DEFAULT_SETTLE_US = 4_000_000;
const AROUND_US = 4_000_000;

// ---------------------------------------------------------------- predicates

const list = (nodes: readonly NodeId[]): string => (nodes.length === 0 ? 'nobody' : nodes.join(' and '));
const instanceName = (s: InstanceSelector): string => (typeof s === 'number' ? `VRID ${s}` : s);

export function describePredicate(p: Predicate): string {
  switch (p.kind) {
    case 'master': return `the master of ${instanceName(p.instance)} is ${list(p.nodes)}`;
    case 'holder': return `${p.vip} is held by ${list(p.nodes)}`;
    case 'state': return `${p.node} ${p.instance} is ${p.state}`;
    case 'priority': return `${p.node} ${p.instance} has effective priority ${p.priority}`;
    default: return describeLvsPredicate(p);
  }
}

/** What the timeline shows at t for the predicate's subject, in words, and whether it matches. */
export function evaluate(tl: Timeline, p: Predicate, t: Instant): { readonly ok: boolean; readonly actual: string } {
  switch (p.kind) {
    case 'master': {
      const m = mastersAt(tl, p.instance, t);
      return { ok: sameSet(m, p.nodes), actual: `the master of ${instanceName(p.instance)} is ${list(m)}` };
    }
    case 'holder': {
      const h = holdersAt(tl, p.vip, t);
      return { ok: sameSet(h, p.nodes), actual: `${p.vip} is held by ${list(h)}` };
    }
    case 'state': {
      const s = stateAt(tl, p.node, p.instance, t);
      return { ok: s === p.state, actual: s === undefined ? `there is no lane ${p.node} ${p.instance}` : `${p.node} ${p.instance} is ${s}` };
    }
    case 'priority': {
      const v = priorityAt(tl, p.node, p.instance, t);
      return { ok: v === p.priority, actual: `${p.node} ${p.instance} has ${v === undefined ? 'no known priority' : `effective priority ${v}`}` };
    }
    default:
      return evaluateLvs(tl, p, t);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sb = new Set(b);
  return a.length === sb.size && a.every((x) => sb.has(x));
}

// ---------------------------------------------------------------- expectations

export function describeExpectation(e: Expectation): string {
  const s = (t: Instant): string => `${formatSeconds(t)} s`;
  switch (e.kind) {
    case 'at': return `at ${s(e.at)}, ${describePredicate(e.predicate)}`;
    case 'at-end': return `at the end, ${describePredicate(e.predicate)}`;
    case 'always': return `from ${s(e.from)} to ${s(e.to)}, always: ${describePredicate(e.predicate)}`;
    case 'eventually': return `between ${s(e.from)} and ${s(e.to)}, eventually: ${describePredicate(e.predicate)}`;
    case 'failover':
      return `${instanceName(e.instance)} fails over${e.to ? ` to ${e.to}` : ''} within ${formatSeconds(e.withinUs)} s after ${s(e.after)}`;
    case 'never-two-masters': return `never two masters for one VRID${e.exceptDuringPartition ? ' (except while the network is not whole)' : ''}`;
    case 'vips-follow-master': return 'each VIP is held by exactly the master of its instance';
  }
}

export function checkExpectation(tl: Timeline, e: Expectation): ExpectationResult {
  const description = describeExpectation(e);
  switch (e.kind) {
    case 'at': {
      const v = evaluate(tl, e.predicate, e.at);
      return v.ok ? pass(e, description, e.at) : failure(tl, e, description, e.at, `at ${formatSeconds(e.at)} s ${v.actual}`);
    }
    case 'at-end': {
      const v = evaluate(tl, e.predicate, tl.until);
      return v.ok ? pass(e, description, tl.until) : failure(tl, e, description, tl.until, `at the end (${formatSeconds(tl.until)} s) ${v.actual}`);
    }
    case 'always': return checkAlways(tl, e, description);
    case 'eventually': return checkEventually(tl, e, description);
    case 'failover': return checkFailover(tl, e, description);
    case 'never-two-masters': return checkNeverTwoMasters(tl, e, description);
    case 'vips-follow-master': return checkVipsFollowMaster(tl, e, description);
  }
}

/**
 * The same expectation, allowed `slackUs` of lateness: real clocks (containers,
 * process start-up, scheduling) run behind the simulator's exact microseconds.
 * A real run is late, never early: what the simulator has at t happens at some
 * t + δ, 0 ≤ δ ≤ slackUs. So a state expected at t must hold at some instant of
 * [t, t + slackUs] (whether it is the state just before a change or just
 * after); a failover may take `slackUs` longer; intervals start `slackUs`
 * later and "eventually" ends later.
 */
export function withSlack(e: Expectation, slackUs: number): Expectation {
  const later = (t: Instant): Instant => (t + slackUs) as Instant;
  switch (e.kind) {
    case 'at': {
      if (slackUs === 0) return e;
      const { at, ...rest } = e;
      return { ...rest, kind: 'eventually', from: at, to: later(at) };
    }
    case 'at-end': return e;
    case 'always': return { ...e, from: later(e.from), to: e.to < later(e.from) ? later(e.from) : e.to };
    case 'eventually': return { ...e, to: later(e.to) };
    case 'failover': return { ...e, withinUs: e.withinUs + slackUs };
    case 'never-two-masters': return { ...e, graceUs: (e.graceUs ?? DEFAULT_GRACE_US) + slackUs };
    case 'vips-follow-master': return { ...e, graceUs: (e.graceUs ?? DEFAULT_GRACE_US) + slackUs };
  }
}

export function checkAll(tl: Timeline, expectations: readonly Expectation[]): ExpectationResult[] {
  return expectations.map((e) => checkExpectation(tl, e));
}

/** The instants at which a predicate can change inside [from, to]: from itself and every change point in (from, to]. */
function instantsIn(tl: Timeline, from: Instant, to: Instant): Instant[] {
  return [from, ...changePoints(tl).filter((t) => t > from && t <= to)];
}

function checkAlways(tl: Timeline, e: Expectation & { kind: 'always' }, description: string): ExpectationResult {
  for (const t of instantsIn(tl, e.from, e.to)) {
    const v = evaluate(tl, e.predicate, t);
    if (!v.ok) return failure(tl, e, description, t, `at ${formatSeconds(t)} s ${v.actual}`);
  }
  return pass(e, description);
}

function checkEventually(tl: Timeline, e: Expectation & { kind: 'eventually' }, description: string): ExpectationResult {
  for (const t of instantsIn(tl, e.from, e.to)) if (evaluate(tl, e.predicate, t).ok) return pass(e, description, t);
  const v = evaluate(tl, e.predicate, e.to);
  return failure(tl, e, description, e.to, `it never happened; at ${formatSeconds(e.to)} s ${v.actual}`);
}

/** The checker verdicts an expectation reads: its checker run over the timeline's observations. */
function firstViolation(tl: Timeline, checker: Checker): Violation | undefined {
  return violationsOf(checkTrace(timelineObservations(tl), [checker], tl.until))[0];
}

function checkFailover(tl: Timeline, e: Expectation & { kind: 'failover' }, description: string): ExpectationResult {
  const selected = new Set(lanesOf(tl, e.instance).map((l) => `${l.node}\u0000${l.instance}`));
  const checker = failoverChecker({
    directory: routerDirectoryOf(tl),
    members: (m) => selected.has(`${m.node}\u0000${m.instance}`),
    label: instanceName(e.instance),
    after: e.after,
    withinUs: e.withinUs,
    ...(e.to === undefined ? {} : { to: e.to }),
  });
  const v = firstViolation(tl, checker);
  return v === undefined ? pass(e, description, checker.outcome().at) : failure(tl, e, description, v.at, failoverStory(tl, e));
}

/**
 * A failed failover in words: who was master just before the fault, then each
 * change of master from the fault on until a new master is in place (or the
 * end): "the master of VI_IN was r2 before 18 s; nobody from 18 s until
 * 21.359574 s (3.359574 s), then r1".
 */
function failoverStory(tl: Timeline, e: Expectation & { kind: 'failover' }): string {
  const label = instanceName(e.instance);
  const before = e.after > 0 ? mastersAt(tl, e.instance, (e.after - 1) as Instant) : [];
  const same = (a: readonly NodeId[], b: readonly NodeId[]): boolean => a.join() === b.join();
  const done = (m: readonly NodeId[]): boolean => m.length === 1 && (e.to !== undefined ? m[0] === e.to : !before.includes(m[0] as NodeId));
  const steps: string[] = [];
  let current = mastersAt(tl, e.instance, e.after);
  let since = e.after;
  for (const t of changePoints(tl)) {
    if (t <= e.after) continue;
    const m = mastersAt(tl, e.instance, t);
    if (same(m, current)) continue;
    steps.push(`${list(current)} from ${formatSeconds(since)} s until ${formatSeconds(t)} s (${formatSeconds(t - since)} s)`);
    current = m;
    since = t;
    if (done(m)) break;
    if (steps.length === 4) return `the master of ${label} was ${list(before)} before ${formatSeconds(e.after)} s; ${steps.join(', ')}, …`;
  }
  steps.push(done(current) && since > e.after ? `then ${list(current)}` : `${list(current)} from ${formatSeconds(since)} s to the end (${formatSeconds(tl.until)} s)`);
  return `the master of ${label} was ${list(before)} before ${formatSeconds(e.after)} s; ${steps.join(', ')}`;
}

function checkNeverTwoMasters(tl: Timeline, e: Expectation & { kind: 'never-two-masters' }, description: string): ExpectationResult {
  const checker = atMostOneMaster({
    directory: routerDirectoryOf(tl),
    judge: e.exceptDuringPartition ? 'while-whole' : 'always',
    settleUs: e.settleUs ?? DEFAULT_SETTLE_US,
    overlapUs: e.graceUs ?? DEFAULT_GRACE_US,
  });
  const v = firstViolation(tl, checker);
  return v === undefined ? pass(e, description) : failure(tl, e, description, v.at, v.message);
}

function checkVipsFollowMaster(tl: Timeline, e: Expectation & { kind: 'vips-follow-master' }, description: string): ExpectationResult {
  const v = firstViolation(tl, vipsFollowMaster({ directory: routerDirectoryOf(tl), toleranceUs: e.graceUs ?? DEFAULT_GRACE_US }));
  return v === undefined ? pass(e, description) : failure(tl, e, description, v.at, v.message);
}

function pass(e: Expectation, description: string, at?: Instant): ExpectationResult {
  return { expectation: e, ok: true, description, ...(at === undefined ? {} : { at }) };
}

function failure(tl: Timeline, e: Expectation, description: string, t: Instant, actual: string): ExpectationResult {
  const from = Math.max(0, t - AROUND_US) as Instant;
  const to = (t + AROUND_US) as Instant;
  const where = e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : '';
  const message = [
    `${where}expected: ${description}`,
    `but:      ${actual}`,
    `timeline around ${formatSeconds(t)} s (${formatSeconds(from)} s … ${formatSeconds(to)} s):`,
    ...renderExcerpt(tl, from, to).map((l) => `  ${l}`),
    `seed ${tl.seed}`,
  ].join('\n');
  return { expectation: e, ok: false, description, message, at: t };
}

// ---------------------------------------------------------------- builders

export const masterIs = (instance: InstanceSelector, ...nodes: NodeId[]): Predicate => ({ kind: 'master', instance, nodes });
export const holderIs = (vip: string, ...nodes: NodeId[]): Predicate => ({ kind: 'holder', vip, nodes });
export const stateIs = (node: NodeId, instance: string, state: LaneState): Predicate => ({ kind: 'state', node, instance, state });
export const priorityIs = (node: NodeId, instance: string, priority: number): Predicate => ({ kind: 'priority', node, instance, priority });
/** `conns SERVER [measure] OP N [on DIRECTOR]`, e.g. `connsAre('rs1', '>=', 10)`. */
export const connsAre = (server: string, op: Comparison, value: number, options: { measure?: ConnMeasure; director?: NodeId } = {}): Predicate => ({
  kind: 'conns', server, op, value, measure: options.measure ?? 'active', ...(options.director === undefined ? {} : { director: options.director }),
});
export const checkStateIs = (server: string, state: 'up' | 'down', director?: NodeId): Predicate => ({ kind: 'checkstate', server, up: state === 'up', ...(director === undefined ? {} : { director }) });
export const clientsWere = (outcome: LvsClientOutcome, op: Comparison, value: number): Predicate => ({ kind: 'clients', outcome, op, value });
export const atEnd = (predicate: Predicate): Expectation => ({ kind: 'at-end', predicate });

const us = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;
export const atTime = (seconds: number, predicate: Predicate): Expectation => ({ kind: 'at', at: us(seconds), predicate });
export const always = (fromS: number, toS: number, predicate: Predicate): Expectation => ({ kind: 'always', from: us(fromS), to: us(toS), predicate });
export const eventually = (fromS: number, toS: number, predicate: Predicate): Expectation => ({ kind: 'eventually', from: us(fromS), to: us(toS), predicate });
export const failoverWithin = (instance: InstanceSelector, afterS: number, withinS: number, to?: NodeId): Expectation => ({
  kind: 'failover', instance, after: us(afterS), withinUs: us(withinS), ...(to === undefined ? {} : { to }),
});
export const neverTwoMasters = (options: NeverTwoMastersOptions = {}): Expectation => ({ kind: 'never-two-masters', ...options });
export const vipsFollowMasterAlways = (graceUs?: number): Expectation => ({ kind: 'vips-follow-master', ...(graceUs === undefined ? {} : { graceUs }) });

/** Lanes that exist for an instance selector — for checks that need to say "no such instance". */
export const knownInstance = (tl: Timeline, s: InstanceSelector): boolean => lanesOf(tl, s).length > 0;
