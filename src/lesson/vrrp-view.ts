/**
 * What a VRRP/LVS session shows (LabView), read from the run's timeline and
 * the nodes' parsed configurations: each node's status and links, each
 * instance's state and effective priority with its arithmetic, the VIP
 * holders, the LVS real servers, the timeline strip and the event log with the
 * engine's why.
 *
 * Theory of operation: everything here is a function of the prepared scenario
 * (base priorities, tracked scripts and interfaces with their weights) and of
 * the timeline over [0, now] (states, priorities, VIPs, script results, link
 * and lifecycle events). Nothing is kept between calls, so a view is the same
 * however often it is asked for.
 *
 * Rules:
 * - The priority arithmetic follows keepalived: a tracked script with weight
 *   > 0 adds it while the script succeeds, < 0 adds it while it fails (reversed
 *   by `reverse`); a tracked interface with weight 0 puts the instance in FAULT
 *   when down instead. The effective priority shown is the engine's, observed.
 */
import type { ClusterEvent } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import { formatSeconds, type Instant } from '../core/time.js';
import { formatEvent } from '../scenario/events.js';
import { checkAt, clientCountAt, connsAt, CLIENT_OUTCOMES } from '../scenario/lvs/timeline.js';
import { holdersAt, priorityAt, stateAt, type Timeline } from '../scenario/timeline.js';
import type { PreparedNode, PreparedScenario } from '../scenario/topology.js';
import type { InstanceState, InstanceView, LogEntry, LvsView, NodeView, PriorityTerm, StripLane } from './contract.js';

/** What happened to a node's process and links, from the events applied so far. */
interface NodeFacts {
  status: string;
  readonly linksDown: Set<string>;
}

/** Status and link state per node after the events up to now. */
export function nodeFacts(prepared: PreparedScenario, tl: Timeline): Map<NodeId, NodeFacts> {
  const facts = new Map<NodeId, NodeFacts>(prepared.nodes.map((n) => [n.id, { status: n.deferred ? 'not started' : 'up', linksDown: new Set<string>() }]));
  for (const { event } of tl.events) applyFact(facts, prepared, event);
  return facts;
}

function applyFact(facts: Map<NodeId, NodeFacts>, prepared: PreparedScenario, ev: ClusterEvent): void {
  const f = 'node' in ev ? facts.get(ev.node) : undefined;
  if (f === undefined) return;
  const firstIface = (): string => prepared.nodes.find((n) => n.id === (ev as { node: string }).node)?.interfaces[0]?.name ?? 'eth0';
  switch (ev.kind) {
    case 'start': case 'resume': f.status = 'up'; break;
    case 'stop': f.status = 'stopped'; break;
    case 'kill': f.status = 'killed'; break;
    case 'pause': f.status = 'paused'; break;
    case 'linkdown': f.linksDown.add(ev.interface ?? firstIface()); break;
    case 'linkup': f.linksDown.delete(ev.interface ?? firstIface()); break;
    default: break;
  }
}

export function nodeViews(prepared: PreparedScenario, tl: Timeline, now: Instant): NodeView[] {
  const facts = nodeFacts(prepared, tl);
  return prepared.nodes.map((n) => {
    const f = facts.get(n.id) as NodeFacts;
    return {
      name: n.id,
      address: n.address,
      status: f.status,
      links: n.interfaces.map((i) => ({ name: i.name, up: !f.linksDown.has(i.name) })),
      instances: n.vrrp.instances.map((inst) => instanceView(n, inst.name, tl, now, f)),
    };
  });
}

function instanceView(n: PreparedNode, name: string, tl: Timeline, now: Instant, f: NodeFacts): InstanceView {
  const inst = n.vrrp.instances.find((i) => i.name === name) as PreparedNode['vrrp']['instances'][number];
  const scriptOk = (script: string): boolean | undefined => {
    let ok: boolean | undefined;
    for (const s of tl.scripts) if (s.node === n.id && s.script === script && s.at <= now) ok = s.ok;
    return ok;
  };
  const terms: PriorityTerm[] = [
    ...inst.trackScripts.map((t): PriorityTerm => {
      const ok = scriptOk(t.script);
      const passing = ok === undefined ? undefined : ok !== t.reverse;
      const applied = passing !== undefined && t.weight !== 0 && (t.weight > 0 ? passing : !passing);
      return { label: t.script, kind: 'script', weight: t.weight, applied, status: ok === undefined ? 'not run yet' : ok ? 'ok' : 'failing' };
    }),
    ...inst.trackInterfaces.map((t): PriorityTerm => {
      const up = !f.linksDown.has(t.interface);
      const counted = up !== t.reverse;
      return { label: t.interface, kind: 'interface', weight: t.weight, applied: t.weight !== 0 && (t.weight > 0 ? counted : !counted), status: up ? 'up' : 'down' };
    }),
  ];
  const state = (f.status === 'killed' || f.status === 'not started' ? 'OFF' : (stateAt(tl, n.id, name, now) ?? 'INIT')) as InstanceState;
  const vips = inst.virtualAddresses.map((v) => v.address).filter((a) => holdersAt(tl, a, now).includes(n.id));
  const observed = priorityAt(tl, n.id, name, now);
  return { name, vrid: inst.vrid, state, priority: observed ?? effective(inst.priority, terms), base: inst.priority, terms, vips };
}

/** base + applied weights, kept in 1..254 (255: the address owner keeps 255). */
function effective(base: number, terms: readonly PriorityTerm[]): number {
  if (base === 255) return 255;
  const sum = terms.reduce((s, t) => s + (t.applied ? t.weight : 0), base);
  return Math.min(254, Math.max(1, sum));
}

export function vipViews(prepared: PreparedScenario, tl: Timeline, now: Instant): { address: string; instance: string; holders: string[] }[] {
  const seen = new Map<string, string>();
  for (const i of prepared.instances) for (const v of i.virtualAddresses.map((a) => a.split('/')[0] as string)) if (!seen.has(v)) seen.set(v, i.instance);
  return [...seen].map(([address, instance]) => ({ address, instance, holders: holdersAt(tl, address, now) }));
}

export function lvsView(prepared: PreparedScenario, tl: Timeline, now: Instant): LvsView | undefined {
  const lvs = tl.lvs;
  const meta = prepared.lvs?.timeline;
  if (lvs === undefined || meta === undefined) return undefined;
  const services = meta.services.map((s) => {
    const director = holdersAt(tl, s.vip, now).find((h) => s.directors.includes(h));
    const realServers = meta.realServers.filter((r) => r.services.includes(s.name)).map((r) => {
      const check = director === undefined ? undefined : checkAt(lvs, director, s.name, r.id, now);
      return {
        name: r.id,
        address: r.address,
        check: check === undefined ? 'unknown' : check.up ? 'up' : 'down',
        active: director === undefined ? 0 : connsAt(lvs, director, s.name, r.id, now, 'active'),
        inactive: director === undefined ? 0 : connsAt(lvs, director, s.name, r.id, now, 'inactive'),
      };
    });
    return { service: s.name, ...(director === undefined ? {} : { director }), realServers };
  });
  const clients = Object.fromEntries(CLIENT_OUTCOMES.map((o) => [o, clientCountAt(lvs, o, now)]).filter(([, n]) => (n as number) > 0));
  return { services, clients };
}

export function stripLanes(tl: Timeline, now: Instant): StripLane[] {
  return tl.lanes.map((l) => ({
    label: `${l.node} ${l.instance}`,
    segments: l.segments.filter((s) => s.from <= now).map((s) => ({ from: s.from, to: (Math.min(s.to, now) as Instant), state: s.state })),
  }));
}

/** The run's log, in order: events (the learner's actions apart), transitions with their reasons, VIPs, priorities, scripts, drops. */
export function runLog(tl: Timeline, actions: ReadonlySet<number>): Omit<LogEntry, 'seq'>[] {
  // `actions`: positions in the applied events (the timeline keeps them in that order) that the learner gave.
  const out: { order: number; entry: Omit<LogEntry, 'seq'> }[] = [];
  const push = (order: number, entry: Omit<LogEntry, 'seq'>): void => void out.push({ order, entry });
  tl.events.forEach((e, i) => push(e.seq, { at: e.at, text: formatEvent(e.event), kind: actions.has(i) ? 'action' : 'info', why: actions.has(i) ? 'your action' : "the lesson's scene" }));
  for (const t of tl.transitions) push(t.seq, { at: t.at, node: t.node, text: `${t.instance} ${t.from} → ${t.to} (priority ${t.priority})`, why: t.reason, kind: 'change' });
  for (const p of tl.priorities) push(p.seq, { at: p.at, node: p.node, text: `${p.instance} priority ${p.from} → ${p.to}`, why: p.reason, kind: 'change' });
  for (const v of tl.vips) push(v.seq, { at: v.at, node: v.node, text: `${v.action === 'add' ? 'adds' : 'removes'} ${v.address}/${v.prefixLength} on ${v.interface} (${v.instance})`, kind: 'change' });
  const garps = new Set<string>(); // a burst of gratuitous ARPs at one instant is one line
  for (const g of tl.garps) {
    const key = `${g.node} ${g.at} ${g.address}`;
    if (!garps.has(key)) push(g.seq, { at: g.at, node: g.node, text: `gratuitous ARP for ${g.address} on ${g.interface} (${g.instance})`, kind: 'change' });
    garps.add(key);
  }
  for (const s of tl.scripts) push(s.seq, { at: s.at, node: s.node, text: `script ${s.script} ${s.ok ? 'succeeds' : 'fails'}`, kind: 'change' });
  for (const d of tl.drops) push(d.seq, { at: d.at, node: d.node, text: `${d.instance} drops adverts from ${d.from}`, why: d.why, kind: 'change' });
  for (const w of tl.syncWaits) push(w.seq, { at: w.at, node: w.node, text: `${w.instance} waits for sync group ${w.group} (${w.waitingFor.join(', ')})`, why: w.reason, kind: 'change' });
  return out.sort((a, b) => a.entry.at - b.entry.at || a.order - b.order).map((o) => o.entry);
}

export const describeNow = (now: Instant): string => `${formatSeconds(now)} s`;
