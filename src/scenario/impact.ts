/**
 * What each fault did: the answer to "what happens if …" read off a finished
 * timeline. For every fault (an event other than `clients`), per instance and
 * per VIP: who was master (holder) just before, who after and when, how long
 * there was none (or two), how many state changes followed, and for load
 * balancing how many client connections failed because of it. For the whole
 * run, per VIP: availability (time with exactly one holder, none, two or more)
 * and the number of failovers.
 *
 * Theory of operation: the masters of an instance and the holders of a VIP are
 * step functions of time, taken once from the timeline's lanes and holds. A
 * fault's window runs from its instant to the next fault's (events at the same
 * instant form one fault), or to the end of the run; every number of a fault is
 * measured inside its window, so the windows add up to the run.
 *
 * Rules:
 * - Pure: reads the timeline, never a backend; the same timeline gives the same
 *   numbers, exact to the microsecond.
 * - "Before" is the instant before the fault; "after" is the end of the window,
 *   and "when" the last change inside it.
 * - A failed connection counts against the fault in whose window it began to
 *   fail: a refused one or one reset when reported; a connect that timed out at
 *   its SYN (CLIENT_GIVE_UP_US before the report); a connection broken by
 *   silence (data or FIN unanswered) CLIENT_GIVE_UP_US before the report.
 * - A failover is a change of a VIP's sole holder to another node; the first
 *   holder is not one, and a gap (no holder, or two) between the same node is not.
 */
import { CLIENT_GIVE_UP_US, type ClusterEvent } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import type { DurationUs, Instant } from '../core/time.js';
import type { Timeline } from './timeline.js';
import type { TimelineClientOutcome } from './lvs/timeline.js';

// ---------------------------------------------------------------- model

/** One piece of a step function: from `from` (inclusive) to the next piece, these nodes. */
export interface Step {
  readonly from: Instant;
  readonly nodes: readonly NodeId[];
}

export interface WindowStats {
  /** Masters (holders) the instant before the fault. */
  readonly before: readonly NodeId[];
  /** Masters (holders) at the end of the window. */
  readonly after: readonly NodeId[];
  /** The last change inside the window; undefined when nothing changed. */
  readonly settledAt: Instant | undefined;
  readonly noneUs: DurationUs;
  readonly twoOrMoreUs: DurationUs;
}

export interface InstanceImpact extends WindowStats {
  readonly instance: string;
  /** State changes of the instance's lanes inside the window. */
  readonly transitions: number;
  /** Effective-priority changes inside the window, per node: first value → last. */
  readonly priorities: readonly { readonly node: NodeId; readonly from: number; readonly to: number }[];
}

export interface VipImpact extends WindowStats {
  readonly address: string;
  readonly instance: string;
}

export interface ClientLoss {
  readonly broken: number;
  readonly refused: number;
  readonly timedOut: number;
  /** Real servers that had answered the failed connections, by count. */
  readonly servers: Readonly<Record<string, number>>;
}

export interface FaultImpact {
  readonly at: Instant;
  readonly events: readonly ClusterEvent[];
  /** Where the window ends: the next fault, or the end of the run. */
  readonly until: Instant;
  readonly instances: readonly InstanceImpact[];
  readonly vips: readonly VipImpact[];
  /** Load balancing only. */
  readonly clients?: ClientLoss;
}

export interface VipAvailability {
  readonly address: string;
  readonly instance: string;
  readonly totalUs: DurationUs;
  readonly oneUs: DurationUs;
  readonly noneUs: DurationUs;
  readonly twoOrMoreUs: DurationUs;
  readonly failovers: number;
}

export interface Impact {
  readonly faults: readonly FaultImpact[];
  readonly availability: readonly VipAvailability[];
}

// ---------------------------------------------------------------- step functions

/**
 * A step function from changes (at t, node joins or leaves the set), swept in
 * time order; changes at one instant are applied together, so a hand-over at one
 * instant shows no gap.
 */
function sweep(changes: readonly { at: number; node: NodeId; delta: 1 | -1 }[], until: Instant): Step[] {
  const sorted = [...changes].sort((a, b) => a.at - b.at);
  const count = new Map<NodeId, number>();
  const out: Step[] = [{ from: 0 as Instant, nodes: [] }];
  for (let i = 0; i < sorted.length; ) {
    const at = (sorted[i] as { at: number }).at;
    for (; i < sorted.length && (sorted[i] as { at: number }).at === at; i++) {
      const c = sorted[i] as { node: NodeId; delta: 1 | -1 };
      count.set(c.node, (count.get(c.node) ?? 0) + c.delta);
    }
    if (at >= until) break;
    const nodes = [...count].filter(([, n]) => n > 0).map(([node]) => node).sort();
    const last = out[out.length - 1] as Step;
    if (last.nodes.join() === nodes.join()) continue;
    if (last.from === at) out.pop();
    const prev = out[out.length - 1];
    if (prev === undefined || prev.nodes.join() !== nodes.join()) out.push({ from: at as Instant, nodes });
  }
  return out;
}

/** Masters of an instance over the run (from its lanes' MASTER segments). */
export function masterSteps(tl: Timeline, instance: string): Step[] {
  const changes = tl.lanes
    .filter((l) => l.instance === instance)
    .flatMap((l) => l.segments.filter((s) => s.state === 'MASTER').flatMap((s) => [{ at: s.from as number, node: l.node, delta: 1 as const }, { at: s.to as number, node: l.node, delta: -1 as const }]));
  return sweep(changes, tl.until);
}

/** Holders of a VIP (its address without prefix) over the run. */
export function holderSteps(tl: Timeline, address: string): Step[] {
  const changes = tl.holds
    .filter((h) => h.address === address)
    .flatMap((h) => [{ at: h.from as number, node: h.node, delta: 1 as const }, ...(h.to === undefined ? [] : [{ at: h.to as number, node: h.node, delta: -1 as const }])]);
  return sweep(changes, tl.until);
}

/** The nodes of a step function at t. */
function nodesAt(st: readonly Step[], t: number): readonly NodeId[] {
  let found: readonly NodeId[] = [];
  for (const s of st) {
    if (s.from > t) break;
    found = s.nodes;
  }
  return found;
}

/** What a step function did in [from, to). */
export function windowStats(st: readonly Step[], from: Instant, to: Instant): WindowStats {
  let noneUs = 0;
  let twoOrMoreUs = 0;
  let settledAt: Instant | undefined;
  st.forEach((s, i) => {
    const end = Math.min(to, (st[i + 1]?.from ?? Infinity) as number);
    const start = Math.max(from, s.from);
    if (end <= start) return;
    if (s.from > from) settledAt = s.from;
    if (s.nodes.length === 0) noneUs += end - start;
    else if (s.nodes.length > 1) twoOrMoreUs += end - start;
  });
  return { before: from > 0 ? nodesAt(st, from - 1) : [], after: nodesAt(st, to - 1), settledAt, noneUs, twoOrMoreUs };
}

// ---------------------------------------------------------------- faults

/** The instance of each VIP (address without prefix), in configuration order. */
function vipsOf(tl: Timeline): { address: string; instance: string }[] {
  const seen = new Map<string, string>();
  for (const i of tl.instances) for (const v of i.virtualAddresses) {
    const address = v.split('/')[0] as string;
    if (!seen.has(address)) seen.set(address, i.instance);
  }
  return [...seen].map(([address, instance]) => ({ address, instance }));
}

const instancesOf = (tl: Timeline): string[] => [...new Set([...tl.instances.map((i) => i.instance), ...tl.lanes.map((l) => l.instance)])];

/** Events that are faults (or their undoing): everything but a change of client load, grouped by instant. */
export function faultInstants(tl: Timeline): { at: Instant; events: ClusterEvent[] }[] {
  const out: { at: Instant; events: ClusterEvent[] }[] = [];
  for (const e of tl.events) {
    if (e.event.kind === 'clients' || e.at >= tl.until) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.at === e.at) last.events.push(e.event);
    else out.push({ at: e.at, events: [e.event] });
  }
  return out;
}

/** When a failed connection began to fail (see the rules above). */
export function failingSince(o: TimelineClientOutcome): Instant {
  const bySilence = o.outcome === 'timed-out' || (o.outcome === 'broken' && !o.reason.startsWith('reset'));
  return (bySilence ? Math.max(0, o.at - CLIENT_GIVE_UP_US) : o.at) as Instant;
}

function clientLoss(tl: Timeline, from: Instant, to: Instant): ClientLoss | undefined {
  if (tl.lvs === undefined) return undefined;
  const loss = { broken: 0, refused: 0, timedOut: 0, servers: {} as Record<string, number> };
  for (const o of tl.lvs.clientOutcomes) {
    if (o.outcome !== 'broken' && o.outcome !== 'refused' && o.outcome !== 'timed-out') continue;
    const since = failingSince(o);
    if (since < from || since >= to) continue;
    if (o.outcome === 'broken') loss.broken++;
    else if (o.outcome === 'refused') loss.refused++;
    else loss.timedOut++;
    if (o.server !== undefined) loss.servers[o.server] = (loss.servers[o.server] ?? 0) + 1;
  }
  return loss;
}

function prioritiesIn(tl: Timeline, instance: string, from: Instant, to: Instant): { node: NodeId; from: number; to: number }[] {
  const byNode = new Map<NodeId, { node: NodeId; from: number; to: number }>();
  for (const p of tl.priorities) {
    if (p.instance !== instance || p.at < from || p.at >= to) continue;
    const seen = byNode.get(p.node);
    byNode.set(p.node, { node: p.node, from: seen?.from ?? p.from, to: p.to });
  }
  return [...byNode.values()].filter((p) => p.from !== p.to);
}

const transitionsIn = (tl: Timeline, instance: string, from: Instant, to: Instant): number =>
  tl.transitions.filter((x) => x.instance === instance && x.at >= from && x.at < to && x.from !== 'INIT' && x.to !== 'INIT').length;

/** The impact of every fault and the availability of every VIP. */
export function computeImpact(tl: Timeline): Impact {
  const instances = instancesOf(tl).map((instance) => ({ instance, steps: masterSteps(tl, instance) }));
  const vips = vipsOf(tl).map((v) => ({ ...v, steps: holderSteps(tl, v.address) }));
  const instants = faultInstants(tl);
  const faults = instants.map((f, k): FaultImpact => {
    const until = (instants[k + 1]?.at ?? tl.until) as Instant;
    const clients = clientLoss(tl, f.at, until);
    return {
      at: f.at,
      events: f.events,
      until,
      instances: instances.map((i) => ({ instance: i.instance, ...windowStats(i.steps, f.at, until), transitions: transitionsIn(tl, i.instance, f.at, until), priorities: prioritiesIn(tl, i.instance, f.at, until) })),
      vips: vips.map((v) => ({ address: v.address, instance: v.instance, ...windowStats(v.steps, f.at, until) })),
      ...(clients === undefined ? {} : { clients }),
    };
  });
  return { faults, availability: vips.map((v) => availability(v.address, v.instance, v.steps, tl.until)) };
}

export function availability(address: string, instance: string, st: readonly Step[], until: Instant): VipAvailability {
  const w = windowStats(st, 0 as Instant, until);
  let failovers = 0;
  let lastSole: NodeId | undefined;
  for (const s of st) {
    if (s.nodes.length !== 1) continue;
    const sole = s.nodes[0] as NodeId;
    if (lastSole !== undefined && sole !== lastSole) failovers++;
    lastSole = sole;
  }
  return { address, instance, totalUs: until, oneUs: until - w.noneUs - w.twoOrMoreUs, noneUs: w.noneUs, twoOrMoreUs: w.twoOrMoreUs, failovers };
}

/** Did the fault change anything for this instance? */
export const instanceAffected = (i: InstanceImpact): boolean =>
  i.transitions > 0 || i.priorities.length > 0 || i.noneUs > 0 || i.twoOrMoreUs > 0 || i.before.join() !== i.after.join();
