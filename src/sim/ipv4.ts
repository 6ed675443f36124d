/**
 * Small IPv4 helpers the simulated network needs: the subnet an interface sits
 * on and multicast tests. Dotted quads live in core/ipv4.ts, MACs in
 * core/mac.ts (the Docker capture frames with them too).
 */

import { formatIpv4, parseIpv4 } from '../core/ipv4.js';
import { IPPROTO_VRRP, VRRP_MULTICAST_GROUP_TEXT } from '../core/rfc3768.js';

/** The VRRP multicast group and IP protocol, RFC 3768 §5.2.2 (defined once, in the VRRP engine's leaf module). */
export { IPPROTO_VRRP, VRRP_MULTICAST_GROUP_TEXT as VRRP_MULTICAST_GROUP };

export { formatIpv4, parseIpv4 };

/** 224.0.0.0/4 (RFC 5771). */
export function isMulticastIpv4(text: string): boolean {
  const first = Number(text.slice(0, text.indexOf('.')));
  return first >= 224 && first <= 239;
}

/** The network an address sits on, as "a.b.c.d/len": the default segment of an interface. */
export function subnetOf(address: string, prefixLength: number): string | undefined {
  const value = parseIpv4(address);
  if (value === undefined || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) return undefined;
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return `${formatIpv4((value & mask) >>> 0)}/${prefixLength}`;
}
