/**
 * The backend-neutral spec of a corosync/cman cluster for the cluster model:
 * node ids and names, each node's quorum engine configuration, totem's timers
 * in force, the quorum device. Built from a corosync.conf or a cluster.conf by
 * src/scenario/cluster; run by the cluster simulator (src/sim/cluster).
 *
 * Rules: data only; engine configuration types, nothing else.
 */
import type { TotemTiming } from '../fencing/membership.js';
import type { QnetdAlgorithm, QnetdTieBreaker } from '../fencing/qdevice.js';
import type { VotequorumConfig } from '../fencing/quorum.js';

export interface HaNodeSpec {
  readonly id: number;
  readonly name: string;
  /** The node's votequorum (or cman) configuration; absent: no quorum provider, always quorate. */
  readonly quorum?: VotequorumConfig;
}

export interface QdeviceSpec {
  readonly algorithm: QnetdAlgorithm;
  readonly tieBreaker: QnetdTieBreaker;
  /** quorum.device.timeout: the vote lapses this long after the last poll. */
  readonly timeoutMs: number;
}

export interface HaClusterSpec {
  readonly nodes: readonly HaNodeSpec[];
  readonly timing: TotemTiming;
  readonly qdevice?: QdeviceSpec;
  /** Nodes started at t=0 (default: all). */
  readonly boot?: readonly string[];
  /** Why corosync exits as soon as it starts (a configuration votequorum refuses): no node ever runs. */
  readonly startupError?: string;
}
