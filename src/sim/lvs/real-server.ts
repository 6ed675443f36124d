/**
 * A simulated real server: a host behind the directors with a TCP service
 * (GridFTP, a web server) listening on its ports.
 *
 * Theory of operation
 * -------------------
 * The host takes segments addressed to its own address (health checks connect
 * to the RIP) and to the virtual services' addresses: with direct routing the
 * VIP is configured on its loopback with ARP for it suppressed (the seed's
 * "Adding your virtual IP address" and "Disabling ARP"), so the director's
 * frame, still addressed to the VIP, is accepted here while the segment keeps
 * sending the VIP to the director. It answers as a TCP stack does — SYN-ACK to
 * a SYN on a listening port, an ACK for each data segment, FIN-ACK to a FIN —
 * straight back to the client (DR: the reply does not pass the director), via
 * its gateway when the client is not on its segment.
 *
 * Three states, set by events:
 * - `up`      — the service listens;
 * - `stopped` — `rsdown SERVER` (default): the service died, the host is up. Its
 *               open connections are reset at once (RST to each client) and
 *               every later segment to a service port is answered with RST: a
 *               connect is *refused*, a TCP_CHECK fails at once;
 * - `crashed` — `rsdown SERVER crash`: the host is gone. Nothing answers; open
 *               connections, connects and checks hang until they time out.
 * `rsup SERVER` brings host and service back with no connections.
 *
 * Rules
 * -----
 * - A segment for a connection this host does not know (not a SYN) is answered
 *   with RST, as a TCP stack answers a segment for no socket.
 * - Nothing here schedules: the host only reacts to what arrives.
 */
import type { NodeId } from '../../core/ids.js';
import { formatIpv4, parseIpv4, type Ipv4 } from '../../core/ipv4.js';
import type { Instant } from '../../core/time.js';
import { ACK, FIN_ACK, reply, RST, SYN_ACK, sourceKey, type LvsPacket, type TcpSegment } from './packet.js';
import type { LvsEndpoint, LvsWire } from './wire.js';
import type { Attachment } from '../network.js';

export type RealServerState = 'up' | 'stopped' | 'crashed';

export interface SimRealServerOptions {
  readonly id: NodeId;
  readonly attachment: Attachment;
  /** TCP ports the service listens on. */
  readonly ports: readonly number[];
  /** Addresses configured on the loopback (the VIPs of DR and TUN services). */
  readonly loopback: readonly Ipv4[];
  /** Where segments for addresses off the segment go (the clients' router). */
  readonly gateway: string;
  readonly wire: LvsWire;
  readonly now: () => Instant;
}

/** How long a closed connection still answers a retransmitted FIN (Linux's TIME_WAIT, 60 s). */
const TIME_WAIT_US = 60_000_000;

export class SimRealServer implements LvsEndpoint {
  readonly id: NodeId;
  readonly attachment: Attachment;
  private current: RealServerState = 'up';
  private readonly address: Ipv4;
  private readonly ports: ReadonlySet<number>;
  private readonly loopback: ReadonlySet<Ipv4>;
  /** Open connections by client address and port. */
  private readonly conns = new Map<number, TcpSegment>();
  /** Connections closed lately, by client address and port → when: a lost FIN-ACK is answered again. */
  private readonly timeWait = new Map<number, Instant>();

  constructor(private readonly options: SimRealServerOptions) {
    this.id = options.id;
    this.attachment = options.attachment;
    this.address = parseIpv4(options.attachment.address) ?? 0;
    this.ports = new Set(options.ports);
    this.loopback = new Set(options.loopback);
    options.wire.register(options.attachment, this);
    options.wire.plug(options.attachment);
  }

  get state(): RealServerState {
    return this.current;
  }

  /** Connections the service has open (its own view, not the directors'). */
  get openConnections(): number {
    return this.conns.size;
  }

  /** `rsdown`: see the header for what `stop` and `crash` do. */
  down(mode: 'stop' | 'crash'): void {
    if (this.current !== 'up') {
      // A stopped service whose host then crashes is a crashed host.
      if (mode === 'crash') this.current = 'crashed';
      return;
    }
    if (mode === 'stop') for (const first of this.conns.values()) this.send(reply(first, RST, 0, this.id));
    this.conns.clear();
    this.timeWait.clear();
    this.current = mode === 'stop' ? 'stopped' : 'crashed';
  }

  /** `rsup`: the host and its service are back, with no connections. */
  up(): void {
    this.conns.clear();
    this.timeWait.clear();
    this.current = 'up';
  }

  receive(packet: LvsPacket): void {
    if (this.current === 'crashed' || packet.kind !== 'tcp') return;
    if (packet.daddr !== this.address && !this.loopback.has(packet.daddr)) return; // not for this host: dropped
    const flags = packet.tcpFlags;
    if (flags.rst) {
      this.conns.delete(sourceKey(packet));
      return;
    }
    if (this.current === 'stopped' || !this.ports.has(packet.dport)) return this.send(reply(packet, RST, 0, this.id));
    const key = sourceKey(packet);
    if (flags.syn) {
      // A SYN for an open connection is a retransmission: answer it again.
      if (!this.conns.has(key)) this.conns.set(key, packet);
      return this.send(reply(packet, SYN_ACK, 0, this.id));
    }
    if (flags.fin) return this.close(packet, key);
    if (!this.conns.has(key)) return this.send(reply(packet, RST, 0, this.id));
    if (packet.data > 0) this.send(reply(packet, ACK, packet.data, this.id));
  }

  private close(fin: TcpSegment, key: number): void {
    const now = this.options.now();
    if (!this.conns.delete(key)) {
      const closedAt = this.timeWait.get(key);
      if (closedAt === undefined || now - closedAt > TIME_WAIT_US) return this.send(reply(fin, RST, 0, this.id));
    }
    if (this.timeWait.size > 4096) for (const [k, at] of this.timeWait) if (now - at > TIME_WAIT_US) this.timeWait.delete(k);
    this.timeWait.set(key, now);
    this.send(reply(fin, FIN_ACK, fin.data, this.id));
  }

  /** Straight to the destination when it is on the segment, else through the gateway. */
  private send(segment: TcpSegment): void {
    const to = formatIpv4(segment.daddr);
    this.options.wire.send(this.attachment, this.options.wire.reachable(this.attachment, to) ? to : this.options.gateway, segment);
  }
}
