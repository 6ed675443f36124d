/**
 * keepalived's view of one director's IPVS table: the narrow port through which
 * a host (the simulator, the lab's user-space forwarder in a container) drives
 * the IPVS model (director.ts) and the health-checker engine (checkers/), and
 * the one place that knows the model's API shape.
 *
 * keepalived's checker asks for `add`, `remove` and `set-weight`; the kernel
 * has add-or-edit (`setRealServer`) and delete (`removeRealServer`), which is
 * how keepalived's ipvswrapper maps them too (inhibit_on_failure is an edit to
 * weight 0). A `remove` of a server the table no longer has is keepalived's
 * "no such destination" error, logged and harmless: it changes nothing here.
 */
import type { Engine } from '../core/engine.js';
import type { NodeId } from '../core/ids.js';
import { parseIpv4 } from '../core/ipv4.js';
import type { Instant } from '../core/time.js';
import type { CheckerConfig, CheckerInput, CheckerOutput } from './checkers/types.js';
import {
  applySyncMessages,
  createDirector,
  directorNextDeadline,
  directorPacketIn,
  directorPacketOut,
  directorStats,
  directorSyncOut,
  directorTick,
  removeRealServer,
  setRealServer,
  setSyncState,
  type Director,
} from './director.js';
import type { DirectorPacket, DirectorSpec, DirectorStats, ForwardingMethod, InVerdict, OutVerdict, ServiceKey, SyncMessage, SyncState } from './director-types.js';

/** keepalived's checker process as an engine; its state is opaque to the simulator. */
export type CheckerEngineLike = Engine<CheckerConfig, unknown, CheckerInput, CheckerOutput>;

/** A checker `ipvs` output: what keepalived asks of the kernel's table. */
export type IpvsCommand = Extract<CheckerOutput, { kind: 'ipvs' }>;

/** One director's IPVS table as a host drives it. */
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

/** Builds a fresh director (a node's start: an empty table, as after a reboot). */
export type DirectorFactory = (spec: DirectorSpec, seed: number) => DirectorPort;

class IpvsDirector implements DirectorPort {
  constructor(private readonly d: Director) {}

  packetIn: DirectorPort['packetIn'] = (packet, now) => directorPacketIn(this.d, packet, now);
  packetOut: DirectorPort['packetOut'] = (packet, now) => directorPacketOut(this.d, packet, now);

  tick(now: Instant): void {
    directorTick(this.d, now);
  }

  nextDeadline(): Instant | undefined {
    return directorNextDeadline(this.d);
  }

  command(command: IpvsCommand, server: LvsServerMapping): void {
    const d = this.d;
    if (command.op === 'remove') {
      const service = d.services.find((s) => s.key === server.directorService);
      if (service?.svc.dests.some((x) => x.name === server.dest)) removeRealServer(d, server.directorService, server.dest);
      return;
    }
    const addr = parseIpv4(command.address) ?? parseIpv4(server.address) ?? 0;
    setRealServer(d, server.directorService, {
      name: server.dest,
      addr,
      port: command.port,
      weight: command.weight,
      method: server.method,
      ...(server.uThreshold === undefined ? {} : { uThreshold: server.uThreshold }),
      ...(server.lThreshold === undefined ? {} : { lThreshold: server.lThreshold }),
    });
  }

  stats: DirectorPort['stats'] = () => directorStats(this.d);

  setSyncState(state: Parameters<DirectorPort['setSyncState']>[0]): void {
    setSyncState(this.d, state);
  }

  takeSync: DirectorPort['takeSync'] = (now) => directorSyncOut(this.d, now);

  applySync(messages: Parameters<DirectorPort['applySync']>[0], now: Instant): void {
    applySyncMessages(this.d, messages, now);
  }
}

/** A fresh IPVS table for a director node (empty of connections; the checkers fill in the real servers). */
export const ipvsDirectorFactory: DirectorFactory = (spec: DirectorSpec, seed: number) => new IpvsDirector(createDirector({ ...spec, seed }));
