/**
 * The one file of the simulator that touches the file system: it writes a
 * capture produced by `pcap.ts`. Everything else in src/sim stays pure.
 */
import { writeFile } from 'node:fs/promises';
import { encodePcap, type PcapRecord } from '../core/pcap.js';

/** Write `records` as a classic pcap file (LINKTYPE_ETHERNET, µs timestamps). */
export async function writePcapFile(path: string, records: readonly PcapRecord[]): Promise<void> {
  await writeFile(path, encodePcap(records));
}
