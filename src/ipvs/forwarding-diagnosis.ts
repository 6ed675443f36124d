/**
 * What breaks when a real server is not set up for its forwarding method, and
 * what a user would see. The facts are the kernel's (ip_vs_xmit.c: what each
 * method rewrites, see forwarding.ts) and the LVS project's (ARP problem, return
 * paths, tunnels), as summarised in the project's IPVS notes §5 (forwarding
 * methods) and §8 (pitfalls).
 *
 * Theory of operation: each method needs certain things of the real server.
 * - DR leaves the IP header alone, so the real server must accept packets for
 *   the VIP (VIP on lo or a dummy device), must not answer ARP for it (Linux
 *   answers ARP for any local address on any interface unless arp_ignore ≥ 1,
 *   and announces it unless arp_announce = 2), must sit on the director's
 *   segment (the frame is addressed to its MAC), and must serve the virtual port.
 * - TUN wraps the packet in IPIP: the real server needs a tunnel device to
 *   unwrap it, the VIP on that device (or lo), and a reverse-path filter that
 *   lets the inner packet (source = client) in on the tunnel.
 * - NAT rewrites the destination, so replies must go back through the director
 *   to be rewritten: the real server's route to the clients must be via it.
 *
 * Rules: pure; every finding names the requirement, the mechanism, the symptom
 * and the fix.
 */
import type { ForwardingMethod } from './director-types.js';

/** What is known about one real server (unknown fields are not checked). */
export interface RealServerSetup {
  /** Where the VIP is configured: nowhere, on lo (or a dummy), on the tunnel device, or on the LAN interface. */
  readonly vip?: 'none' | 'lo' | 'tunnel' | 'lan-interface';
  /** Effective `arp_ignore` (max of conf/all and the LAN interface). Linux default 0. */
  readonly arpIgnore?: number;
  /** Effective `arp_announce`. Linux default 0. */
  readonly arpAnnounce?: number;
  /** Is the real server on the director's layer-2 segment? */
  readonly sameSegment?: boolean;
  /** Is the IPIP tunnel device (tunl0, module ipip) up? */
  readonly tunnelInterface?: boolean;
  /** Effective `rp_filter` for the tunnel device (max of conf/all and tunl0): 0 off, 1 strict, 2 loose. */
  readonly rpFilter?: number;
  /** Does the real server's route back to the clients go through the director? */
  readonly routeViaDirector?: boolean;
  /** Are clients on the real server's own subnet (NAT hairpin)? */
  readonly clientsOnSameSubnet?: boolean;
  /** The port the real server's service listens on, and the virtual service's port. */
  readonly port?: number;
  readonly servicePort?: number;
  /** Which address the service is bound to. */
  readonly listensOn?: 'vip' | 'rip' | 'any';
}

export type ForwardingProblemCode =
  | 'dr-vip-missing'
  | 'dr-arp-not-suppressed'
  | 'dr-arp-announce'
  | 'dr-not-on-segment'
  | 'tun-no-tunnel-interface'
  | 'tun-vip-missing'
  | 'tun-rp-filter'
  | 'tun-arp-not-suppressed'
  | 'port-mapping-impossible'
  | 'service-bound-to-rip'
  | 'nat-reply-bypasses-director'
  | 'nat-hairpin';

export interface ForwardingProblem {
  readonly code: ForwardingProblemCode;
  /** error: traffic through the VIP fails; warning: it works, but not reliably. */
  readonly severity: 'error' | 'warning';
  /** What goes wrong on the wire. */
  readonly mechanism: string;
  /** What the user sees. */
  readonly symptom: string;
  readonly fix: string;
  /** Where the facts are written down. */
  readonly ref: string;
}

type Check = (s: RealServerSetup) => ForwardingProblem | undefined;

const drVipMissing: Check = (s) =>
  s.vip !== 'none' ? undefined : {
    code: 'dr-vip-missing', severity: 'error', ref: 'ip_vs_dr_xmit (ip_vs_xmit.c); LVS/DR',
    mechanism: 'DR delivers the packet unchanged, addressed to the VIP; the real server does not own the VIP and drops it',
    symptom: 'connections to the VIP time out; the director shows them active in SYN_RECV for 60 s, then they vanish',
    fix: 'configure the VIP on the real server as a /32 on lo (or a dummy device), with ARP suppressed',
  };

const arpNotSuppressed = (code: 'dr-arp-not-suppressed' | 'tun-arp-not-suppressed'): Check => (s) => {
  const onLan = s.vip === 'lan-interface';
  const answersArp = onLan || (s.vip !== undefined && s.vip !== 'none' && (s.arpIgnore ?? 0) < 1);
  if (!answersArp || s.sameSegment === false) return undefined;
  return {
    code, severity: 'warning', ref: 'LVS: ARP Issues in LVS/DR and LVS/TUN Clusters',
    mechanism: onLan
      ? 'the VIP sits on the real server\'s LAN interface, so it answers ARP for the VIP like the director does'
      : 'with arp_ignore 0 Linux answers ARP for every local address on any interface, the VIP on lo included',
    symptom: 'clients and the router intermittently learn the real server\'s MAC for the VIP: traffic bypasses the director, load skews onto one server, and connections fail after ARP caches refresh',
    fix: 'put the VIP on lo, and set net.ipv4.conf.all.arp_ignore=1 and arp_announce=2 (or filter with arptables)',
  };
};

const drArpAnnounce: Check = (s) =>
  s.vip === undefined || s.vip === 'none' || s.arpAnnounce === undefined || s.arpAnnounce >= 2 || s.sameSegment === false ? undefined : {
    code: 'dr-arp-announce', severity: 'warning', ref: 'ip_vs_dr_xmit (ip_vs_xmit.c); LVS: ARP Issues in LVS/DR and LVS/TUN Clusters',
    mechanism: 'with arp_announce below 2 the real server may use the VIP as the source of its own ARP requests, teaching neighbours its MAC for the VIP',
    symptom: 'now and then the router sends VIP traffic straight to this real server',
    fix: 'set net.ipv4.conf.all.arp_announce=2',
  };

const drNotOnSegment: Check = (s) =>
  s.sameSegment !== false ? undefined : {
    code: 'dr-not-on-segment', severity: 'error', ref: 'ip_vs_dr_xmit (ip_vs_xmit.c); LVS: ARP Issues in LVS/DR and LVS/TUN Clusters',
    mechanism: 'DR only rewrites the MAC address; a real server behind a router gets the frame sent to the gateway, which routes the VIP packet back to the director',
    symptom: 'connections time out, the packet loops until its TTL runs out',
    fix: 'put the real server on the director\'s segment, or use TUN',
  };

const portMapping: Check = (s) =>
  s.port === undefined || s.servicePort === undefined || s.port === s.servicePort ? undefined : {
    code: 'port-mapping-impossible', severity: 'error', ref: 'ip_vs_dr_xmit, ip_vs_tunnel_xmit (ip_vs_xmit.c); ipvsadm process_options',
    mechanism: `DR and TUN do not rewrite the packet, so it arrives on port ${s.servicePort}, not ${s.port}; ipvsadm and keepalived silently set the real server's port to the service's`,
    symptom: `connection refused (RST) unless something listens on port ${s.servicePort} too`,
    fix: `make the service listen on port ${s.servicePort}, or use NAT to map ports`,
  };

const boundToRip: Check = (s) =>
  s.listensOn !== 'rip' ? undefined : {
    code: 'service-bound-to-rip', severity: 'error', ref: 'ip_vs_dr_xmit (ip_vs_xmit.c)',
    mechanism: 'the packet arrives addressed to the VIP, but the service only listens on the real server\'s own address',
    symptom: 'connection refused through the VIP while a health check to RIP:port passes, so the server stays in the pool',
    fix: 'bind the service to the VIP or to all addresses (0.0.0.0)',
  };

const tunNoInterface: Check = (s) =>
  s.tunnelInterface !== false ? undefined : {
    code: 'tun-no-tunnel-interface', severity: 'error', ref: 'ip_vs_tunnel_xmit (ip_vs_xmit.c); LVS/TUN',
    mechanism: 'the real server has no IPIP device to unwrap protocol-4 packets, so it drops them (or answers ICMP protocol unreachable)',
    symptom: 'connections to the VIP time out; tcpdump on the real server shows IPIP packets arriving',
    fix: 'load the ipip module and bring tunl0 up with the VIP on it',
  };

const tunVipMissing: Check = (s) =>
  s.vip !== 'none' ? undefined : {
    code: 'tun-vip-missing', severity: 'error', ref: 'ip_vs_tunnel_xmit (ip_vs_xmit.c); LVS/TUN',
    mechanism: 'the unwrapped packet is addressed to the VIP, which the real server does not own',
    symptom: 'connections to the VIP time out',
    fix: 'configure the VIP on tunl0 (or lo)',
  };

const tunRpFilter: Check = (s) =>
  s.rpFilter !== 1 ? undefined : {
    code: 'tun-rp-filter', severity: 'error', ref: 'ip_vs_tunnel_xmit (ip_vs_xmit.c); rp_filter (ip-sysctl.rst)',
    mechanism: 'the unwrapped packet comes in on tunl0 from the client\'s address; strict reverse-path filtering expects that address on another interface and drops it',
    symptom: 'IPIP packets arrive on eth0 but nothing answers; connections time out',
    fix: 'set rp_filter to 0 or 2 on tunl0 and in conf/all (the effective value is the larger)',
  };

const natReturnPath: Check = (s) =>
  s.routeViaDirector !== false ? undefined : {
    code: 'nat-reply-bypasses-director', severity: 'error', ref: 'ip_vs_nat_xmit, handle_response (ip_vs_core.c); LVS/NAT',
    mechanism: 'NAT rewrote the destination to the real server; its reply goes straight to the client with the real server\'s address as source, never rewritten back to the VIP',
    symptom: 'the client gets a SYN-ACK from an address it never called and resets it: connections fail; the director keeps them in SYN_RECV (60 s, counted active)',
    fix: 'make the director (its real-server-side address, or a VRRP VIP on that side) the real server\'s default gateway',
  };

const natHairpin: Check = (s) =>
  s.clientsOnSameSubnet !== true ? undefined : {
    code: 'nat-hairpin', severity: 'error', ref: 'handle_response (ip_vs_core.c); LVS/NAT',
    mechanism: 'a client on the real server\'s own subnet is answered directly, bypassing the director\'s source rewrite',
    symptom: 'the service works from outside and fails from inside the real servers\' network',
    fix: 'add SNAT on the director for such clients, or keep clients off the real-server subnet',
  };

const CHECKS: Record<ForwardingMethod, readonly Check[]> = {
  dr: [drVipMissing, arpNotSuppressed('dr-arp-not-suppressed'), drArpAnnounce, drNotOnSegment, portMapping, boundToRip],
  tun: [tunNoInterface, tunVipMissing, tunRpFilter, arpNotSuppressed('tun-arp-not-suppressed'), portMapping, boundToRip],
  nat: [natReturnPath, natHairpin],
};

/** Every problem a real server set up as described has under `method`; empty when it should work. */
export function diagnoseForwarding(method: ForwardingMethod, setup: RealServerSetup): ForwardingProblem[] {
  const out: ForwardingProblem[] = [];
  for (const check of CHECKS[method]) {
    const problem = check(setup);
    if (problem !== undefined) out.push(problem);
  }
  return out;
}
