/**
 * What crosses the simulated network for load balancing: TCP segments as the
 * director model takes them (src/ipvs/director-types.ts `DirectorPacket`), ICMP
 * port-unreachable answers, and IPVS sync datagrams between directors.
 *
 * Unlike VRRP adverts these are not encoded to bytes: IPVS looks at addresses,
 * ports and TCP flags only, and a simulated GridFTP transfer is thousands of
 * segments. A data segment carries a sequence number so the receiver can
 * acknowledge it; that is all the payload the model needs.
 */
import type { Ipv4 } from '../../core/ipv4.js';
import type { DirectorPacket, SyncMessage, TcpFlags } from '../../ipvs/director-types.js';

export interface TcpSegment extends DirectorPacket {
  readonly kind: 'tcp';
  readonly proto: 'tcp';
  readonly tcpFlags: TcpFlags;
  /** A data segment's number (1, 2, …); 0 for a segment without data. */
  readonly data: number;
  /** The highest data segment acknowledged (cumulative), or 0. */
  readonly ackData: number;
  /**
   * The host whose TCP stack wrote the segment. Not on the wire: the simulator's
   * bookkeeping, so a client can say which real server answered even when a NAT
   * director passed the answer on.
   */
  readonly origin?: string;
}

/** ICMP destination unreachable (port unreachable) about a segment the sender could not deliver. */
export interface IcmpUnreachable {
  readonly kind: 'icmp-unreachable';
  readonly saddr: Ipv4;
  readonly daddr: Ipv4;
  readonly about: TcpSegment;
}

/** One sync datagram from a master sync daemon (multicast 224.0.0.81:8848 on the sync interface). */
export interface SyncDatagram {
  readonly kind: 'ipvs-sync';
  readonly messages: readonly SyncMessage[];
}

export type LvsPacket = TcpSegment | IcmpUnreachable | SyncDatagram;

const flags = (syn: boolean, ack: boolean, fin: boolean, rst: boolean): TcpFlags => ({ syn, ack, fin, rst });

/** The flag combinations the simulated hosts send, shared (segments are never mutated). */
export const SYN = flags(true, false, false, false);
export const SYN_ACK = flags(true, true, false, false);
export const ACK = flags(false, true, false, false);
export const FIN_ACK = flags(false, true, true, false);
export const RST = flags(false, false, false, true);

export function segment(saddr: Ipv4, sport: number, daddr: Ipv4, dport: number, tcpFlags: TcpFlags, data = 0, ackData = 0, origin?: string): TcpSegment {
  return origin === undefined ? { kind: 'tcp', proto: 'tcp', saddr, sport, daddr, dport, tcpFlags, data, ackData } : { kind: 'tcp', proto: 'tcp', saddr, sport, daddr, dport, tcpFlags, data, ackData, origin };
}

/** The reply direction of a segment, written by `origin`: addresses and ports swapped. */
export function reply(to: TcpSegment, tcpFlags: TcpFlags, ackData = 0, origin?: string): TcpSegment {
  return segment(to.daddr, to.dport, to.saddr, to.sport, tcpFlags, 0, ackData, origin);
}

/** "address:port" key of a segment's source (the client side of a connection). */
export const sourceKey = (s: { readonly saddr: Ipv4; readonly sport: number }): number => s.saddr * 65536 + s.sport;
