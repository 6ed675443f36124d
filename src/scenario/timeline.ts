/**
 * The Timeline: what a scenario run produced, read from a backend's Observations
 * and the events the run applied. Every assertion, every rendering (text, JSON,
 * SVG) and the oracle comparison read this one structure.
 *
 * Theory of operation: observations and applied events are merged into one
 * sequence (`seq` is the position in it), because at one instant the order
 * matters — a node killed at 6 s and a timer that fired at 6 s. From that
 * sequence two derived views are built once:
 * - lanes: per (node, instance) the state and effective priority as segments
 *   over time; OFF while the node's process is not running (before its start,
 *   after a kill);
 * - holds: per VIP the intervals during which a node had it configured.
 *
 * Rules:
 * - "At t" means after everything that happened at or before t.
 * - A killed node's addresses vanish with it (the crash takes the process and,
 *   in the simulator, its interfaces' VIPs): open holds close at the kill.
 * - Nothing here knows which backend produced the observations.
 */
import type { ClusterEvent, Observation, StateName } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import type { Instant } from '../core/time.js';
import { buildLvs, lvsChangePoints, type TimelineLvs, type TimelineLvsMeta } from './lvs/timeline.js';
import { collectExplanations, type DropRun, type SyncWait } from './timeline-explain.js';

// ---------------------------------------------------------------- model

export interface TimelineInterface {
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
}

export interface TimelineNode {
  readonly id: NodeId;
  /** The node's own address (its first instance's interface). */
  readonly address: string;
  readonly interfaces: readonly TimelineInterface[];
  /** True when the node only starts with a `start` event. */
  readonly deferred: boolean;
  /** Where the address came from: given by the user, the config's source address, or assigned. */
  readonly addressSource?: 'given' | 'config' | 'assigned';
}

export interface TimelineInstance {
  readonly node: NodeId;
  readonly instance: string;
  readonly vrid: number;
  readonly interface: string;
  readonly virtualAddresses: readonly string[];
  /** The address it advertises from (RFC 3768 §6.4.3 breaks priority ties by it). */
  readonly address?: string;
  /** False with nopreempt or a preempt_delay. */
  readonly preempt?: boolean;
  /** Its vrrp_sync_group, if any. */
  readonly syncGroup?: string;
}

export interface TimelineTransition {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly instance: string;
  readonly from: StateName;
  readonly to: StateName;
  /** Effective priority after the transition. */
  readonly priority: number;
  readonly reason: string;
}

export interface TimelinePriorityChange {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly instance: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

export interface TimelineVipChange {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly instance: string;
  readonly interface: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly action: 'add' | 'remove';
}

export interface TimelineGarp {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly instance: string;
  readonly interface: string;
  readonly address: string;
}

export interface TimelineEvent {
  readonly seq: number;
  readonly at: Instant;
  readonly event: ClusterEvent;
}

export interface TimelineScriptStatus {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly script: string;
  readonly ok: boolean;
}

/** What a lane shows: a keepalived state, or OFF while the node's process is not running. */
export type LaneState = StateName | 'OFF';

export interface Segment {
  readonly from: Instant;
  /** Exclusive end; the last segment ends at the timeline's `until`. */
  readonly to: Instant;
  readonly state: LaneState;
  readonly priority: number | undefined;
}

export interface Lane {
  readonly node: NodeId;
  readonly instance: string;
  readonly segments: readonly Segment[];
}

export interface VipHold {
  readonly address: string;
  readonly node: NodeId;
  readonly instance: string;
  readonly interface: string;
  readonly from: Instant;
  /** Exclusive end; undefined while still held at `until`. */
  readonly to: Instant | undefined;
}

/** A period in which the network is not whole: a partition, a one-way cut, a paused node, packet loss. */
export interface Disturbance {
  readonly from: Instant;
  /** Exclusive end; undefined when it lasts to `until`. */
  readonly to: Instant | undefined;
  readonly what: string;
}

export interface Timeline {
  readonly seed: number;
  readonly until: Instant;
  readonly nodes: readonly TimelineNode[];
  readonly instances: readonly TimelineInstance[];
  readonly events: readonly TimelineEvent[];
  readonly transitions: readonly TimelineTransition[];
  readonly priorities: readonly TimelinePriorityChange[];
  readonly vips: readonly TimelineVipChange[];
  readonly garps: readonly TimelineGarp[];
  readonly scripts: readonly TimelineScriptStatus[];
  /** Adverts dropped for a peer mismatch, folded into runs (timeline-explain.ts). */
  readonly drops: readonly DropRun[];
  /** Instances a sync group held in BACKUP while they wanted MASTER. */
  readonly syncWaits: readonly SyncWait[];
  // derived
  readonly lanes: readonly Lane[];
  readonly holds: readonly VipHold[];
  readonly disturbances: readonly Disturbance[];
  /** Load balancing (lvs/timeline.ts): present when the cluster has virtual servers. */
  readonly lvs?: TimelineLvs;
}

// ---------------------------------------------------------------- building

export interface AppliedEvent {
  readonly at: Instant;
  readonly event: ClusterEvent;
  /** How many observations existed when the event was applied: it sorts before observation #index. */
  readonly observationIndex: number;
}

export interface TimelineInput {
  readonly seed: number;
  readonly until: Instant;
  readonly nodes: readonly TimelineNode[];
  readonly instances: readonly TimelineInstance[];
  readonly observations: readonly Observation[];
  /** The events the run applied; ignored when the backend reports events itself. */
  readonly events: readonly AppliedEvent[];
  /** The real servers, virtual services and clients, when the cluster load-balances. */
  readonly lvs?: TimelineLvsMeta;
}

type Entry = { readonly kind: 'applied'; readonly at: Instant; readonly event: ClusterEvent } | Observation;

export function buildTimeline(input: TimelineInput): Timeline {
  const entries = mergeEntries(input);
  const records = collectRecords(entries);
  const events = records.events;
  return {
    seed: input.seed,
    until: input.until,
    nodes: input.nodes,
    instances: input.instances,
    ...records,
    ...collectExplanations(entries, input.nodes, input.instances),
    lanes: buildLanes(input, entries),
    holds: buildHolds(records.vips, events, input.until),
    disturbances: buildDisturbances(events),
    ...(input.lvs === undefined ? {} : { lvs: buildLvs(input.lvs, entries) }),
  };
}

function mergeEntries(input: TimelineInput): Entry[] {
  const backendReportsEvents = input.observations.some((o) => o.kind === 'event');
  if (backendReportsEvents) return [...input.observations];
  const out: Entry[] = [];
  const pending = [...input.events].sort((a, b) => a.observationIndex - b.observationIndex);
  let next = 0;
  input.observations.forEach((o, i) => {
    while (next < pending.length && (pending[next] as AppliedEvent).observationIndex <= i) out.push(applied(pending[next++] as AppliedEvent));
    out.push(o);
  });
  while (next < pending.length) out.push(applied(pending[next++] as AppliedEvent));
  return out;
}

const applied = (e: AppliedEvent): Entry => ({ kind: 'applied', at: e.at, event: e.event });

interface Records {
  events: TimelineEvent[];
  transitions: TimelineTransition[];
  priorities: TimelinePriorityChange[];
  vips: TimelineVipChange[];
  garps: TimelineGarp[];
  scripts: TimelineScriptStatus[];
}

function collectRecords(entries: readonly Entry[]): Records {
  const r: Records = { events: [], transitions: [], priorities: [], vips: [], garps: [], scripts: [] };
  entries.forEach((e, seq) => {
    switch (e.kind) {
      case 'applied': case 'event': r.events.push({ seq, at: e.at, event: e.event }); break;
      case 'transitioned': r.transitions.push({ seq, at: e.at, node: e.node, instance: e.instance, from: e.from, to: e.to, priority: e.priority, reason: e.reason }); break;
      case 'priority-changed': r.priorities.push({ seq, at: e.at, node: e.node, instance: e.instance, from: e.from, to: e.to, reason: e.reason }); break;
      case 'address-added': case 'address-removed':
        r.vips.push({ seq, at: e.at, node: e.node, instance: e.instance, interface: e.interface, address: e.address, prefixLength: e.prefixLength, action: e.kind === 'address-added' ? 'add' : 'remove' });
        break;
      case 'garp': r.garps.push({ seq, at: e.at, node: e.node, instance: e.instance, interface: e.interface, address: e.address }); break;
      case 'script-status': r.scripts.push({ seq, at: e.at, node: e.node, script: e.script, ok: e.ok }); break;
      case 'sent': case 'dropped': case 'sync-group-wait': break; // timeline-explain.ts reads the last two
      case 'lvs-conns': case 'lvs-check': case 'lvs-client': case 'lvs-arp': break; // lvs/timeline.ts reads these
    }
  });
  return r;
}

interface LaneBuilder {
  readonly node: NodeId;
  readonly instance: string;
  readonly segments: Segment[];
  state: LaneState;
  priority: number | undefined;
  since: Instant;
}

function buildLanes(input: TimelineInput, entries: readonly Entry[]): Lane[] {
  const lanes = new Map<string, LaneBuilder>();
  const key = (node: NodeId, instance: string): string => `${node}\u0000${instance}`;
  const startedAtZero = new Set(input.nodes.filter((n) => !n.deferred).map((n) => n.id));
  const lane = (node: NodeId, instance: string): LaneBuilder => {
    let l = lanes.get(key(node, instance));
    if (l === undefined) {
      l = { node, instance, segments: [], state: startedAtZero.has(node) ? 'INIT' : 'OFF', priority: undefined, since: 0 as Instant };
      lanes.set(key(node, instance), l);
    }
    return l;
  };
  for (const i of input.instances) lane(i.node, i.instance);
  const change = (l: LaneBuilder, at: Instant, state: LaneState, priority: number | undefined): void => {
    if (l.state === state && l.priority === priority) return;
    if (at > l.since) l.segments.push({ from: l.since, to: at, state: l.state, priority: l.priority });
    l.state = state;
    l.priority = priority;
    l.since = at;
  };
  for (const e of entries) applyToLanes(e, lane, change, lanes);
  for (const l of lanes.values()) {
    if (input.until > l.since || l.segments.length === 0) l.segments.push({ from: l.since, to: input.until, state: l.state, priority: l.priority });
  }
  return [...lanes.values()].map((l) => ({ node: l.node, instance: l.instance, segments: l.segments }));
}

function applyToLanes(
  e: Entry,
  lane: (node: NodeId, instance: string) => LaneBuilder,
  change: (l: LaneBuilder, at: Instant, state: LaneState, priority: number | undefined) => void,
  lanes: ReadonlyMap<string, LaneBuilder>,
): void {
  if (e.kind === 'transitioned') change(lane(e.node, e.instance), e.at, e.to, e.priority);
  else if (e.kind === 'priority-changed') {
    const l = lane(e.node, e.instance);
    change(l, e.at, l.state, e.to);
  } else if (e.kind === 'applied' || e.kind === 'event') {
    const ev = e.event;
    if (ev.kind !== 'kill' && ev.kind !== 'start') return;
    for (const l of lanes.values()) {
      if (l.node !== ev.node) continue;
      if (ev.kind === 'kill') change(l, e.at, 'OFF', undefined);
      else if (l.state === 'OFF' || l.state === 'STOP') change(l, e.at, 'INIT', undefined);
    }
  }
}

function buildHolds(vips: readonly TimelineVipChange[], events: readonly TimelineEvent[], until: Instant): VipHold[] {
  type Open = { address: string; node: NodeId; instance: string; interface: string; from: Instant };
  const open = new Map<string, Open>();
  const done: VipHold[] = [];
  const close = (k: string, at: Instant): void => {
    const o = open.get(k);
    if (o === undefined) return;
    open.delete(k);
    if (at > o.from) done.push({ ...o, to: at });
  };
  const merged = [...vips.map((v) => ({ seq: v.seq, v })), ...events.map((e) => ({ seq: e.seq, e }))].sort((a, b) => a.seq - b.seq);
  for (const m of merged) {
    if ('v' in m) {
      const k = `${m.v.node}\u0000${m.v.address}`;
      if (m.v.action === 'add' && !open.has(k)) open.set(k, { address: m.v.address, node: m.v.node, instance: m.v.instance, interface: m.v.interface, from: m.v.at });
      else if (m.v.action === 'remove') close(k, m.v.at);
    } else if (m.e.event.kind === 'kill') {
      const node = m.e.event.node;
      for (const [k, o] of [...open]) if (o.node === node) close(k, m.e.at);
    }
  }
  for (const o of open.values()) if (until > o.from) done.push({ ...o, to: undefined });
  return done.sort((a, b) => a.from - b.from || a.address.localeCompare(b.address) || a.node.localeCompare(b.node));
}

function buildDisturbances(events: readonly TimelineEvent[]): Disturbance[] {
  const active = new Map<string, { from: Instant; what: string }>();
  const out: Disturbance[] = [];
  const end = (k: string, at: Instant): void => {
    const a = active.get(k);
    if (a === undefined) return;
    active.delete(k);
    out.push({ from: a.from, to: at, what: a.what });
  };
  const begin = (k: string, at: Instant, what: string): void => {
    if (!active.has(k)) active.set(k, { from: at, what });
  };
  for (const { at, event: ev } of events) {
    switch (ev.kind) {
      case 'partition': begin(`partition ${ev.groups.map((g) => g.join(',')).join(' ')}`, at, `partition ${ev.groups.map((g) => g.join(',')).join(' | ')}`); break;
      case 'oneway': begin(`oneway ${ev.from} ${ev.to}`, at, `${ev.from} → ${ev.to} cut`); break;
      case 'heal': for (const k of [...active.keys()]) if (k.startsWith('partition') || k.startsWith('oneway')) end(k, at); break;
      case 'pause': begin(`pause ${ev.node}`, at, `${ev.node} paused`); break;
      case 'resume': case 'kill': case 'start': end(`pause ${ev.node}`, at); break;
      case 'loss': if (ev.lossRatio > 0) begin(`loss ${ev.node}`, at, `${ev.node} loses ${ev.lossRatio}`); else end(`loss ${ev.node}`, at); break;
      default: break;
    }
  }
  for (const a of active.values()) out.push({ from: a.from, to: undefined, what: a.what });
  return out.sort((a, b) => a.from - b.from);
}

// ---------------------------------------------------------------- queries

/** The lane's state at t (after everything at or before t); undefined for an unknown lane. */
export function stateAt(tl: Timeline, node: NodeId, instance: string, t: Instant): LaneState | undefined {
  return segmentAt(tl, node, instance, t)?.state;
}

/** Effective priority at t, as last reported by a transition or a priority change. */
export function priorityAt(tl: Timeline, node: NodeId, instance: string, t: Instant): number | undefined {
  return segmentAt(tl, node, instance, t)?.priority;
}

export function segmentAt(tl: Timeline, node: NodeId, instance: string, t: Instant): Segment | undefined {
  const lane = tl.lanes.find((l) => l.node === node && l.instance === instance);
  if (lane === undefined) return undefined;
  let found: Segment | undefined;
  for (const s of lane.segments) if (s.from <= t) found = s;
  return found;
}

/** An instance by name ("VI_1") or by VRID (51 or "vrid:51"). */
export type InstanceSelector = string | number;

/** The lanes a selector names. */
export function lanesOf(tl: Timeline, selector: InstanceSelector): Lane[] {
  const vrid = typeof selector === 'number' ? selector : /^vrid:(\d+)$/.exec(selector) ? Number(selector.slice(5)) : undefined;
  if (vrid === undefined) return tl.lanes.filter((l) => l.instance === selector);
  const named = new Set(tl.instances.filter((i) => i.vrid === vrid).map((i) => `${i.node}\u0000${i.instance}`));
  return tl.lanes.filter((l) => named.has(`${l.node}\u0000${l.instance}`));
}

/** Nodes whose instance is MASTER at t, sorted; two entries mean split brain. */
export function mastersAt(tl: Timeline, selector: InstanceSelector, t: Instant): NodeId[] {
  return lanesOf(tl, selector)
    .filter((l) => stateAt(tl, l.node, l.instance, t) === 'MASTER')
    .map((l) => l.node)
    .sort();
}

/** Nodes that have the VIP configured at t, sorted. */
export function holdersAt(tl: Timeline, vip: string, t: Instant): NodeId[] {
  const address = vip.split('/')[0] as string;
  return [...new Set(tl.holds.filter((h) => h.address === address && h.from <= t && (h.to === undefined || h.to > t)).map((h) => h.node))].sort();
}

/** Every instant at which something in the timeline changed, in order, without duplicates. */
export function changePoints(tl: Timeline): Instant[] {
  const set = new Set<number>();
  for (const l of tl.lanes) for (const s of l.segments) set.add(s.from);
  for (const h of tl.holds) {
    set.add(h.from);
    if (h.to !== undefined) set.add(h.to);
  }
  for (const e of tl.events) set.add(e.at);
  if (tl.lvs !== undefined) for (const t of lvsChangePoints(tl.lvs)) set.add(t);
  return [...set].sort((a, b) => a - b) as Instant[];
}

/** Is the network disturbed at t (or was it within `settleUs` before t)? */
export function disturbedAt(tl: Timeline, t: Instant, settleUs = 0): Disturbance | undefined {
  return tl.disturbances.find((d) => d.from <= t && (d.to === undefined || d.to + settleUs > t));
}
