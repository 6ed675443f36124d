/**
 * What the cluster simulator runs and what it reports.
 *
 * A `HaClusterSpec` (src/spec/ha-cluster.ts) is engine configuration only — node ids and names, each
 * node's votequorum config, totem's timing, the quorum device — built from a
 * corosync.conf or a cluster.conf by the scenario layer (src/scenario/cluster).
 *
 * Extension point: `ClusterAgent`. Fencing, service recovery and shared disks
 * plug in as agents. An agent sees every membership and quorum change on every
 * node, may claim event verbs (`T fencefail DEV`, `T svcfail SVC`…), may set
 * timers, and acts on the world through its context: power a node off or on,
 * and emit `fence` / `service` / `disk` / `corruption` events into the run's
 * event list. Agents observe the membership layer but never change its
 * decisions, so the membership and quorum part stays comparable with real corosync.
 */
import type { Instant } from '../../core/time.js';
import type { QuorumInfo } from '../../fencing/quorum.js';
import type { ClusterEvent } from './events.js';

export type { HaClusterSpec, HaNodeSpec, QdeviceSpec } from '../../spec/ha-cluster.js';

/** One line of `cluster simulate --json`'s `events`. Times are seconds. */
export type ClusterOutEvent =
  | { readonly t: number; readonly kind: 'membership'; readonly node: string; readonly members: readonly string[] }
  | {
      readonly t: number; readonly kind: 'quorum'; readonly node: string; readonly quorate: boolean; readonly expected_votes: number;
      readonly highest_expected: number; readonly total_votes: number; readonly quorum: number; readonly flags: readonly string[];
    }
  | { readonly t: number; readonly kind: 'fence'; readonly target: string; readonly by: string; readonly device: string; readonly method: string; readonly result: string; readonly reason: string }
  | { readonly t: number; readonly kind: 'service'; readonly service: string; readonly node: string; readonly state: string; readonly reason: string }
  | {
      readonly t: number; readonly kind: 'disk'; readonly writer: string; readonly resource: string;
      /** What happened: write, blocked, mount, frozen/thawed (resource `dlm`), split-brain, drbd-(dis)connected. */
      readonly op?: string; readonly service?: string; readonly seq?: number; readonly reason?: string; readonly proof?: readonly unknown[];
    }
  | { readonly t: number; readonly kind: 'corruption'; readonly what: string; readonly proof: readonly unknown[] };

/** What happened to the world (for the text timeline; not part of the JSON event list). */
export interface ClusterNote {
  readonly t: number;
  readonly node?: string;
  readonly text: string;
}

/** Events an agent may add (membership and quorum belong to the simulator). */
export type AgentOutEvent = Extract<ClusterOutEvent, { kind: 'fence' | 'service' | 'disk' | 'corruption' }>;
export type AgentOutEventBody = AgentOutEvent extends infer E ? (E extends { t: number } ? Omit<E, 't'> : never) : never;

export type NodeStatus = 'down' | 'running' | 'paused';

/** The world as an agent may see it; read-only. */
export interface ClusterView {
  readonly now: Instant;
  nodeNames(): readonly string[];
  status(node: string): NodeStatus;
  /** The members of the ring `node` is in (empty when it is not running). */
  members(node: string): readonly string[];
  quorum(node: string): QuorumInfo | undefined;
  /** Whether `a` and `b` can exchange traffic on the cluster network right now. */
  connected(a: string, b: string): boolean;
}

export interface ClusterAgentContext extends ClusterView {
  emit(event: AgentOutEventBody): void;
  /** Call the agent's `onTimer(key)` at `at` (not before now). */
  setTimer(at: Instant, key: string): void;
  /** Power a node off (a fence: like SIGKILL of everything on it). */
  powerOff(node: string, cause: string): void;
  /** Power a node on (corosync starts). */
  powerOn(node: string, cause: string): void;
}

export interface ClusterAgent {
  readonly name: string;
  /** Event verbs this agent handles (checked when the run is set up, so a typo is a located error). */
  readonly verbs?: readonly string[];
  /** Checks one of its events against the configuration before the run (e.g. a service that does not exist): a message, or undefined. */
  checkEvent?(event: Extract<ClusterEvent, { kind: 'agent' }>): string | undefined;
  start?(ctx: ClusterAgentContext): void;
  onEvent?(event: Extract<ClusterEvent, { kind: 'agent' }>, ctx: ClusterAgentContext): void;
  onMembership?(node: string, members: readonly string[], ctx: ClusterAgentContext): void;
  onQuorum?(node: string, info: QuorumInfo, ctx: ClusterAgentContext): void;
  /** `cause` says why (e.g. `killed`, `stopped (leave message sent)`, a fence's words). */
  onNodeStatus?(node: string, status: NodeStatus, ctx: ClusterAgentContext, cause?: string): void;
  /** Networks besides the cluster ring this agent models: `T linkdown NODE IFACE` on one of them goes to `onLink`, not to the ring. */
  readonly networks?: readonly string[];
  onLink?(node: string, iface: string, up: boolean, ctx: ClusterAgentContext): void;
  onTimer?(key: string, ctx: ClusterAgentContext): void;
}
