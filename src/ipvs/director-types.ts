/**
 * The public shapes of one director's IPVS table (see director.ts): what a caller
 * describes (services, real servers, sysctls), what it feeds in (packets as
 * data), and what comes back (verdicts, statistics, sync messages).
 *
 * Addresses are IPv4 as unsigned 32-bit integers (src/core/ipv4.ts: `parseIpv4`,
 * `formatIpv4`); ports are plain numbers in host order. Times are integer
 * microsecond `Instant`s (src/core/time.ts).
 */
import type { Ipv4 } from '../core/ipv4.js';
import type { SchedulerName } from './types.js';

export type IpProtocol = 'tcp' | 'udp';

/**
 * How the director hands a packet to a real server (`lvs_method` / `lb_kind` in
 * keepalived, `-g`/`-m`/`-i` in ipvsadm): direct routing, masquerading, IP-in-IP.
 */
export type ForwardingMethod = 'dr' | 'nat' | 'tun';

export interface TcpFlags {
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
}

/**
 * A packet as IPVS's hooks see it. For `directorPacketIn` it travels client → VIP
 * (saddr = client, daddr = VIP); for `directorPacketOut` it is a real server's
 * reply (saddr = RIP, daddr = client).
 */
export interface DirectorPacket {
  readonly proto: IpProtocol;
  readonly saddr: Ipv4;
  readonly sport: number;
  readonly daddr: Ipv4;
  readonly dport: number;
  /** TCP only. A TCP packet without flags is what the kernel calls "no flags" (→ CLOSE). */
  readonly tcpFlags?: TcpFlags;
  /** The netfilter mark set by iptables/nft; fwmark services match on it. */
  readonly fwmark?: number;
}

/** How a virtual service is keyed, as in the kernel: protocol + VIP + port, or a firewall mark. */
export type ServiceAddress =
  | { readonly kind: 'ip'; readonly proto: IpProtocol; readonly vip: Ipv4; readonly port: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number };

/** "tcp:192.0.2.10:80", "udp:192.0.2.10:53" or "fwmark:7" — see `serviceKeyOf`. */
export type ServiceKey = string;

export interface PersistenceSpec {
  /** `persistence_timeout` / `ipvsadm -p`, seconds (keepalived's bare keyword means 360). */
  readonly timeoutS: number;
  /** `persistence_granularity` / `ipvsadm -M`: a netmask, default 255.255.255.255. */
  readonly granularity?: Ipv4;
}

export interface RealServerSpec {
  /** A label for people (timeline, stats); unique within a service. */
  readonly name: string;
  readonly addr: Ipv4;
  /**
   * The real server's port. For DR and TUN the kernel cannot map ports: keepalived
   * and ipvsadm force it to the service's port, and `createDirector` /
   * `setRealServer` refuse a different one (code `port-mapping-impossible`).
   */
  readonly port: number;
  readonly weight: number;
  readonly method: ForwardingMethod;
  readonly uThreshold?: number;
  readonly lThreshold?: number;
}

export interface VirtualServiceSpec {
  readonly address: ServiceAddress;
  readonly scheduler: SchedulerName;
  /** `IP_VS_SVC_F_*` scheduler flags (sh/mh fallback and port). */
  readonly flags?: number;
  readonly mhTableSize?: number;
  readonly hashVariant?: 'hash32' | 'legacy';
  readonly persistence?: PersistenceSpec;
  /** Added in this order, so the last one heads the kernel's list (it wins ties). */
  readonly realServers?: readonly RealServerSpec[];
}

/**
 * The `net.ipv4.vs.*` sysctls and `ipvsadm --set` timeouts this model reads, with
 * the kernel's defaults (Documentation/networking/ipvs-sysctl.rst).
 */
export interface IpvsSysctl {
  /** 0: packets of a connection whose real server was deleted are dropped until it expires. */
  readonly expireNodestConn: boolean;
  /** 0: a persistence template pointing at a weight-0 server keeps pinning clients to it. */
  readonly expireQuiescentTemplate: boolean;
  /** 0: only a SYN may create a TCP connection entry. */
  readonly sloppyTcp: boolean;
  /** Default 1: a SYN hitting a TIME_WAIT/CLOSE entry (bit 2: also DR/TUN FIN_WAIT) is rescheduled. */
  readonly connReuseMode: number;
  /** `secure_tcp`: the tcp_states_dos table (only the state table part is modelled). */
  readonly secureTcp: boolean;
  /** `sync_threshold`, first value: sync a connection when its packet count hits it. Default 3. */
  readonly syncThreshold: number;
  /** `sync_threshold`, second value (the period): then again every N packets. Default 50. */
  readonly syncPeriod: number;
  /** `ipvsadm --set tcp tcpfin udp`: ESTABLISHED, FIN_WAIT and UDP timeouts, seconds (900 120 300). */
  readonly tcpTimeoutS: number;
  readonly tcpFinTimeoutS: number;
  readonly udpTimeoutS: number;
}

/** `lvs_sync_daemon` / `ipvsadm --start-daemon`: which sync thread runs on this director. */
export type SyncState = 'none' | 'master' | 'backup';

export interface SyncDaemonSpec {
  readonly state: SyncState;
  /** keepalived defaults it to the VRRP instance's VRID. A backup with id 0 accepts any. */
  readonly syncid: number;
  /** Largest message payload, bytes: the sync interface MTU minus IP and UDP headers (1500 → 1472). */
  readonly maxlenBytes?: number;
}

export interface DirectorSpec {
  /** For messages and diagnostics. */
  readonly name?: string;
  /** The director's own address on the real servers' side: the outer source of TUN packets. */
  readonly address?: Ipv4;
  readonly services: readonly VirtualServiceSpec[];
  readonly sysctl?: Partial<IpvsSysctl>;
  readonly sync?: SyncDaemonSpec;
  /** Seeds the one scheduler that draws random numbers (twos). Default 0. */
  readonly seed?: number;
}

// ------------------------------------------------------------------ verdicts

/** What the director does to a packet it forwards. */
export type Rewrite =
  /** DR: the IP header is untouched (daddr stays the VIP); the frame goes to the RIP's MAC. */
  | { readonly method: 'dr'; readonly nextHop: Ipv4 }
  /** NAT: destination address and port rewritten to the real server's. */
  | { readonly method: 'nat'; readonly daddr: Ipv4; readonly dport: number }
  /** TUN: the packet is wrapped in an outer IPv4 header, protocol 4 (IPIP), to the RIP. */
  | { readonly method: 'tun'; readonly outerSaddr: Ipv4 | undefined; readonly outerDaddr: Ipv4; readonly outerProtocol: 4 };

/** What the client eventually sees when IPVS does not forward its packet. */
export type ClientAnswer = 'none' | 'icmp-port-unreachable' | 'tcp-rst';

/** The TCP state names of ip_vs_proto_tcp.c, and UDP's single state. */
export type ConnStateName =
  | 'NONE' | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE'
  | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'SYNACK' | 'UDP';

/**
 * Why IPVS let a packet through to the director's own stack (NF_ACCEPT without a
 * connection). With nothing listening on the VIP, TCP answers RST, UDP ICMP.
 */
export type PassReason =
  /** No virtual service matches protocol/VIP/port (or fwmark). */
  | { readonly code: 'no-service' }
  /** TCP without SYN (or with RST) and no connection entry: not scheduled (`sloppy_tcp` = 0). */
  | { readonly code: 'not-a-new-connection'; readonly service: ServiceKey }
  /** Source port 20 (active FTP data) is never scheduled. */
  | { readonly code: 'ftp-data-not-scheduled'; readonly service: ServiceKey };

/** Why IPVS dropped a packet (NF_DROP). */
export type DropReason =
  /** The scheduler found no real server: `ip_vs_leave` answers ICMP port unreachable. */
  | { readonly code: 'no-dest-available'; readonly service: ServiceKey }
  /** The connection's real server was deleted and `expire_nodest_conn` is 0: silently dropped. */
  | { readonly code: 'dest-unavailable'; readonly service: ServiceKey; readonly dest: string }
  /** A non-persistent service whose port does not match (port-0 services must be persistent). */
  | { readonly code: 'port-mismatch'; readonly service: ServiceKey };

export type InVerdict =
  | {
      readonly kind: 'forward';
      readonly service: ServiceKey;
      /** The real server's name, undefined for a synced entry whose server this director lacks. */
      readonly dest: string | undefined;
      readonly method: ForwardingMethod;
      readonly rewrite: Rewrite;
      /** The connection's state after this packet. */
      readonly state: ConnStateName;
      /** True when this packet created the connection entry (a scheduling decision). */
      readonly created: boolean;
    }
  | { readonly kind: 'local'; readonly reason: PassReason; readonly answer: ClientAnswer }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly answer: ClientAnswer };

export type OutVerdict =
  /**
   * A reply matched a connection. For NAT its source is rewritten to the VIP and
   * virtual port; other methods pass it unchanged (`rewrite` undefined).
   */
  | {
      readonly kind: 'reply';
      readonly service: ServiceKey;
      readonly dest: string | undefined;
      readonly rewrite: { readonly saddr: Ipv4; readonly sport: number } | undefined;
      readonly state: ConnStateName;
    }
  /** No connection: IPVS leaves the packet alone (it is routed as any other). */
  | { readonly kind: 'not-ipvs' };

// ------------------------------------------------------------------ statistics

export interface DestStats {
  readonly name: string;
  readonly addr: Ipv4;
  readonly port: number;
  readonly method: ForwardingMethod;
  readonly weight: number;
  /** ipvsadm's ActiveConn / InActConn / PersistConn. */
  readonly active: number;
  readonly inactive: number;
  readonly persist: number;
  readonly overloaded: boolean;
  /** Schedulable: in the list, weight > 0 and not overloaded. */
  readonly available: boolean;
}

export interface ServiceStats {
  readonly key: ServiceKey;
  readonly scheduler: SchedulerName;
  readonly persistent: boolean;
  /** In the kernel's list order (`ipvsadm -L --nosort`). */
  readonly dests: readonly DestStats[];
}

export interface DirectorStats {
  readonly services: readonly ServiceStats[];
  /** Connection entries, templates excluded. */
  readonly connections: number;
  /** Persistence templates. */
  readonly templates: number;
}

/** One row of `ipvsadm -L -c`. */
export interface ConnEntry {
  readonly proto: IpProtocol | 'ip';
  readonly caddr: Ipv4;
  readonly cport: number;
  readonly vaddr: Ipv4;
  readonly vport: number;
  readonly daddr: Ipv4;
  readonly dport: number;
  readonly state: ConnStateName;
  readonly template: boolean;
  readonly dest: string | undefined;
  readonly service: ServiceKey | undefined;
  readonly active: boolean;
  readonly expiresAt: number;
  /** Connections this template still controls. */
  readonly controlled: number;
}

// ------------------------------------------------------------------ sync

/**
 * One connection in a sync message, the fields of the kernel's version 1
 * `ip_vs_sync_v4` (ip_vs_sync.c): protocol number (6 TCP, 17 UDP, 0 for a
 * fwmark template), addresses, ports, flags, state and the timeout in seconds.
 */
export interface SyncConn {
  readonly protocol: number;
  readonly caddr: Ipv4;
  readonly cport: number;
  readonly vaddr: Ipv4;
  readonly vport: number;
  readonly daddr: Ipv4;
  readonly dport: number;
  /** `IP_VS_CONN_F_*`, without HASHED. */
  readonly flags: number;
  readonly state: number;
  readonly fwmark: number;
  readonly timeoutS: number;
}

/** One datagram to the sync group (224.0.0.81:8848). */
export interface SyncMessage {
  readonly version: 1;
  readonly syncid: number;
  readonly conns: readonly SyncConn[];
  /** Wire size: 8-byte header + 36 bytes per IPv4 connection. */
  readonly sizeBytes: number;
}

/** What a backup did with received sync messages. */
export interface SyncApplyResult {
  readonly applied: number;
  readonly ignored: number;
  readonly reason?: 'not-backup' | 'syncid-mismatch';
}
