/**
 * The load-balancing words of the Backend port (core/backend.ts): the LVS event
 * words, what a backend observes of the directors, real servers and clients,
 * the machines around a director pair, and the client timing every backend's
 * clients share.
 *
 * Why here and not beside the IPVS model (src/ipvs): the port's unions
 * (`ClusterEvent = VrrpEvent | LvsEvent`, `Observation = VrrpObservation |
 * LvsObservation`) name these, and core imports nothing above it. They are
 * words of the lab around LVS — clients, real servers, ipvsadm's counters —
 * not of the kernel's table, which src/ipvs models.
 */
import type { DurationUs } from './time.js';
import type { NodeId } from './ids.js';
import type { ObservationBase } from './backend.js';

export type LvsEvent =
  /**
   * From now on clients open `rate` TCP connections a second to a virtual
   * service (`service` "VIP:PORT", default the first one), for `durationUs`
   * (absent: until the run ends), each kept open `holdUs`. Replaces the load
   * set earlier; rate 0 stops new connections (open ones run their course).
   */
  | { readonly kind: 'clients'; readonly rate: number; readonly durationUs?: DurationUs; readonly holdUs?: DurationUs; readonly service?: string }
  /**
   * A real server fails. `stop`: its service stops, the host stays up and
   * answers every connection attempt and segment with RST. `crash`: the host is
   * gone and answers nothing (connects and checks time out).
   */
  | { readonly kind: 'rsdown'; readonly server: string; readonly mode: 'stop' | 'crash' }
  /** The real server's host and service are back, with no connections. */
  | { readonly kind: 'rsup'; readonly server: string };

/** The load-balancing event words: a backend without the `lvs` capability refuses them before starting. */
export const LVS_EVENT_KINDS: ReadonlySet<string> = new Set<LvsEvent['kind']>(['clients', 'rsdown', 'rsup']);

export function isLvsEvent(event: { readonly kind: string }): event is LvsEvent {
  return LVS_EVENT_KINDS.has(event.kind);
}

/** What a backend saw of load balancing. */
export type LvsObservation =
  /**
   * Recorded by `node` (a director): the IPVS counters of one real server
   * in one virtual service changed (ipvsadm's ActiveConn / InActConn), sampled.
   */
  | (ObservationBase & { readonly kind: 'lvs-conns'; readonly service: string; readonly server: string; readonly active: number; readonly inactive: number })
  /** A director's health checker put a real server in service (`up`) or took it out. */
  | (ObservationBase & { readonly kind: 'lvs-check'; readonly service: string; readonly server: string; readonly up: boolean; readonly reason: string })
  /** What happened to one client connection (`node` is the clients' node). */
  | (ObservationBase & {
      readonly kind: 'lvs-client';
      readonly outcome: LvsClientOutcome;
      readonly service: string;
      /** The client's address:port. */
      readonly client: string;
      /** The real server that answered, when one did. */
      readonly server?: string;
      readonly reason: string;
    })
  /**
   * The clients' router's ARP cache (`node` is the clients' node) sends
   * `address` to a new `owner`, or gave up on it (no `owner`: FAILED, the next
   * packet asks again). Why: a gratuitous ARP, a reply, or probes unanswered.
   */
  | (ObservationBase & { readonly kind: 'lvs-arp'; readonly address: string; readonly owner?: NodeId; readonly reason: string });

/**
 * A client connection's fate: `opened` (handshake done), then one of
 * `completed` (closed after its hold time), `broken` (reset or unanswered once
 * open); or, never opened, `refused` (RST or ICMP unreachable) or `timed-out`.
 */
export type LvsClientOutcome = 'opened' | 'completed' | 'broken' | 'refused' | 'timed-out';

/** How long a client connection stays open when the `clients` event gives no hold time. */
export const CLIENT_DEFAULT_HOLD_US: DurationUs = 10_000_000 as DurationUs;
/** An open client connection sends one data segment a second (every backend's clients). */
export const CLIENT_DATA_INTERVAL_US: DurationUs = 1_000_000 as DurationUs;
/**
 * A connect, a data segment or a FIN unanswered this long gives up (an
 * application's timeout; the kernel itself would try for minutes).
 */
export const CLIENT_GIVE_UP_US: DurationUs = 15_000_000 as DurationUs;

/**
 * The machines around an LVS director pair. `network` names a shared network
 * the way nodes' interface names do (every node's `eth0` is one network).
 */
export interface LvsClusterSpec {
  readonly realServers: readonly LvsRealServerSpec[];
  /** Where client traffic enters: a router on the virtual services' network. */
  readonly clients: { readonly id: NodeId; readonly address: string; readonly network: string };
  /** The virtual services clients can be sent to, "VIP:PORT", the default first. */
  readonly services: readonly string[];
}

export interface LvsRealServerSpec {
  readonly id: NodeId;
  readonly address: string;
  readonly network: string;
  /** TCP ports its service listens on. */
  readonly ports: readonly number[];
  /**
   * Where its replies to clients go: absent, the clients' router (DR and TUN:
   * replies bypass the director); for NAT the VIP, so the director holding it
   * rewrites them.
   */
  readonly gateway?: string;
}
