/**
 * The wire for load-balancing traffic: LVS packets (packet.ts) between the
 * interfaces of directors, real servers and the clients' router, over the same
 * segments, ARP views and link settings as the VRRP bytes (network.ts).
 *
 * Theory of operation
 * -------------------
 * A packet is sent to a *next hop* on the sender's segment: the interface the
 * segment's ARP view maps that address to (the last to announce it, the same
 * way the VRRP bytes go) — except from an interface with a neighbour cache of
 * its own (the clients' router, neighbour.ts), which resolves, ages and
 * re-resolves its entries as Linux does. It arrives after the segment's latency; on arrival
 * the interface must be up and still answer for the next hop (a VIP moved away
 * is dropped, as `address-not-local` is for VRRP), and is handed to the
 * endpoint registered for that interface.
 *
 * Rules
 * -----
 * - Partitions and one-way cuts name keepalived nodes, so they apply to packets
 *   between two keepalived nodes (the directors' sync traffic). Traffic to and
 *   from real servers and clients crosses them: a partition between the
 *   directors does not cut the clients off.
 * - The `loss` event is a node's VRRP loss (as on Docker, where it drops
 *   protocol 112); a segment's own `lossRatio` loses LVS packets too.
 * - Latency jitter and loss draw from their own streams (`lvs/latency`,
 *   `lvs/loss`): client traffic never shifts the VRRP run's random numbers.
 * - A held copy (`hold`) is dropped: holds are a VRRP testing tool.
 */
import type { Rng } from '../../core/rng.js';
import type { Instant } from '../../core/time.js';
import type { EventQueue, Scheduled } from '../event-queue.js';
import type { Attachment, Segment, SimNetwork } from '../network.js';
import type { NeighbourCache } from './neighbour.js';
import type { LvsPacket } from './packet.js';

/** Something plugged into a segment that takes LVS packets: a director's node, a real server, the clients. */
export interface LvsEndpoint {
  /** `at` is the receiving interface, `from` the sender's; `nextHop` the address the packet was sent to. */
  receive(packet: LvsPacket, at: Attachment, nextHop: string, from: Attachment): void;
}

export interface LvsWireStats {
  sent: number;
  delivered: number;
  lost: number;
}

export class LvsWire {
  readonly stats: LvsWireStats = { sent: 0, delivered: 0, lost: 0 };
  private readonly endpoints = new Map<Attachment, LvsEndpoint>();
  private readonly caches = new Map<Attachment, NeighbourCache>();

  constructor(
    private readonly network: SimNetwork,
    private readonly queue: EventQueue,
    private readonly now: () => Instant,
    private readonly latencyRng: Rng,
    private readonly lossRng: Rng,
  ) {}

  /** Take LVS packets arriving at `at`. A later registration for the same interface replaces it. */
  register(at: Attachment, endpoint: LvsEndpoint): void {
    this.endpoints.set(at, endpoint);
  }

  /** An interface that is not a keepalived node's: it answers ARP for its address but hears no VRRP. */
  plug(at: Attachment): void {
    if (!at.segment.arp.has(at.address)) at.segment.arp.set(at.address, at);
  }

  /** Does anyone on `from`'s segment answer for `address`? */
  reachable(from: Attachment, address: string): boolean {
    return from.segment.arp.has(address);
  }

  /** `from` resolves next hops through its own neighbour cache (the clients' router), not the segment's ARP view. */
  resolveWith(from: Attachment, cache: NeighbourCache): void {
    this.caches.set(from, cache);
  }

  /** Send to the interface answering for `nextHop` on `from`'s segment; false when nobody does or the link is down. */
  send(from: Attachment, nextHop: string, packet: LvsPacket): boolean {
    const cache = this.caches.get(from);
    if (cache !== undefined) {
      cache.output(nextHop, packet);
      return true;
    }
    return this.transmit(from, from.segment.arp.get(nextHop), nextHop, packet);
  }

  /** Put `packet` on the wire from `from` to the interface `to` (resolved already) for `nextHop`. */
  transmit(from: Attachment, to: Attachment | undefined, nextHop: string, packet: LvsPacket): boolean {
    this.stats.sent++;
    if (!from.up || to === undefined || to === from || !this.admit(from, to)) {
      this.stats.lost++;
      return false;
    }
    this.queue.push(new LvsDelivery(this.arrivalAt(from.segment), this.queue.takeSeq(), this, from, to, nextHop, packet));
    return true;
  }

  /** A multicast on `from`'s segment to every registered interface for which `wants` is true. */
  multicast(from: Attachment, packet: LvsPacket, wants: (to: Attachment) => boolean): void {
    if (!from.up) return;
    for (const to of from.segment.members) {
      if (to === from || !this.endpoints.has(to) || !wants(to)) continue;
      this.stats.sent++;
      if (!this.admit(from, to)) {
        this.stats.lost++;
        continue;
      }
      this.queue.push(new LvsDelivery(this.arrivalAt(from.segment), this.queue.takeSeq(), this, from, to, to.address, packet));
    }
  }

  /** Called by an LvsDelivery when its time comes. */
  arrive(from: Attachment, to: Attachment, nextHop: string, packet: LvsPacket): void {
    const endpoint = this.endpoints.get(to);
    if (!to.up || !to.local.has(nextHop) || endpoint === undefined) {
      this.stats.lost++;
      return;
    }
    this.stats.delivered++;
    endpoint.receive(packet, to, nextHop, from);
  }

  private admit(from: Attachment, to: Attachment): boolean {
    if (from.nodeIndex >= 0 && to.nodeIndex >= 0) {
      for (const rule of this.network.activeRules()) {
        const verdict = rule.verdict(from.node, to.node);
        if (verdict === 'deliver') break;
        if (verdict === 'drop' || verdict === 'hold') return false;
      }
    }
    const loss = from.segment.link.lossRatio;
    return !(loss > 0 && this.lossRng.next() < loss);
  }

  private arrivalAt(segment: Segment): Instant {
    const { latencyUsMin: min, latencyUsMax: max } = segment.link;
    return (this.now() + (min === max ? min : this.latencyRng.int(min, max))) as Instant;
  }
}

/** One LVS packet due at `at` (a class, not a closure: client load is the simulator's busiest traffic). */
class LvsDelivery implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly wire: LvsWire,
    private readonly from: Attachment,
    private readonly to: Attachment,
    private readonly nextHop: string,
    private readonly packet: LvsPacket,
  ) {}

  run(): void {
    this.wire.arrive(this.from, this.to, this.nextHop, this.packet);
  }
}
