/**
 * Checkers: invariants that watch the observation stream and never take part
 * (TigerBeetle's VOPR checkers). They see only Observations, so they judge a
 * trace from any backend; the simulator feeds them live through `subscribe`.
 *
 * Theory of operation
 * -------------------
 * A checker keeps its own model of the cluster, built from observations alone:
 * each instance's state and effective priority (from `transitioned` and
 * `priority-changed`), each node's liveness (from `event` kill / stop / pause /
 * resume / start), and whether the network is whole (from `event` partition /
 * oneway / heal / loss / pause / linkdown and their undoing). Instances are
 * grouped by virtual router: the same VRID on the same segment. Two VRID 51s on
 * different segments are different routers.
 *
 * - `atMostOneMaster`: while the network is whole, and from `graceUs` after it
 *   last became whole, no virtual router has two MASTERs for longer than
 *   `overlapUs`. A short overlap is how VRRP works: a node that preempts is
 *   MASTER one delivery delay before the old master hears it and steps down.
 * - `convergence`: `boundUs` after the last change (an injected event, a
 *   priority change, an instance entering or leaving service), the eligible
 *   instance with the highest effective priority — ties to the highest primary
 *   address, RFC 3768 §6.4.3 — is the only MASTER. Routers with a nopreempt or
 *   preempt_delay member are skipped: they legitimately keep a lower master.
 *
 * Rules
 * -----
 * - Violations are data, never exceptions: the caller decides to fail a test
 *   and print the seed.
 * - Feed observations in trace order, then call `finish(end)` once.
 * - They need the `transitioned`, `priority-changed` and `event` kinds: a
 *   simulation recording fewer cannot be judged (a kill it never saw leaves a
 *   dead master in the model).
 */
import type { Observation, StateName } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import type { DurationUs, Instant } from '../core/time.js';
import { parseIpv4, subnetOf } from './ipv4.js';
import type { SimNodeConfig } from './types.js';

export interface Violation {
  readonly checker: string;
  /** When the broken state began (or was found). */
  readonly at: Instant;
  readonly router: string;
  readonly nodes: readonly NodeId[];
  readonly message: string;
}

export interface Checker {
  readonly name: string;
  observe(observation: Observation): void;
  /** End of the run: judge what is still open. Returns every violation found. */
  finish(end: Instant): readonly Violation[];
  violations(): readonly Violation[];
}

/** Where an instance belongs: its virtual router, the address it advertises from, whether it preempts. */
export interface RouterInfo {
  readonly router: string;
  readonly address: string;
  readonly preempt: boolean;
}

export type RouterOf = (node: NodeId, instance: string) => RouterInfo | undefined;

/** The router directory of a simulated topology: router = "segment#vrid". */
export function routerDirectory(nodes: readonly { readonly id: NodeId; readonly config: SimNodeConfig }[]): RouterOf {
  const table = new Map<string, RouterInfo>();
  for (const { id, config } of nodes) {
    for (const instance of config.vrrp.instances) {
      const iface = config.vrrp.interfaces.find((i) => i.name === instance.interface);
      const segment = config.segments?.[instance.interface] ?? (iface && subnetOf(iface.address, iface.prefixLength)) ?? instance.interface;
      table.set(`${id}\u0000${instance.name}`, {
        router: `${segment}#${instance.vrid}`,
        address: instance.sourceAddress ?? iface?.address ?? '0.0.0.0',
        preempt: !instance.nopreempt && instance.preemptDelayUs === 0,
      });
    }
  }
  return (node, instance) => table.get(`${node}\u0000${instance}`);
}

/**
 * A safe convergence bound for a topology: the slowest Master_Down_Interval
 * (down_timer_adverts × advert_int + the skew of priority 1, the largest a
 * tracked priority can fall to) plus two delivery delays — one for the last
 * advert the new master heard, one for its own advert to reach the old master.
 */
export function convergenceBoundUs(nodes: readonly { readonly config: SimNodeConfig }[], maxLatencyUs: DurationUs): DurationUs {
  const skewOfPriority1 = Math.floor((255 * 1_000_000) / 256);
  let slowest = 0;
  for (const { config } of nodes) {
    for (const i of config.vrrp.instances) slowest = Math.max(slowest, i.downTimerAdverts * i.advertIntUs + skewOfPriority1);
  }
  return slowest + 2 * maxLatencyUs;
}

// ---------------------------------------------------------------- the cluster as observed

interface InstanceView {
  readonly node: NodeId;
  readonly instance: string;
  readonly info: RouterInfo;
  state: StateName | 'OFF';
  priority: number;
}

/** The model both checkers share: states, priorities, liveness, and whether the network is whole. */
class ObservedCluster {
  readonly instances = new Map<string, InstanceView>();
  private readonly faults = new Set<string>();
  wholeSince: Instant = 0 as Instant;

  constructor(private readonly routerOf: RouterOf) {}

  get whole(): boolean {
    return this.faults.size === 0;
  }

  /** Apply one observation; returns true when it changes who should be master. */
  apply(o: Observation): boolean {
    switch (o.kind) {
      case 'transitioned': {
        const view = this.view(o.node, o.instance);
        if (view === undefined) return false;
        const before = view.state;
        view.state = o.to;
        view.priority = o.priority;
        return !(isElected(before) && isElected(o.to));
      }
      case 'priority-changed': {
        const view = this.view(o.node, o.instance);
        if (view !== undefined) view.priority = o.to;
        return true;
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
      case 'partition':
        this.faults.add('partition');
        break;
      case 'oneway':
        this.faults.add(`oneway ${e.from} ${e.to}`);
        break;
      case 'heal':
        for (const f of [...this.faults]) if (f === 'partition' || f.startsWith('oneway ')) this.faults.delete(f);
        break;
      case 'loss':
        if (e.lossRatio > 0) this.faults.add(`loss ${e.node}`);
        else this.faults.delete(`loss ${e.node}`);
        break;
      case 'pause':
        this.faults.add(`pause ${e.node}`);
        break;
      case 'resume':
        this.faults.delete(`pause ${e.node}`);
        break;
      case 'linkdown':
        this.faults.add(`linkdown ${e.node} ${e.interface ?? ''}`);
        break;
      case 'linkup':
        // `linkup a` (no interface) undoes every linkdown of a; `linkup a eth0` that one and a bare `linkdown a`.
        for (const f of [...this.faults]) {
          if (f === `linkdown ${e.node} ${e.interface ?? ''}` || f === `linkdown ${e.node} ` || (e.interface === undefined && f.startsWith(`linkdown ${e.node} `))) {
            this.faults.delete(f);
          }
        }
        break;
      case 'kill':
      case 'stop':
        // A dead node cannot be a second master: its pause no longer splits the network.
        this.faults.delete(`pause ${e.node}`);
        for (const view of this.instances.values()) if (view.node === e.node) view.state = 'OFF';
        break;
      default:
        break;
    }
    if (!before && this.whole) this.wholeSince = o.at;
  }

  private view(node: NodeId, instance: string): InstanceView | undefined {
    const key = `${node}\u0000${instance}`;
    let view = this.instances.get(key);
    if (view === undefined) {
      const info = this.routerOf(node, instance);
      if (info === undefined) return undefined;
      view = { node, instance, info, state: 'OFF', priority: 0 };
      this.instances.set(key, view);
    }
    return view;
  }

  mastersByRouter(): Map<string, InstanceView[]> {
    const masters = new Map<string, InstanceView[]>();
    for (const view of this.instances.values()) {
      if (view.state !== 'MASTER') continue;
      const list = masters.get(view.info.router);
      if (list === undefined) masters.set(view.info.router, [view]);
      else list.push(view);
    }
    return masters;
  }
}

const isElected = (s: StateName | 'OFF'): boolean => s === 'MASTER' || s === 'BACKUP';

// ---------------------------------------------------------------- at most one master

export interface AtMostOneMasterOptions {
  readonly routerOf: RouterOf;
  /** After the network becomes whole again, allow this long to settle (one Master_Down_Interval). */
  readonly graceUs: DurationUs;
  /** Two masters for up to this long is a normal handover (one delivery delay). */
  readonly overlapUs: DurationUs;
}

export function atMostOneMaster(options: AtMostOneMasterOptions): Checker {
  const cluster = new ObservedCluster(options.routerOf);
  const found: Violation[] = [];
  /** router → when its current suspect period (≥ 2 masters while judged) began. */
  const suspects = new Map<string, { since: Instant; nodes: NodeId[] }>();

  const judgedFrom = (): Instant | undefined => (cluster.whole ? ((cluster.wholeSince + options.graceUs) as Instant) : undefined);

  const close = (router: string, at: Instant): void => {
    const suspect = suspects.get(router);
    if (suspect === undefined) return;
    suspects.delete(router);
    const lasted = at - suspect.since;
    if (lasted <= options.overlapUs) return;
    found.push({
      checker: 'at-most-one-master',
      at: suspect.since,
      router,
      nodes: suspect.nodes,
      message: `${suspect.nodes.join(' and ')} were MASTER of ${router} together for ${lasted} µs on a whole network`,
    });
  };

  /** Bring the suspects up to date at time `at` (before and after each observation). */
  const review = (at: Instant): void => {
    const from = judgedFrom();
    const masters = cluster.mastersByRouter();
    for (const router of [...suspects.keys()]) {
      if (from === undefined || (masters.get(router)?.length ?? 0) < 2) close(router, at);
    }
    if (from === undefined) return;
    for (const [router, list] of masters) {
      if (list.length >= 2 && !suspects.has(router)) {
        suspects.set(router, { since: (Math.max(at, from) as Instant), nodes: list.map((v) => v.node).sort() });
      }
    }
  };

  return {
    name: 'at-most-one-master',
    observe(o) {
      review(o.at);
      cluster.apply(o);
      review(o.at);
    },
    finish(end) {
      review(end);
      for (const router of [...suspects.keys()]) close(router, end);
      return found;
    },
    violations: () => found,
  };
}

// ---------------------------------------------------------------- convergence

export interface ConvergenceOptions {
  readonly routerOf: RouterOf;
  /** How long after the last change the right master must be in place (see convergenceBoundUs). */
  readonly boundUs: DurationUs;
}

export function convergence(options: ConvergenceOptions): Checker {
  const cluster = new ObservedCluster(options.routerOf);
  const found: Violation[] = [];
  let checkAt: Instant | undefined = options.boundUs as Instant;

  const judge = (at: Instant): void => {
    checkAt = undefined;
    if (!cluster.whole) return;
    const byRouter = new Map<string, InstanceView[]>();
    for (const view of cluster.instances.values()) {
      const list = byRouter.get(view.info.router);
      if (list === undefined) byRouter.set(view.info.router, [view]);
      else list.push(view);
    }
    for (const [router, views] of byRouter) {
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
    finish(end) {
      if (checkAt !== undefined && end >= checkAt) judge(checkAt);
      return found;
    },
    violations: () => found,
  };
}

function judgeRouter(router: string, views: readonly InstanceView[], at: Instant): Violation | undefined {
  const eligible = views.filter((v) => isElected(v.state));
  if (eligible.some((v) => !v.info.preempt)) return undefined;
  const masters = views.filter((v) => v.state === 'MASTER');
  const best = eligible.reduce<InstanceView | undefined>((b, v) => (b === undefined || outranks(v, b) ? v : b), undefined);
  if (best === undefined) {
    if (masters.length === 0) return undefined;
    return violation(router, at, masters, `no instance of ${router} is in service, yet ${names(masters)} is MASTER`);
  }
  if (masters.length === 1 && masters[0] === best) return undefined;
  const expected = `${best.node} (priority ${best.priority}, ${best.info.address})`;
  const actual = masters.length === 0 ? 'nobody is' : `${names(masters)} ${masters.length === 1 ? 'is' : 'are'}`;
  return violation(router, at, [best, ...masters], `${router} should have converged on ${expected}, but ${actual} MASTER`);
}

/** RFC 3768 §6.4.3: higher priority wins; on a tie the higher primary address. */
function outranks(a: InstanceView, b: InstanceView): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return (parseIpv4(a.info.address) ?? 0) > (parseIpv4(b.info.address) ?? 0);
}

const names = (views: readonly InstanceView[]): string => views.map((v) => v.node).join(' and ');

function violation(router: string, at: Instant, views: readonly InstanceView[], message: string): Violation {
  return { checker: 'convergence', at, router, nodes: [...new Set(views.map((v) => v.node))], message };
}

// ---------------------------------------------------------------- running checkers

/** Judge a finished trace. */
export function checkTrace(observations: readonly Observation[], checkers: readonly Checker[], end: Instant): Violation[] {
  for (const o of observations) for (const c of checkers) c.observe(o);
  return checkers.flatMap((c) => [...c.finish(end)]);
}
