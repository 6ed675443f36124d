/**
 * Small IPv4 helpers the simulated network needs: the subnet an interface sits
 * on and multicast tests. Dotted quads live in core/ipv4.ts, MACs in
 * core/mac.ts (the Docker capture frames with them too).
 */

/** The VRRP multicast group, RFC 3768 §5.2.2. */
export const VRRP_MULTICAST_GROUP = '224.0.0.18';
export const IPPROTO_VRRP = 112;

import { formatIpv4, parseIpv4 } from '../core/ipv4.js';

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
