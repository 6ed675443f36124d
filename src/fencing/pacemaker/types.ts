/**
 * The Pacemaker scheduler's input and output, independent of where the
 * configuration came from (a CIB, or an RHCS cluster.conf mapped onto
 * Pacemaker's terms above this layer).
 *
 * Names follow Pacemaker's: `resource-stickiness`, `migration-threshold`,
 * `no-quorum-policy`, `requires`, `on-fail`, and crm_simulate's transition
 * summary words (start, stop, move, recover, restart, promote, demote).
 */

/** Pacemaker's score range: ±INFINITY is ±1,000,000. */
export const INFINITY = 1_000_000;

export type NoQuorumPolicy = 'stop' | 'freeze' | 'ignore' | 'demote' | 'suicide';
export type Requires = 'nothing' | 'quorum' | 'fencing' | 'unfencing';
export type OnFail = 'ignore' | 'block' | 'stop' | 'restart' | 'fence' | 'standby' | 'demote';

export interface PcmkOptions {
  readonly stonithEnabled: boolean;
  readonly noQuorumPolicy: NoQuorumPolicy;
  readonly symmetricCluster: boolean;
  readonly stonithAction: 'reboot' | 'off';
  /** Seconds; 0 = none. */
  readonly priorityFencingDelayS: number;
  readonly startFailureIsFatal: boolean;
  readonly concurrentFencing: boolean;
  readonly stopAllResources: boolean;
  readonly maintenanceMode: boolean;
}

export interface PcmkOp {
  /** `monitor`, `start`, `stop`, … */
  readonly name: string;
  readonly intervalMs: number;
  readonly onFail?: OnFail;
}

export interface PcmkResource {
  readonly id: string;
  /** class="stonith": a fence device. */
  readonly isStonith: boolean;
  readonly priority: number;
  readonly stickiness: number;
  /** 0 disables it. */
  readonly migrationThreshold: number;
  /** Seconds; 0 = failures never expire. */
  readonly failureTimeoutS: number;
  readonly requires: Requires;
  readonly targetRole: 'Started' | 'Stopped' | 'Promoted' | 'Unpromoted';
  readonly isManaged: boolean;
  readonly ops: readonly PcmkOp[];
  /** For fence devices: the nodes it can fence (pcmk_host_list / pcmk_host_map); undefined = any. */
  readonly fenceTargets?: readonly string[];
  /** pcmk_delay_base in seconds (fence devices). */
  readonly delayBaseS?: number;
  /** pcmk_delay_max in seconds (fence devices). */
  readonly delayMaxS?: number;
  /** An anonymous clone's primitive: instances `ID:0`…`ID:max-1`, at most one per node. */
  readonly clone?: { readonly id: string; readonly max: number };
}

export interface PcmkLocation {
  readonly rsc: string;
  readonly node: string;
  readonly score: number;
}

export interface PcmkColocation {
  /** The dependent: placed relative to `withRsc`. */
  readonly rsc: string;
  readonly withRsc: string;
  readonly score: number;
}

export interface PcmkConfig {
  readonly options: PcmkOptions;
  /** Node names as the CIB lists them. */
  readonly nodes: readonly string[];
  /** The DC (dc-uuid), fenced last. */
  readonly dc?: string;
  /** Top-level order as the CIB lists them (group members in place). */
  readonly resources: readonly PcmkResource[];
  readonly locations: readonly PcmkLocation[];
  readonly colocations: readonly PcmkColocation[];
  /** Mandatory orders (`first` then `then`; a group's members in turn). Absent: none. */
  readonly orders?: readonly PcmkOrder[];
}

export interface PcmkOrder {
  readonly first: string;
  readonly then: string;
}

// ── State: what the status section says ─────────────────────────────────

export interface NodeStatus {
  /** Member of the corosync membership (in_ccm). */
  readonly inCcm: boolean;
  /** The controller runs there (crmd="online"). */
  readonly crmdOnline: boolean;
  /** expected="member" (down = a clean shutdown was expected). */
  readonly expectedUp: boolean;
  readonly standby?: boolean;
}

/** What a resource's history on one node says. */
export interface RscHistory {
  readonly active: boolean;
  /** A failed operation that still wants recovery: its task, interval and rc. */
  readonly failed?: { readonly task: string; readonly intervalMs: number; readonly rc: number };
  /** The last failure (kept after recovery: hard and fatal errors keep banning while it is there). */
  readonly lastFailure?: { readonly task: string; readonly intervalMs: number; readonly rc: number; readonly atS: number };
}

export interface PcmkState {
  readonly quorate: boolean;
  readonly nodes: Readonly<Record<string, NodeStatus>>;
  /** node → resource → history. */
  readonly history: Readonly<Record<string, Readonly<Record<string, RscHistory>>>>;
  /** node → transient attribute → value (fail-count-RSC#OP_INTERVAL, last-failure-…). */
  readonly attrs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

// ── Output: one transition ──────────────────────────────────────────────

export interface FenceDecision {
  readonly node: string;
  readonly action: 'reboot' | 'off';
  readonly reason: string;
  /** priority-fencing-delay applied to this fence, seconds. */
  readonly delayS?: number;
}

export type ActionKind = 'start' | 'stop' | 'move' | 'recover' | 'restart' | 'promote' | 'demote';

export interface ActionDecision {
  readonly action: ActionKind;
  readonly resource: string;
  readonly node?: string;
  readonly source?: string;
  readonly dest?: string;
  readonly blocked?: boolean;
  readonly reason?: string;
}

/** A concrete step of the transition graph, in execution order. */
export type GraphOp =
  | { readonly kind: 'fence'; readonly node: string }
  | { readonly kind: 'stop'; readonly rsc: string; readonly node: string }
  | { readonly kind: 'start'; readonly rsc: string; readonly node: string; readonly afterFences: readonly string[] };

export interface Transition {
  readonly fence: readonly FenceDecision[];
  readonly actions: readonly ActionDecision[];
  readonly fenceOrder: readonly string[];
  /** Runnable operations, in the order they would execute. */
  readonly graph: readonly GraphOp[];
  /** Where each resource was placed (null: nowhere), in assignment order. */
  readonly placement: Readonly<Record<string, string | null>>;
}
