/**
 * Packet capture, pure: Ethernet frames in, classic pcap bytes out.
 *
 * Theory of operation
 * -------------------
 * The simulated network carries IPv4 datagrams, not Ethernet frames, so this
 * module adds the Ethernet header a Linux host would have put on the wire:
 * destination 01:00:5e:… for multicast (RFC 1112 §6.4) or the receiver's MAC
 * for unicast, source = the sending interface's MAC (keepalived sends from the
 * real interface MAC unless use_vmac), ethertype 0x0800. Gratuitous ARPs are
 * built as keepalived builds them: an ARP *request* broadcast to
 * ff:ff:ff:ff:ff:ff whose sender and target protocol addresses are both the VIP,
 * sender hardware address = the interface MAC, target hardware address all ones.
 *
 * The file format is the classic libpcap one (magic 0xa1b2c3d4, version 2.4,
 * LINKTYPE_ETHERNET = 1), little-endian, with microsecond timestamps taken from
 * virtual time — so a capture of a seed is byte-identical on every run.
 *
 * Rules
 * -----
 * - No I/O here: src/sim/pcap-file.ts and the Docker capture write the bytes.
 * - Frames are recorded as sent (a tap on the sender's port), once per packet.
 */
import type { Instant } from './time.js';
import { writeIpv4 } from './ipv4.js';
import { BROADCAST_MAC, type Mac } from './mac.js';

export const LINKTYPE_ETHERNET = 1;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const ETHERNET_HEADER_LENGTH = 14;
const ARP_LENGTH = 28;
const SNAPLEN = 65_535;

export interface PcapRecord {
  readonly at: Instant;
  readonly frame: Uint8Array;
}

/** An Ethernet II frame around `payload`. */
export function ethernetFrame(destination: Mac, source: Mac, ethertype: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + payload.length);
  frame.set(destination, 0);
  frame.set(source, 6);
  frame[12] = (ethertype >>> 8) & 255;
  frame[13] = ethertype & 255;
  frame.set(payload, ETHERNET_HEADER_LENGTH);
  return frame;
}

/**
 * A gratuitous ARP as keepalived sends it (vrrp_arp.c): request, sender and
 * target IP = the VIP, sender MAC = `mac`, target MAC ff:ff:ff:ff:ff:ff,
 * broadcast. 42 bytes; like a capture on the sending host, no padding to 60.
 */
export function gratuitousArpFrame(mac: Mac, address: string): Uint8Array {
  const arp = new Uint8Array(ARP_LENGTH);
  arp[1] = 1; //                      hardware type: Ethernet
  arp[2] = ETHERTYPE_IPV4 >>> 8; //   protocol type: IPv4
  arp[4] = 6; //                      hardware address length
  arp[5] = 4; //                      protocol address length
  arp[7] = 1; //                      operation: request
  arp.set(mac, 8);
  writeIpv4(arp, 14, address);
  arp.set(BROADCAST_MAC, 18);
  writeIpv4(arp, 24, address);
  return ethernetFrame(BROADCAST_MAC, mac, ETHERTYPE_ARP, arp);
}

/** The whole capture file: global header, then one record per frame, in order. */
export function encodePcap(records: readonly PcapRecord[]): Uint8Array {
  let length = PCAP_GLOBAL_HEADER_LENGTH;
  for (const r of records) length += PCAP_RECORD_HEADER_LENGTH + r.frame.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, PCAP_MAGIC_MICROSECONDS, true);
  view.setUint16(4, 2, true); //  version major
  view.setUint16(6, 4, true); //  version minor
  view.setInt32(8, 0, true); //   thiszone: timestamps are UTC (virtual time from 0)
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, SNAPLEN, true);
  view.setUint32(20, LINKTYPE_ETHERNET, true);
  let offset = PCAP_GLOBAL_HEADER_LENGTH;
  for (const r of records) {
    view.setUint32(offset, Math.floor(r.at / 1_000_000), true);
    view.setUint32(offset + 4, r.at % 1_000_000, true);
    view.setUint32(offset + 8, r.frame.length, true);
    view.setUint32(offset + 12, r.frame.length, true);
    out.set(r.frame, offset + PCAP_RECORD_HEADER_LENGTH);
    offset += PCAP_RECORD_HEADER_LENGTH + r.frame.length;
  }
  return out;
}

/**
 * Read a capture back (for tests and tools): the inverse of `encodePcap`, and
 * of tcpdump's files on a little-endian host. With `partial`, a last record cut
 * short (a capture stopped mid-write) ends the file instead of spoiling it.
 */
export function decodePcap(bytes: Uint8Array, options: { readonly partial?: boolean } = {}): { readonly linktype: number; readonly records: PcapRecord[] } | undefined {
  if (bytes.length < PCAP_GLOBAL_HEADER_LENGTH) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== PCAP_MAGIC_MICROSECONDS) return undefined;
  const linktype = view.getUint32(20, true);
  const records: PcapRecord[] = [];
  let offset = PCAP_GLOBAL_HEADER_LENGTH;
  while (offset + PCAP_RECORD_HEADER_LENGTH <= bytes.length) {
    const at = view.getUint32(offset, true) * 1_000_000 + view.getUint32(offset + 4, true);
    const length = view.getUint32(offset + 8, true);
    const start = offset + PCAP_RECORD_HEADER_LENGTH;
    if (start + length > bytes.length) return options.partial ? { linktype, records } : undefined;
    records.push({ at: at as Instant, frame: bytes.slice(start, start + length) });
    offset = start + length;
  }
  return offset === bytes.length || options.partial ? { linktype, records } : undefined;
}
