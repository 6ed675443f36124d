/**
 * Small IPv4 and MAC helpers the simulated network needs: dotted quads to
 * integers and back, the subnet an interface sits on, multicast tests, and the
 * deterministic MACs the simulator gives its interfaces.
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

/** Write a dotted quad into `out` at `offset` (network byte order). */
export function writeIpv4(out: Uint8Array, offset: number, text: string): void {
  const value = parseIpv4(text) ?? 0;
  out[offset] = (value >>> 24) & 255;
  out[offset + 1] = (value >>> 16) & 255;
  out[offset + 2] = (value >>> 8) & 255;
  out[offset + 3] = value & 255;
}

// ---------------------------------------------------------------- MACs

export type Mac = Uint8Array;

export const BROADCAST_MAC: Mac = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/**
 * A locally administered unicast MAC (first octet 0x02) that names the node and
 * the interface: 02:00:00:NN:NN:II with a 16-bit node number and an 8-bit
 * interface number, both 1-based in declaration order. Deterministic, so pcaps
 * of the same seed are byte-identical.
 */
export function interfaceMac(nodeNumber: number, interfaceNumber: number): Mac {
  return Uint8Array.of(0x02, 0, 0, (nodeNumber >>> 8) & 255, nodeNumber & 255, interfaceNumber & 255);
}

/** The VRRP virtual router MAC 00:00:5e:00:01:VRID, RFC 3768 §7.3. */
export function virtualRouterMac(vrid: number): Mac {
  return Uint8Array.of(0x00, 0x00, 0x5e, 0x00, 0x01, vrid & 255);
}

/** RFC 1112 §6.4: 01:00:5e followed by the low 23 bits of the group address. */
export function multicastMac(group: string): Mac {
  const value = parseIpv4(group) ?? 0;
  return Uint8Array.of(0x01, 0x00, 0x5e, (value >>> 16) & 0x7f, (value >>> 8) & 255, value & 255);
}

export function formatMac(mac: Mac): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}
