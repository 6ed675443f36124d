/**
 * What a host needs to run a keepalived node as an LVS director — every host
 * alike (the simulator, the container forwarder, the Docker lab's planner): its IPVS
 * table's spec, its checkers' config and how their names map onto each other.
 *
 * The director is reached through `DirectorPort` (src/ipvs/director-port.ts)
 * rather than src/ipvs directly, so that the simulator's hosting (wake-ups,
 * packets, sync, sampling) can be tested with a small fake; the container
 * runtime's forwarder drives the same port.
 */
import type { CheckerConfig } from './checkers/types.js';
import type { DirectorSpec, ServiceKey } from './director-types.js';
import type { LvsServerMapping } from './director-port.js';

/** A node's LVS side: keepalived's `virtual_server` blocks as a director and its checkers. */
export interface DirectorNodeConfig {
  readonly director: DirectorSpec;
  readonly checker: CheckerConfig;
  readonly servers: readonly LvsServerMapping[];
  /** The virtual services as "VIP:PORT", with the director's key for each. */
  readonly services: readonly { readonly name: string; readonly key: ServiceKey; readonly vip: string; readonly port: number }[];
  /** `lvs_sync_daemon INTERFACE INSTANCE`: the instance's VRRP state picks the sync thread (master or backup). */
  readonly sync?: { readonly interface: string; readonly instance: string };
}

