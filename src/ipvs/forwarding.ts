/**
 * Forwarding methods as the kernel applies them (net/netfilter/ipvs/ip_vs_xmit.c):
 * what each one rewrites in a client's packet.
 *
 * - DR (`ip_vs_dr_xmit`): the IP header is left alone — the destination stays the
 *   VIP and the port the virtual port — and the frame is sent to the real
 *   server's MAC. So the real server must own the VIP, and ports cannot be mapped.
 * - NAT (`ip_vs_nat_xmit` + `tcp_dnat_handler`): destination address and port are
 *   rewritten to the real server's; replies must come back through the director
 *   to be rewritten to the VIP (`handle_response` + `tcp_snat_handler`).
 * - TUN (`ip_vs_tunnel_xmit`): the unchanged packet is wrapped in an outer IPv4
 *   header (protocol 4, IPIP) from the director to the real server's address;
 *   the real server decapsulates it and must own the VIP on its tunnel device.
 *
 * What breaks when a real server is not set up for its method is in
 * forwarding-diagnosis.ts.
 */
import type { Ipv4 } from '../core/ipv4.js';
import type { ForwardingMethod, Rewrite } from './director-types.js';

export const IPPROTO_IPIP = 4;

/** The rewrite a connection's packets get, computed once per connection. */
export function rewriteFor(method: ForwardingMethod, daddr: Ipv4, dport: number, directorAddress: Ipv4 | undefined): Rewrite {
  switch (method) {
    case 'dr':
      return { method: 'dr', nextHop: daddr };
    case 'nat':
      return { method: 'nat', daddr, dport };
    case 'tun':
      return { method: 'tun', outerSaddr: directorAddress, outerDaddr: daddr, outerProtocol: IPPROTO_IPIP };
  }
}
