/**
 * Ethernet MAC addresses: the deterministic ones the simulator gives its
 * interfaces, the VRRP virtual router MAC and the multicast mapping. Shared by
 * the simulator's network and the pcap codec (core/pcap.ts) that both the
 * simulator and the Docker capture write with.
 */
import { parseIpv4 } from './ipv4.js';

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

/** "00:00:5e:00:01:33" → its six bytes (the caller has checked the text; keepalived's parser does for use_vmac). */
export function parseMac(text: string): Mac {
  return Uint8Array.from(text.split(':'), (h) => Number.parseInt(h, 16) & 255);
}

export function formatMac(mac: Mac): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}
