/**
 * What the simulator needs to run a keepalived node as an LVS director, and the
 * narrow ports through which it drives the IPVS model (src/ipvs) and the
 * health-checker engine (src/ipvs/checkers).
 *
 * The director is reached through `DirectorPort` rather than src/ipvs directly
 * so that the simulator's hosting (wake-ups, packets, sync, sampling) can be
 * tested with a small fake, and so that the one place that knows the IPVS API's
 * shape is lvs-ipvs.ts.
 */
import type { Engine } from '../core/engine.js';
import type { NodeId } from '../core/ids.js';
import type { Instant } from '../core/time.js';
import type { CheckerConfig, CheckerInput, CheckerOutput } from '../ipvs/checkers/types.js';
import type { DirectorPacket, DirectorSpec, DirectorStats, ForwardingMethod, InVerdict, OutVerdict, ServiceKey, SyncMessage, SyncState } from '../ipvs/director-types.js';

/** keepalived's checker process as an engine; its state is opaque to the simulator. */
export type CheckerEngineLike = Engine<CheckerConfig, unknown, CheckerInput, CheckerOutput>;

/** A checker `ipvs` output: what keepalived asks of the kernel's table. */
export type IpvsCommand = Extract<CheckerOutput, { kind: 'ipvs' }>;

/** One director's IPVS table as the simulator drives it. */
export interface DirectorPort {
  /** A packet to a virtual service (client → VIP). */
  packetIn(packet: DirectorPacket, now: Instant): InVerdict;
  /** A real server's reply passing the director (NAT). */
  packetOut(packet: DirectorPacket, now: Instant): OutVerdict;
  /** Expire connections and run the sync thread up to `now`. */
  tick(now: Instant): void;
  nextDeadline(): Instant | undefined;
  /** Add, remove or re-weigh a real server as keepalived's checker asks. */
  command(command: IpvsCommand, server: LvsServerMapping, now: Instant): void;
  stats(): DirectorStats;
  setSyncState(state: SyncState, now: Instant): void;
  /** Datagrams the master sync thread sent by `now`. */
  takeSync(now: Instant): readonly SyncMessage[];
  applySync(messages: readonly SyncMessage[], now: Instant): void;
}

/** How one real server of one virtual service is named in each model. */
export interface LvsServerMapping {
  /** "VIP:PORT" (or "fwmark N"): what scenario files and the timeline call the service. */
  readonly service: string;
  /** The checker engine's service and real-server keys. */
  readonly checkerService: string;
  readonly checkerServer: string;
  /** The director's service key and the real server's name in it. */
  readonly directorService: ServiceKey;
  readonly dest: string;
  readonly method: ForwardingMethod;
  /** The simulated real server behind it. */
  readonly realServer: NodeId;
  readonly address: string;
  readonly port: number;
  /** keepalived's sorry_server for the service. */
  readonly sorry?: boolean;
  /** uthreshold / lthreshold: the kernel's overload thresholds. */
  readonly uThreshold?: number;
  readonly lThreshold?: number;
}

/** A node's LVS side: keepalived's `virtual_server` blocks as a director and its checkers. */
export interface SimLvsDirectorConfig {
  readonly director: DirectorSpec;
  readonly checker: CheckerConfig;
  readonly servers: readonly LvsServerMapping[];
  /** The virtual services as "VIP:PORT", with the director's key for each. */
  readonly services: readonly { readonly name: string; readonly key: ServiceKey; readonly vip: string; readonly port: number }[];
  /** `lvs_sync_daemon INTERFACE INSTANCE`: the instance's VRRP state picks the sync thread (master or backup). */
  readonly sync?: { readonly interface: string; readonly instance: string };
}

/** Builds a fresh director (a node's start: an empty table, as after a reboot). */
export type DirectorFactory = (spec: DirectorSpec, seed: number) => DirectorPort;
