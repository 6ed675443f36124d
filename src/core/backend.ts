/**
 * The Backend port: what every way of running a cluster offers — the simulator
 * (src/sim), Docker containers with keepalived or with our engine (src/docker).
 * Scenarios, checkers and the TUI see only this port and the Observation stream.
 *
 * Lifecycle follows testcontainers: `Backend.create(spec)` gives a `Cluster`,
 * `start()` a `StartedCluster`, `stop()` a `StoppedCluster`.
 */
import type { Instant, DurationUs } from './time.js';
import type { NodeId } from './ids.js';

// ---------------------------------------------------------------- event words

/**
 * The shared vocabulary of things that happen to a cluster. The CLI event syntax
 * `T WORD NODE [ARG]` maps one to one onto these.
 */
export type ClusterEvent =
  | { readonly kind: 'start'; readonly node: NodeId }
  /** Graceful: keepalived's SIGTERM, masters send priority 0. */
  | { readonly kind: 'stop'; readonly node: NodeId }
  /** Crash: no goodbye; the node's addresses vanish with it. */
  | { readonly kind: 'kill'; readonly node: NodeId }
  /** From now on the node's vrrp_script SCRIPT fails (exit 1). */
  | { readonly kind: 'fail'; readonly node: NodeId; readonly script: string }
  /** From now on the node's vrrp_script SCRIPT succeeds (exit 0). */
  | { readonly kind: 'ok'; readonly node: NodeId; readonly script: string }
  | { readonly kind: 'linkdown'; readonly node: NodeId; readonly interface?: string }
  | { readonly kind: 'linkup'; readonly node: NodeId; readonly interface?: string }
  /** Frozen (SIGSTOP): no packets in or out, timers stale when resumed. */
  | { readonly kind: 'pause'; readonly node: NodeId }
  | { readonly kind: 'resume'; readonly node: NodeId }
  /** Groups of nodes that can no longer reach each other. */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** `from`'s packets no longer reach `to` (the reverse direction still works). */
  | { readonly kind: 'oneway'; readonly from: NodeId; readonly to: NodeId }
  /** Undo every partition and one-way cut. */
  | { readonly kind: 'heal' }
  /** Lose a fraction of the packets a node sends (0 = none, 1 = all). */
  | { readonly kind: 'loss'; readonly node: NodeId; readonly lossRatio: number };

export type ClusterEventKind = ClusterEvent['kind'];

export interface TimedEvent {
  readonly at: Instant;
  readonly event: ClusterEvent;
}

// ---------------------------------------------------------------- observations

export type StateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

interface ObservationBase {
  readonly at: Instant;
  readonly node: NodeId;
}

/** What a backend saw happen. Ordered by `at`, ties in the order they happened. */
export type Observation =
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
  | (ObservationBase & { readonly kind: 'dropped'; readonly instance?: string; readonly interface: string; readonly reason: { readonly code: string } })
  | (ObservationBase & { readonly kind: 'script-status'; readonly script: string; readonly ok: boolean })
  | (ObservationBase & { readonly kind: 'event'; readonly event: ClusterEvent });

export type ObservationKind = Observation['kind'];

// ---------------------------------------------------------------- clusters

export interface ClusterSpec<NodeConfig> {
  /** Every run has a seed; failures print it. */
  readonly seed: number;
  readonly nodes: readonly { readonly id: NodeId; readonly config: NodeConfig; readonly address: string }[];
}

export interface Backend<NodeConfig> {
  readonly name: string;
  create(spec: ClusterSpec<NodeConfig>): Cluster;
}

export interface Cluster {
  /** Nodes listed in `deferred` are not started until a `start` event names them. */
  start(options?: { readonly deferred?: readonly NodeId[] }): Promise<StartedCluster>;
}

export interface StartedCluster extends AsyncDisposable {
  /** Current time on the cluster's clock (virtual in the simulator). */
  now(): Instant;
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
