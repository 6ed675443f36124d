/**
 * The Backend port: what every way of running a cluster offers — the simulator
 * (src/sim), Docker containers with keepalived or with our engine (src/docker).
 * Scenarios, checkers and the TUI see only this port and the Observation stream.
 *
 * Lifecycle follows testcontainers: `Backend.create(spec)` gives a `Cluster`,
 * `start()` a `StartedCluster`, `stop()` a `StoppedCluster`. What only some
 * backends can do is a capability the caller asks for by name
 * (`StartedCluster.capability`), never a downcast.
 */
import { ScenarioError } from './errors.js';
import type { DurationUs, Instant } from './time.js';
import type { NodeId } from './ids.js';
import type { LvsClusterSpec, LvsEvent, LvsObservation } from './lvs.js';

export { LVS_EVENT_KINDS, isLvsEvent, CLIENT_DEFAULT_HOLD_US, CLIENT_DATA_INTERVAL_US, CLIENT_GIVE_UP_US } from './lvs.js';
export type { LvsEvent, LvsObservation, LvsClientOutcome, LvsClusterSpec, LvsRealServerSpec } from './lvs.js';

// ---------------------------------------------------------------- event words

/**
 * The shared vocabulary of things that happen to a cluster. The CLI event syntax
 * `T WORD NODE [ARG]` maps one to one onto these.
 *
 * Each fault verb has one meaning, written here once, that every backend must
 * implement (test/contract/backend.contract.ts holds them to it), and a verb
 * that undoes it (FAULT_UNDO). The meanings follow what real keepalived does
 * under the recorder the ground truth is made with (test/fixtures/keepalived-cases).
 *
 * Why a partition cuts every packet, not only VRRP: the nodes' links also carry
 * LVS client traffic and cluster traffic (corosync), and a network partition
 * — a switch or cable between the groups failing — cuts all of it. The
 * recordings drop only VRRP; for them the two are the same thing.
 */
export type VrrpEvent =
  /** Start the node's daemon from scratch (a fresh process, no memory of earlier runs); undoes `kill` and `stop`. */
  | { readonly kind: 'start'; readonly node: NodeId }
  /** SIGTERM: the daemon shuts down gracefully — a master sends a priority-0 advert (peers take over after Skew_Time) and removes its VIPs. */
  | { readonly kind: 'stop'; readonly node: NodeId }
  /** Crash (SIGSTOP then SIGKILL): no goodbye, the node's VIPs vanish with it; peers take over after Master_Down_Interval. */
  | { readonly kind: 'kill'; readonly node: NodeId }
  /** From now on the node's vrrp_script SCRIPT fails (exit 1). */
  | { readonly kind: 'fail'; readonly node: NodeId; readonly script: string }
  /** From now on the node's vrrp_script SCRIPT succeeds (exit 0). */
  | { readonly kind: 'ok'; readonly node: NodeId; readonly script: string }
  /** The interface (default: the node's first) goes down: nothing leaves or arrives on it, and the daemon is told as the kernel tells it. */
  | { readonly kind: 'linkdown'; readonly node: NodeId; readonly interface?: string }
  /** The interface comes back up. */
  | { readonly kind: 'linkup'; readonly node: NodeId; readonly interface?: string }
  /**
   * SIGSTOP: the daemon runs nothing and sends nothing, its timers go stale; its
   * sockets keep what arrives, up to the kernel's receive buffer (the rest is
   * dropped), and on `resume` it reads what they kept before its overdue timers
   * fire — a paused BACKUP resumed under a live master stays BACKUP.
   */
  | { readonly kind: 'pause'; readonly node: NodeId }
  /** SIGCONT: undoes `pause` (see there for the order things happen in). */
  | { readonly kind: 'resume'; readonly node: NodeId }
  /**
   * Every packet between two nodes named in different groups is dropped, both
   * ways; a node named in no group keeps talking to everyone. Replaces an earlier
   * partition; packets already on the wire still arrive.
   */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** Every packet from `from` to `to` is dropped (the reverse direction still works); cuts accumulate. */
  | { readonly kind: 'oneway'; readonly from: NodeId; readonly to: NodeId }
  /** Undo the partition and every one-way cut. */
  | { readonly kind: 'heal' }
  /** Lose a fraction of the packets a node sends (0 = none, 1 = all). */
  | { readonly kind: 'loss'; readonly node: NodeId; readonly lossRatio: number };

/** Every event word: the nodes' and the network's (above) and load balancing's (core/lvs.ts). */
export type ClusterEvent = VrrpEvent | LvsEvent;

export type ClusterEventKind = ClusterEvent['kind'];

/**
 * The partition rule, written once for every backend: under `groups`, whether
 * a packet from `from` to `to` is dropped — both are named, in different groups.
 * A node named in two groups is refused (ScenarioError 'partition-node-twice').
 */
export function partitionCuts(groups: readonly (readonly NodeId[])[]): (from: NodeId, to: NodeId) => boolean {
  const groupOf = new Map<NodeId, number>();
  groups.forEach((group, i) =>
    group.forEach((id) => {
      if (groupOf.has(id) && groupOf.get(id) !== i) throw new ScenarioError('partition-node-twice', `partition: node '${id}' is named in two groups`);
      groupOf.set(id, i);
    }),
  );
  return (from, to) => {
    const a = groupOf.get(from);
    const b = groupOf.get(to);
    return a !== undefined && b !== undefined && a !== b;
  };
}

/** The fault verbs and the verb that undoes each. */
export const FAULT_UNDO = {
  partition: 'heal',
  oneway: 'heal',
  pause: 'resume',
  kill: 'start',
  stop: 'start',
  linkdown: 'linkup',
  fail: 'ok',
} as const satisfies Partial<Record<ClusterEventKind, ClusterEventKind>>;

/** An event FAULT_UNDO names an undo for. */
export type FaultEvent = Extract<ClusterEvent, { readonly kind: keyof typeof FAULT_UNDO }>;

/** The event that undoes `fault` (`heal` for a partition, `resume` for a pause, `start` for a kill, …). */
export function undoOf(fault: FaultEvent): ClusterEvent {
  switch (fault.kind) {
    case 'partition':
    case 'oneway':
      return { kind: 'heal' };
    case 'fail':
      return { kind: 'ok', node: fault.node, script: fault.script };
    case 'linkdown':
      return fault.interface === undefined ? { kind: 'linkup', node: fault.node } : { kind: 'linkup', node: fault.node, interface: fault.interface };
    default:
      return { kind: FAULT_UNDO[fault.kind], node: fault.node };
  }
}

export interface TimedEvent {
  readonly at: Instant;
  readonly event: ClusterEvent;
}

// ---------------------------------------------------------------- observations

export type StateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** What every observation carries: when, and which node saw it. */
export interface ObservationBase {
  readonly at: Instant;
  readonly node: NodeId;
}

/** What the nodes' VRRP side, their scripts and the harness did (load balancing's: core/lvs.ts). */
export type VrrpObservation =
  | (ObservationBase & {
      readonly kind: 'transitioned';
      readonly instance: string;
      readonly from: StateName;
      readonly to: StateName;
      readonly priority: number;
      readonly reason: string;
    })
  | (ObservationBase & { readonly kind: 'priority-changed'; readonly instance: string; readonly from: number; readonly to: number; readonly reason: string })
  | (ObservationBase & { readonly kind: 'address-added' | 'address-removed'; readonly instance: string; readonly interface: string; readonly address: string; readonly prefixLength: number; readonly reason?: string })
  | (ObservationBase & { readonly kind: 'garp'; readonly instance: string; readonly interface: string; readonly address: string })
  | (ObservationBase & { readonly kind: 'sent'; readonly instance: string; readonly interface: string; readonly destination: string; readonly priority: number })
  /** `from`: the sender's address; `why`: a peer mismatch's reason in words (src/vrrp explain.ts), when the node runs that engine. */
  | (ObservationBase & { readonly kind: 'dropped'; readonly instance?: string; readonly interface: string; readonly from?: string; readonly why?: string; readonly reason: { readonly code: string } })
  /** An instance wants MASTER; its sync group holds it until `waitingFor` want MASTER too. */
  | (ObservationBase & { readonly kind: 'sync-group-wait'; readonly instance: string; readonly group: string; readonly waitingFor: readonly string[]; readonly reason: string })
  | (ObservationBase & { readonly kind: 'script-status'; readonly script: string; readonly ok: boolean })
  | (ObservationBase & { readonly kind: 'event'; readonly event: ClusterEvent });

/** What a backend saw happen. Ordered by `at`, ties in the order they happened. */
export type Observation = VrrpObservation | LvsObservation;



export type ObservationKind = Observation['kind'];

// ---------------------------------------------------------------- clusters

export interface ClusterSpec<NodeConfig> {
  /** Every run has a seed; failures print it. */
  readonly seed: number;
  readonly nodes: readonly { readonly id: NodeId; readonly config: NodeConfig; readonly address: string }[];
  /** Load balancing: the real servers and the clients (absent: a VRRP-only cluster). */
  readonly lvs?: LvsClusterSpec;
}


/**
 * The port every backend implements. `NodeConfig` is the node spec; core cannot
 * name the engines' configs, so src/spec fixes it once (`NodeBackend`) and
 * every backend takes that one spec and maps it itself.
 */
export interface Backend<NodeConfig> {
  readonly name: string;
  /**
   * What this backend's clusters can do beyond the port's verbs (see
   * CapabilityMap). Without `lvs`, a scenario that needs load balancing is
   * refused before anything starts, naming the backend.
   */
  readonly capabilities: ReadonlySet<CapabilityName>;
  create(spec: ClusterSpec<NodeConfig>): Cluster;
}

// ---------------------------------------------------------------- capabilities

/** What a cluster can audit about who holds a VIP. */
export interface VipCheck {
  readonly address: string;
  /** Nodes that had the VIP configured at the end (`ip -4 addr`). */
  readonly actual: readonly NodeId[];
  /** Nodes the observations say held it at the end. */
  readonly observed: readonly NodeId[];
}

/** One word a backend replaced in a node's keepalived configuration, at the user's file:line:column. */
export interface ConfigRewrite {
  readonly node: NodeId;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** script → the lab's stub; notify → the lab's hook; notify-fifo: the user's FIFO removed; interface → the host's name. */
  readonly kind: 'script' | 'notify' | 'notify-fifo' | 'interface';
  /** The words as keepalived reads them ('' when something was added). */
  readonly from: string;
  /** What runs instead ('' when removed). */
  readonly to: string;
}

/** One line of a rewrite report: `lb1: lb1.conf:7:12: script "/usr/bin/check" → /lab/bin/script-stub chk`. */
export function formatConfigRewrite(r: ConfigRewrite): string {
  return `${r.node}: ${r.file}:${r.line}:${r.column}: ${r.kind} ${r.from === '' ? '(added)' : r.from} → ${r.to === '' ? '(removed)' : r.to}`;
}

/**
 * Verbs only some backends have. A caller asks `cluster.capability(name)` and
 * gets the verb or undefined — never a downcast to a backend's own type — so a
 * scenario, the CLI or a test reads the same on every backend.
 */
export interface CapabilityMap {
  /** Load balancing: real servers, clients and the LVS event words (LVS_EVENT_KINDS). */
  readonly lvs: Record<string, never>;
  /** Every frame the nodes sent, as one Ethernet pcap on the run's clock (the simulator with `capture`, Docker with `capture`). */
  readonly capture: { collect(): Promise<{ readonly pcap: Uint8Array; readonly frames: number }> };
  /** Who holds each VIP now by the hosts' own address tables, against what the observations say (Docker). */
  readonly 'vip-audit': { checkVips(): Promise<VipCheck[]> };
  /** Keep `from`'s packets to `to` (either omitted: any) in the network until `release`, which sends every held one on (the simulator; turmoil's hold/release). */
  readonly hold: { hold(from?: NodeId, to?: NodeId): void; release(): void };
  /** A hash of the whole trace: the same seed and inputs give the same hash (the simulator's determinism check). */
  readonly 'trace-hash': { traceHash(): string };
  /** Wall-clock seconds from `start()` until every node was up (Docker). */
  readonly 'startup-time': { readonly startupSeconds: number };
  /** What a backend that runs keepalived itself replaced in the user's configuration to run it (Docker). */
  readonly 'config-rewrites': { rewrites(): readonly ConfigRewrite[] };
}

export type CapabilityName = keyof CapabilityMap;

export const CAPABILITY_NAMES: readonly CapabilityName[] = ['lvs', 'capture', 'vip-audit', 'hold', 'trace-hash', 'startup-time', 'config-rewrites'];

export interface Cluster {
  /** Nodes listed in `deferred` are not started until a `start` event names them. */
  start(options?: { readonly deferred?: readonly NodeId[] }): Promise<StartedCluster>;
}

export interface StartedCluster extends AsyncDisposable {
  /** Current time on the cluster's clock (virtual in the simulator). */
  now(): Instant;
  /** The capability's verbs when this cluster has it (a backend may have one only when started with an option, e.g. `capture`). */
  capability<K extends CapabilityName>(name: K): CapabilityMap[K] | undefined;
  apply(event: ClusterEvent): Promise<void>;
  /**
   * Let time pass. The simulator runs instantly; real backends wait. An event
   * applied right after acts before what the nodes had due at that instant;
   * `advance(0)` lets what is due now happen.
   */
  advance(duration: DurationUs): Promise<void>;
  /** Everything observed so far, in order. */
  observations(): readonly Observation[];
  stop(): Promise<StoppedCluster>;
}

export interface StoppedCluster {
  observations(): readonly Observation[];
}

/** The capability's verbs, or a ScenarioError naming the backend and what was asked of it. */
export function requireCapability<K extends CapabilityName>(cluster: StartedCluster, name: K, backend: string, why: string): CapabilityMap[K] {
  const verbs = cluster.capability(name);
  if (verbs === undefined) throw new ScenarioError('backend-lacks-capability', `${why} needs the '${name}' capability, which ${backend} does not offer here`);
  return verbs;
}
