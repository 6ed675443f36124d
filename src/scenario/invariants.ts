/**
 * The checker library (src/check) reading a scenario's timeline: the router
 * directory from what the scenario prepared, the observation stream back out
 * of the timeline, and the standard verdicts of a run.
 *
 * Theory of operation: a timeline keeps every observation a checker needs —
 * transitions, priority changes, address changes and the events the run
 * applied, each with its place (`seq`) in the one merged sequence — so the
 * stream is rebuilt from it in that order. Whatever backend produced the
 * timeline, the checkers see the same kind of stream; expectations that are
 * invariants (never-two-masters, failover, vips-follow-master) are judged by
 * the same checkers as the run's verdicts.
 *
 * Rules:
 * - One virtual router = one VRID on one interface name (every interface name
 *   is one shared segment in a scenario): "VRID 51 on eth0".
 * - A lane the scenario did not describe (a hand-built timeline) is its own
 *   router, named by its instance.
 */
import { convergenceBoundUs, RouterDirectory, standardCheckers, checkTrace, type RouterMember, type Verdict } from '../check/index.js';
import type { Observation } from '../core/backend.js';
import type { DurationUs } from '../core/time.js';
import { masterDownIntervalUs } from '../core/rfc3768.js';
import type { Timeline, TimelineInstance } from './timeline.js';
import type { PreparedScenario } from './topology.js';

/** Two masters or a VIP out of step for up to this long is a takeover in flight (0.1 s). */
export const DEFAULT_OVERLAP_US = 100_000;

/** The virtual routers of a prepared scenario. */
export const routerDirectoryOfScenario = (prepared: PreparedScenario): RouterDirectory => new RouterDirectory(routerMembers(prepared.instances));

/** The virtual routers of a timeline's instances, and of lanes it has no instance for. */
export function routerDirectoryOf(tl: Timeline): RouterDirectory {
  const members = routerMembers(tl.instances);
  const known = new Set(members.map((m) => `${m.node}\u0000${m.instance}`));
  for (const lane of tl.lanes) {
    if (!known.has(`${lane.node}\u0000${lane.instance}`)) members.push({ node: lane.node, instance: lane.instance, router: lane.instance, preempt: true, virtualAddresses: [] });
  }
  return new RouterDirectory(members);
}

function routerMembers(instances: readonly TimelineInstance[]): RouterMember[] {
  return instances.map((i) => ({
    node: i.node,
    instance: i.instance,
    router: `VRID ${i.vrid} on ${i.interface}`,
    vrid: i.vrid,
    ...(i.address === undefined ? {} : { address: i.address }),
    preempt: i.preempt ?? true,
    ...(i.syncGroup === undefined ? {} : { syncGroup: i.syncGroup }),
    virtualAddresses: i.virtualAddresses.map((v) => v.split('/')[0] as string),
  }));
}

/** The observations a timeline was built from, in the order they happened (what checkers read). */
export function timelineObservations(tl: Timeline): Observation[] {
  const out: { seq: number; o: Observation }[] = [];
  for (const e of tl.events) out.push({ seq: e.seq, o: { kind: 'event', at: e.at, node: 'node' in e.event ? e.event.node : '*', event: e.event } });
  for (const t of tl.transitions) out.push({ seq: t.seq, o: { kind: 'transitioned', at: t.at, node: t.node, instance: t.instance, from: t.from, to: t.to, priority: t.priority, reason: t.reason } });
  for (const p of tl.priorities) out.push({ seq: p.seq, o: { kind: 'priority-changed', at: p.at, node: p.node, instance: p.instance, from: p.from, to: p.to, reason: p.reason } });
  for (const v of tl.vips) {
    out.push({ seq: v.seq, o: { kind: v.action === 'add' ? 'address-added' : 'address-removed', at: v.at, node: v.node, instance: v.instance, interface: v.interface, address: v.address, prefixLength: v.prefixLength } });
  }
  return out.sort((a, b) => a.seq - b.seq).map((x) => x.o);
}

/**
 * How long a whole network may take to elect the best master: the slowest
 * Master_Down_Interval any instance can have (at priority 1, the lowest a
 * tracker leaves), plus two delivery delays.
 */
export function convergenceBoundOf(prepared: PreparedScenario, maxLatencyUs: DurationUs): DurationUs {
  const slowest = Math.max(0, ...prepared.nodes.flatMap((n) => n.vrrp.instances.map((i) => masterDownIntervalUs(1, i.advertIntUs, i.downTimerAdverts, i.version))));
  return convergenceBoundUs(slowest, maxLatencyUs);
}

export interface JudgeOptions {
  /** See CheckContext.overlapUs (default 0.1 s). */
  readonly overlapUs?: DurationUs;
  readonly convergenceUs: DurationUs;
}

/** The standard verdicts of a run. */
export function judgeTimeline(tl: Timeline, options: JudgeOptions): Verdict[] {
  const checkers = standardCheckers({ routers: routerDirectoryOf(tl), overlapUs: options.overlapUs ?? DEFAULT_OVERLAP_US, convergenceUs: options.convergenceUs });
  return checkTrace(timelineObservations(tl), checkers, tl.until);
}
