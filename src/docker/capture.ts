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
import { decodePcap, encodePcap, LINKTYPE_ETHERNET, type PcapRecord } from '../core/pcap.js';

export class CaptureFormatError extends VrrpLabError {
  readonly code = 'capture-format';
}

/** What tcpdump captures in a node: its VRRP adverts (IP protocol 112) and ARP (gratuitous ARP for VIPs). */
export const CAPTURE_FILTER = 'ip proto 112 or arp';

export const captureFile = (iface: string): string => `/lab/capture-${iface}.pcap`;

/** The frames of one node's capture, stamped in realtime microseconds; what is not an Ethernet pcap is a located error. */
export function readCapture(bytes: Uint8Array, name: string): readonly PcapRecord[] {
  const file = decodePcap(bytes, { partial: true });
  if (file === undefined) throw new CaptureFormatError(`${name}: not a pcap file tcpdump wrote (${bytes.length} bytes)`);
  if (file.linktype !== LINKTYPE_ETHERNET) throw new CaptureFormatError(`${name}: link type ${file.linktype}, expected Ethernet (${LINKTYPE_ETHERNET})`);
  return file.records;
}

/** The nodes' captures as one pcap, on the run's clock (µs since `t0Us`); frames from before the start are left out. */
export function mergeCaptures(files: readonly { readonly name: string; readonly bytes: Uint8Array }[], t0Us: number): { readonly pcap: Uint8Array; readonly frames: number } {
  const records: PcapRecord[] = files
    .flatMap((f) => readCapture(f.bytes, f.name))
    .filter((r) => r.at >= t0Us)
    .map((r) => ({ at: instant(r.at - t0Us), frame: r.frame }));
  records.sort((a, b) => a.at - b.at);
  return { pcap: encodePcap(records), frames: records.length };
}
