/**
 * The backend-neutral spec of the RHCS stack on a cluster (fenced, rgmanager, the
 * fence devices and the storage they protect), as the RHCS cluster agent runs it.
 * Built from a cluster.conf plus what a cluster.conf cannot say (where each fence
 * device sits, which storage the services write), given by a scenario.
 *
 * Rules: data only; engine configuration types, nothing else.
 */
import type { FenceDeviceKind } from '../core/fence-kind.js';
import type { DrbdConfig, SharedDiskConfig } from '../fencing/disk.js';
import type { FencerConfig } from '../fencing/fencer.js';
import type { RgConfig } from '../fencing/rgmanager.js';

/** The cluster network's name in `network` fields. */
export const RING = 'ring';

export interface DeviceSite {
  readonly name: string;
  readonly kind: FenceDeviceKind;
  /** `ring` (the cluster network) or another network's name. */
  readonly network: string;
  /** A BMC's (or hypervisor's) node: on the ring it sits on that node's side of a split. */
  readonly host?: string;
}

export interface RhcsAgentSpec {
  readonly fencer: Omit<FencerConfig, 'self'>;
  readonly rg: Omit<RgConfig, 'self'>;
  readonly devices: readonly DeviceSite[];
  readonly shared: readonly SharedDiskConfig[];
  readonly drbd: readonly DrbdConfig[];
  /** DRBD's replication network (default `sn`). */
  readonly replicationNetwork: string;
  /** Which storage each service writes to (default: the first storage of its node). */
  readonly serviceStorage: Readonly<Record<string, string>>;
  readonly ioIntervalUs: number;
  /** Time a node fenced with `reboot` takes to run corosync again. */
  readonly bootUs: number;
}

/** What a scenario adds to a cluster.conf. */
export interface ClusterExtras {
  readonly devices?: Readonly<Record<string, { readonly network?: string; readonly host?: string }>>;
  readonly shared?: readonly SharedDiskConfig[];
  readonly drbd?: readonly DrbdConfig[];
  readonly serviceStorage?: Readonly<Record<string, string>>;
  readonly replicationNetwork?: string;
  readonly ioIntervalS?: number;
  readonly bootS?: number;
  readonly seed?: number;
}
