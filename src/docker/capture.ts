/**
 * The wire of a Docker run as one pcap file: every frame a lab node sent
 * (VRRP and ARP), captured in the node that sent it and merged in time order.
 *
 * Theory of operation: before the run's clock starts, each node runs one
 * `tcpdump -Q out` per interface, so each frame is captured exactly once — at
 * its sender — whatever the topology (multicast, unicast peers, several
 * segments). At the end the files are read back, their records put on the
 * run's clock (microseconds since the start, like the simulator's captures)
 * and merged into one classic pcap (LINKTYPE_ETHERNET) that Wireshark and
 * tshark decode like the simulator's.
 */
import { VrrpLabError } from '../core/errors.js';
import { instant } from '../core/time.js';
import { encodePcap, type PcapRecord } from '../sim/pcap.js';

export class CaptureFormatError extends VrrpLabError {
  readonly code = 'capture-format';
}

/** What tcpdump captures in a node: its VRRP adverts (IP protocol 112) and ARP (gratuitous ARP for VIPs). */
export const CAPTURE_FILTER = 'ip proto 112 or arp';

export const captureFile = (iface: string): string => `/lab/capture-${iface}.pcap`;

/** The frames of one classic pcap file, stamped in realtime microseconds. Ethernet only. */
export function decodePcap(bytes: Uint8Array, name = 'capture'): { readonly atUs: number; readonly frame: Uint8Array }[] {
  if (bytes.length < 24) throw new CaptureFormatError(`${name}: ${bytes.length} bytes is too short for a pcap file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  const le = magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d;
  const magic = le ? magicLe : view.getUint32(0, false);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new CaptureFormatError(`${name}: not a pcap file (magic 0x${magicLe.toString(16)})`);
  const nanos = magic === 0xa1b23c4d;
  const linktype = view.getUint32(20, le);
  if (linktype !== 1) throw new CaptureFormatError(`${name}: link type ${linktype}, expected Ethernet (1)`);
  const out: { atUs: number; frame: Uint8Array }[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const seconds = view.getUint32(at, le);
    const fraction = view.getUint32(at + 4, le);
    const caplen = view.getUint32(at + 8, le);
    // A record cut short (tcpdump killed mid-write) ends the file.
    if (at + 16 + caplen > bytes.length) break;
    out.push({ atUs: seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction), frame: bytes.slice(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return out;
}

/** The nodes' captures as one pcap, on the run's clock (µs since `t0Us`); frames from before the start are left out. */
export function mergeCaptures(files: readonly { readonly name: string; readonly bytes: Uint8Array }[], t0Us: number): { readonly pcap: Uint8Array; readonly frames: number } {
  const records: PcapRecord[] = files
    .flatMap((f) => decodePcap(f.bytes, f.name))
    .filter((r) => r.atUs >= t0Us)
    .map((r) => ({ at: instant(r.atUs - t0Us), frame: r.frame }));
  records.sort((a, b) => a.at - b.at);
  return { pcap: encodePcap(records), frames: records.length };
}
