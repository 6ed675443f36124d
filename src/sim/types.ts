/**
 * What a caller gives the simulator: the engine to host, per-node configuration
 * and the run's options.
 */
import type { ObservationKind } from '../core/backend.js';
import type { Engine } from '../core/engine.js';
import type { SegmentId } from '../core/ids.js';
import type { DurationUs } from '../core/time.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput } from '../vrrp/types.js';
import type { LvsEngines } from './lvs/lvs.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import type { LinkOptions } from './network.js';

/** Any engine that speaks the VRRP contract; its state is opaque to the simulator. */
export type VrrpEngineLike = Engine<VrrpNodeConfig, unknown, VrrpInput, VrrpOutput>;

export interface SimNodeConfig {
  readonly vrrp: VrrpNodeConfig;
  /**
   * Interface name → segment (broadcast domain). Default: the interface's IPv4
   * subnet, e.g. "192.0.2.0/24", so interfaces on the same subnet share a link.
   */
  readonly segments?: Readonly<Record<string, SegmentId>>;
  /** Exit code each vrrp_script returns at the start (default 0 = ok); `fail`/`ok` events change it. */
  readonly scriptExitCodes?: Readonly<Record<string, number>>;
  /** keepalived's `virtual_server` blocks: the node is an LVS director (needs `SimulationOptions.lvs`). */
  readonly lvs?: DirectorNodeConfig;
}

export interface SimulationOptions {
  /** Every run has a seed; the same seed and inputs give the same trace. */
  readonly seed: number;
  readonly engine: VrrpEngineLike;
  /** Delay and loss of every link. Default: 100 µs, no jitter, no loss. */
  readonly link?: LinkOptions;
  /** Per-segment overrides of `link`, by segment id (see SimNodeConfig.segments). */
  readonly segments?: Readonly<Record<SegmentId, LinkOptions>>;
  /** Hand a VRRP multicast only to interfaces with that VRID (keepalived drops others silently). Default true. */
  readonly filterUnknownVrids?: boolean;
  /** Time from a `run-script` request to its `script-result`. Default 0. */
  readonly scriptLatencyUs?: DurationUs;
  /** Observation kinds to record. Default: every kind but `sent`. */
  readonly observe?: readonly ObservationKind[];
  /** Keep every frame for a pcap (`Simulation.frames()` / `pcap()`). Default false. */
  readonly capture?: boolean;
  /** The IPVS model and checker engine for director nodes, real servers and clients (load balancing). */
  readonly lvs?: LvsEngines;
}
