/**
 * The VRRP invariants, judged from observations and the router directory.
 *
 * - `atMostOneMaster` (safety): no virtual router has two MASTERs for longer
 *   than `overlapUs` — at every instant, or only while the network is whole and
 *   from `settleUs` after it last became whole. A short overlap is how VRRP
 *   works: a node that preempts is MASTER one delivery delay before the old
 *   master hears it and steps down.
 * - `convergence` (liveness): `boundUs` after the last change (an injected
 *   event, a priority change, an instance entering or leaving service), on a
 *   whole network, the only MASTER is an in-service instance with the highest
 *   effective priority. On a tie either may be master: two masters settle it
 *   by the higher primary address (RFC 3768 §6.4.3), but a BACKUP never
 *   preempts an equal priority (§6.4.2), so a restarted higher address stays
 *   BACKUP. Routers with a nopreempt, preempt_delay or sync-group member are
 *   skipped: they legitimately keep a lower master.
 * - `vipsFollowMaster` (safety): each VIP is held by exactly the master — a
 *   MASTER holds its virtual_ipaddress set, an instance in any other state
 *   holds none — except for `toleranceUs` around a transition.
 * - `failoverWithin` (liveness): after `after`, within `withinUs`, the selected
 *   instances have exactly one MASTER and it is `to` (or, without `to`, one
 *   that was not master at `after`).
 */
import type { NodeId } from '../core/ids.js';
import { formatSeconds, type DurationUs, type Instant } from '../core/time.js';
import { inService, ObservedCluster, Stretches, type InstanceView } from './observed.js';
import { Periods, type Period } from './periods.js';
import type { RouterDirectory, RouterMember } from './routers.js';
import type { Checker, Violation } from './verdict.js';

const names = (nodes: readonly NodeId[]): string => (nodes.length === 0 ? 'nobody' : nodes.join(' and '));
const span = (p: Period): string => `from ${formatSeconds(p.since)} s to ${formatSeconds(p.until)} s`;

/**
 * A checker over the shared model: `settled(from, to)` sees each stretch of
 * constant state; the last stretch ends at the run's end.
 */
function stretchChecker(name: string, cluster: ObservedCluster, settled: (from: Instant, to: Instant, last: boolean) => void, done: () => Violation[]): Checker {
  let end = 0 as Instant;
  const stretches = new Stretches(
    (o) => cluster.apply(o),
    (from, to) => settled(from, to ?? (Math.max(from, end) as Instant), to === undefined),
  );
  return {
    name,
    observe: (o) => stretches.observe(o),
    finish(at) {
      end = at;
      stretches.finish();
      return done();
    },
  };
}

type Bad = Map<string, { readonly subject: string; readonly nodes: readonly NodeId[] }>;

/**
 * A checker of bad periods over the shared model: `judge` says, for the stretch
 * that starts at `from`, where judging starts (undefined: not judged) and what
 * is bad; each period longer than `toleranceUs` becomes a violation.
 */
function periodChecker(name: string, directory: RouterDirectory, toleranceUs: DurationUs, violation: (p: Period) => Violation, judge: (cluster: ObservedCluster, from: Instant) => { start?: Instant; bad: Bad }): Checker {
  const cluster = new ObservedCluster(directory);
  const found: Violation[] = [];
  const periods = new Periods(toleranceUs, (p) => found.push(violation(p)));
  const settled = (from: Instant, to: Instant): void => {
    const { start, bad } = judge(cluster, from);
    if (start === undefined || start > to) periods.stretch(from, to, new Map());
    else periods.stretch(start, to, bad);
  };
  return stretchChecker(name, cluster, settled, () => {
    periods.closeAll();
    return found;
  });
}

// ---------------------------------------------------------------- at most one master

export interface AtMostOneMasterOptions {
  readonly directory: RouterDirectory;
  /** `while-whole`: judged only on a whole network, from `settleUs` after it became whole; `always`: at every instant. */
  readonly judge: 'while-whole' | 'always';
  /** After the network becomes whole again, the time the routers get to sort themselves out (one Master_Down_Interval). */
  readonly settleUs: DurationUs;
  /** Two masters for up to this long is a handover in flight (one delivery delay). */
  readonly overlapUs: DurationUs;
}

export function atMostOneMaster(options: AtMostOneMasterOptions): Checker {
  const whole = options.judge === 'while-whole' ? ' on a whole network' : '';
  const violation = (p: Period): Violation => ({
    checker: 'at-most-one-master', class: 'safety', at: p.since, subject: p.subject, nodes: p.nodes, message: `${names(p.nodes)} were both MASTER for ${p.subject} ${span(p)}${whole}`,
  });
  return periodChecker('at-most-one-master', options.directory, options.overlapUs, violation, (cluster, from) => {
    const bad: Bad = new Map();
    for (const [router, views] of cluster.byRouter()) {
      const masters = views.filter((v) => v.state === 'MASTER').map((v) => v.member.node);
      if (masters.length >= 2) bad.set(router, { subject: router, nodes: masters });
    }
    if (options.judge === 'always') return { start: from, bad };
    return cluster.whole ? { start: Math.max(from, cluster.wholeSince + options.settleUs) as Instant, bad } : { bad };
  });
}

// ---------------------------------------------------------------- convergence

export interface ConvergenceOptions {
  readonly directory: RouterDirectory;
  /** How long after the last change the right master must be in place (see convergenceBoundUs). */
  readonly boundUs: DurationUs;
}

export function convergence(options: ConvergenceOptions): Checker {
  const cluster = new ObservedCluster(options.directory);
  const found: Violation[] = [];
  let checkAt: Instant | undefined = options.boundUs as Instant;
  let end = 0 as Instant;

  const judge = (at: Instant): void => {
    checkAt = undefined;
    if (!cluster.whole) return;
    for (const [router, views] of cluster.byRouter()) {
      const violation = judgeRouter(router, views, at);
      if (violation !== undefined) found.push(violation);
    }
  };
  return {
    name: 'convergence',
    observe(o) {
      if (checkAt !== undefined && o.at > checkAt) judge(checkAt);
      if (cluster.apply(o)) checkAt = (o.at + options.boundUs) as Instant;
    },
    finish(at) {
      end = at;
      if (checkAt !== undefined && end >= checkAt) judge(checkAt);
      return found;
    },
  };
}

function judgeRouter(router: string, views: readonly InstanceView[], at: Instant): Violation | undefined {
  if (views.some((v) => !v.member.preempt || v.member.syncGroup !== undefined)) return undefined;
  const eligible = views.filter((v) => inService(v.state));
  const masters = views.filter((v) => v.state === 'MASTER');
  const top = Math.max(...eligible.map((v) => v.priority));
  const best = eligible.filter((v) => v.priority === top);
  const nodes = (list: readonly InstanceView[]): NodeId[] => [...new Set(list.map((v) => v.member.node))];
  const violation = (list: readonly InstanceView[], message: string): Violation => ({ checker: 'convergence', class: 'liveness', at, subject: router, nodes: nodes(list), message });
  if (best.length === 0) {
    return masters.length === 0 ? undefined : violation(masters, `no instance of ${router} is in service, yet ${names(nodes(masters))} is MASTER`);
  }
  if (masters.length === 1 && best.includes(masters[0] as InstanceView)) return undefined;
  const expected = best.map((v) => `${v.member.node} (priority ${v.priority}${v.member.address ? `, ${v.member.address}` : ''})`).join(' or ');
  const actual = masters.length === 0 ? 'nobody is' : `${names(nodes(masters))} ${masters.length === 1 ? 'is' : 'are'}`;
  return violation([...best, ...masters], `${router} should have converged on ${expected}, but ${actual} MASTER`);
}

// ---------------------------------------------------------------- VIPs follow the master

export interface VipsFollowMasterOptions {
  readonly directory: RouterDirectory;
  /** A VIP may lag its instance's transition by this long (the kernel, a real clock). */
  readonly toleranceUs: DurationUs;
}

export function vipsFollowMaster(options: VipsFollowMasterOptions): Checker {
  const violation = (p: Period): Violation => {
    const [node, instance, what] = p.subject.split('\u0000') as [string, string, string];
    const router = options.directory.member(node, instance)?.router ?? instance;
    return { checker: 'vips-follow-master', class: 'safety', at: p.since, subject: router, nodes: p.nodes, message: `${node} ${what} ${span(p)} (${router})` };
  };
  return periodChecker('vips-follow-master', options.directory, options.toleranceUs, violation, (cluster, from) => {
    const bad: Bad = new Map();
    for (const view of cluster.instances.values()) {
      const { node, instance } = view.member;
      const flag = (what: string): void => {
        const subject = `${node}\u0000${instance}\u0000${what}`;
        bad.set(subject, { subject, nodes: [node] });
      };
      if (view.state === 'MASTER') {
        for (const vip of view.member.virtualAddresses) if (!view.holds.has(vip)) flag(`is MASTER of ${instance} without ${vip}`);
      } else {
        for (const vip of view.holds) flag(`holds ${vip} while ${instance} is ${view.state}`);
      }
    }
    return { start: from, bad };
  });
}

// ---------------------------------------------------------------- failover within a bound

export interface FailoverWithinOptions {
  readonly directory: RouterDirectory;
  /** The instances that fail over together, and their name in messages. */
  readonly members: (m: RouterMember) => boolean;
  readonly label: string;
  readonly after: Instant;
  readonly withinUs: DurationUs;
  readonly to?: NodeId;
}

export interface FailoverOutcome {
  /** When the new master was in place, if it was within the bound. */
  readonly at?: Instant;
  readonly before: readonly NodeId[];
  /** The masters at the deadline (or at the end, when the run ends first). */
  readonly atDeadline: readonly NodeId[];
}

/** A checker plus the outcome it measured, for callers that report the instant. */
export function failoverWithin(options: FailoverWithinOptions): Checker & { outcome(): FailoverOutcome } {
  const cluster = new ObservedCluster(options.directory);
  const deadline = (options.after + options.withinUs) as Instant;
  const found: Violation[] = [];
  let before: NodeId[] | undefined;
  let atDeadline: NodeId[] = [];
  let at: Instant | undefined;
  const masters = (): NodeId[] => [...cluster.instances.values()].filter((v) => options.members(v.member) && v.state === 'MASTER').map((v) => v.member.node).sort();
  const settled = (from: Instant, to: Instant, last: boolean): void => {
    const t = Math.max(from, options.after) as Instant;
    if (t > deadline || (t >= to && !last)) return;
    const m = masters();
    before ??= m;
    atDeadline = m;
    if (at === undefined && m.length === 1 && (options.to !== undefined ? m[0] === options.to : !before.includes(m[0] as NodeId))) at = t;
  };
  const checker = stretchChecker('failover', cluster, settled, () => {
    if (at === undefined) {
      const message = `the master of ${options.label} was ${names(before ?? [])} at ${formatSeconds(options.after)} s and is ${names(atDeadline)} at ${formatSeconds(deadline)} s`;
      found.push({ checker: 'failover', class: 'liveness', at: deadline, subject: options.label, nodes: atDeadline, message });
    }
    return found;
  });
  return { ...checker, outcome: () => ({ ...(at === undefined ? {} : { at }), before: before ?? [], atDeadline }) };
}
