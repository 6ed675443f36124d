/**
 * The cluster as the checkers see it, built from observations alone: each
 * instance's state and effective priority, the addresses each node holds, and
 * whether the network is whole. One model, shared by every checker, so two
 * checkers cannot disagree on what happened.
 *
 * Theory of operation
 * -------------------
 * `apply` takes one observation. `Stretches` drives a model through a trace
 * and calls `settled(from, to)` for every stretch of time in which nothing
 * changed, after every observation at `from` has been applied: "at t" means
 * after everything that happened at or before t, as in the timeline. A state
 * that exists only between two observations of one instant lasts 0 µs.
 *
 * Rules
 * -----
 * - The network is not whole while a partition, a one-way cut, packet loss, a
 *   paused node or a down link is in force; `heal` undoes partitions and cuts,
 *   `resume` (or the node's kill, stop or start) a pause, `linkup` a linkdown,
 *   loss 0 a loss.
 * - A killed or stopped node's instances are OFF; a killed node's addresses
 *   vanish with it (the timeline's rule).
 * - Event kinds this model does not know change nothing.
 */
import type { Observation, StateName } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import type { Instant } from '../core/time.js';
import type { RouterDirectory, RouterMember } from './routers.js';

export interface InstanceView {
  readonly member: RouterMember;
  state: StateName | 'OFF';
  priority: number;
  /** Addresses this instance added and has not removed. */
  readonly holds: Set<string>;
}

export class ObservedCluster {
  readonly instances = new Map<string, InstanceView>();
  private readonly faults = new Set<string>();
  /** When the network last became whole (0: it starts whole). */
  wholeSince: Instant = 0 as Instant;

  constructor(private readonly directory: RouterDirectory) {
    for (const m of directory.members) this.instances.set(`${m.node}\u0000${m.instance}`, { member: m, state: 'OFF', priority: 0, holds: new Set() });
  }

  get whole(): boolean {
    return this.faults.size === 0;
  }

  /** Apply one observation; returns true when it may change who should be master. */
  apply(o: Observation): boolean {
    switch (o.kind) {
      case 'transitioned': {
        const view = this.view(o.node, o.instance);
        if (view === undefined) return false;
        const before = view.state;
        view.state = o.to;
        view.priority = o.priority;
        return !(inService(before) && inService(o.to));
      }
      case 'priority-changed': {
        const view = this.view(o.node, o.instance);
        if (view !== undefined) view.priority = o.to;
        return true;
      }
      case 'address-added':
      case 'address-removed': {
        const view = this.view(o.node, o.instance);
        if (view === undefined) return false;
        if (o.kind === 'address-added') view.holds.add(o.address);
        else view.holds.delete(o.address);
        return false;
      }
      case 'event':
        this.applyEvent(o);
        return true;
      default:
        return false;
    }
  }

  private applyEvent(o: Observation & { kind: 'event' }): void {
    const e = o.event;
    const before = this.whole;
    switch (e.kind) {
      case 'partition': this.faults.add('partition'); break;
      case 'oneway': this.faults.add(`oneway ${e.from} ${e.to}`); break;
      case 'heal': for (const f of [...this.faults]) if (f === 'partition' || f.startsWith('oneway ')) this.faults.delete(f); break;
      case 'loss':
        if (e.lossRatio > 0) this.faults.add(`loss ${e.node}`);
        else this.faults.delete(`loss ${e.node}`);
        break;
      case 'pause': this.faults.add(`pause ${e.node}`); break;
      case 'resume': case 'start': this.faults.delete(`pause ${e.node}`); break;
      case 'linkdown': this.faults.add(`linkdown ${e.node} ${e.interface ?? ''}`); break;
      case 'linkup': this.linkUp(e.node, e.interface); break;
      case 'kill': case 'stop': this.down(e.node, e.kind === 'kill'); break;
      default: break;
    }
    if (!before && this.whole) this.wholeSince = o.at;
  }

  /** `linkup a` (no interface) undoes every linkdown of a; `linkup a eth0` that one and a bare `linkdown a`. */
  private linkUp(node: NodeId, iface: string | undefined): void {
    for (const f of [...this.faults]) {
      if (f === `linkdown ${node} ${iface ?? ''}` || f === `linkdown ${node} ` || (iface === undefined && f.startsWith(`linkdown ${node} `))) this.faults.delete(f);
    }
  }

  /** A dead node cannot be a second master: its pause no longer splits the network. */
  private down(node: NodeId, crashed: boolean): void {
    this.faults.delete(`pause ${node}`);
    for (const view of this.instances.values()) {
      if (view.member.node !== node) continue;
      view.state = 'OFF';
      if (crashed) view.holds.clear();
    }
  }

  private view(node: NodeId, instance: string): InstanceView | undefined {
    return this.instances.get(`${node}\u0000${instance}`);
  }

  /** Instances grouped by virtual router. */
  byRouter(): Map<string, InstanceView[]> {
    const out = new Map<string, InstanceView[]>();
    for (const view of this.instances.values()) {
      const list = out.get(view.member.router);
      if (list === undefined) out.set(view.member.router, [view]);
      else list.push(view);
    }
    return out;
  }
}

/** MASTER or BACKUP: taking part in the election. */
export const inService = (s: StateName | 'OFF'): boolean => s === 'MASTER' || s === 'BACKUP';

/**
 * Drives a model through a trace in stretches of constant state. `settled` is
 * called with `to` undefined for the last stretch, which lasts past the end.
 */
export class Stretches {
  private at: Instant | undefined;

  constructor(
    private readonly apply: (o: Observation) => void,
    private readonly settled: (from: Instant, to: Instant | undefined) => void,
  ) {}

  observe(o: Observation): void {
    if (this.at === undefined && o.at > 0) this.settled(0 as Instant, o.at);
    else if (this.at !== undefined && o.at > this.at) this.settled(this.at, o.at);
    this.at = o.at;
    this.apply(o);
  }

  /** The last stretch, from the last observation on. */
  finish(): void {
    this.settled(this.at ?? (0 as Instant), undefined);
  }
}
