import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeEngine } from './fake-engine.test-utils.js';
import { nodeConfig } from './topology.test-utils.js';
import { formatMac, multicastMac } from '../core/mac.js';
import { decodePcap, encodePcap, ETHERTYPE_ARP, ETHERTYPE_IPV4, gratuitousArpFrame, LINKTYPE_ETHERNET } from '../core/pcap.js';
import { writePcapFile } from './pcap-file.js';
import { Simulation } from './simulation.js';
import type { VrrpEngineLike } from './types.js';

const S = 1_000_000;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const ethertype = (frame: Uint8Array) => ((frame[12] ?? 0) << 8) | (frame[13] ?? 0);

/** Two nodes; a wins, then stops (priority 0), b takes over. Every frame is captured. */
function capturedRun(engine: VrrpEngineLike) {
  const sim = new Simulation({ seed: 5, engine, capture: true });
  sim.addNode('a', { vrrp: nodeConfig('a', '192.0.2.1', 200) });
  sim.addNode('b', { vrrp: nodeConfig('b', '192.0.2.2', 100) });
  sim.node('a').start();
  sim.node('b').start();
  sim.advance(6 * S);
  sim.apply({ kind: 'stop', node: 'a' });
  sim.advance(3 * S);
  return sim;
}

describe('pcap encoding', () => {
  it('writes the classic header and one record per frame with µs timestamps from virtual time', () => {
    const frame = gratuitousArpFrame(Uint8Array.of(2, 0, 0, 0, 1, 1), '192.0.2.100');
    const bytes = encodePcap([{ at: 3_218_750 as never, frame }]);
    expect(hex(bytes.subarray(0, 24))).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '01000000');
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(24, true)).toBe(3); // seconds
    expect(view.getUint32(28, true)).toBe(218_750); // microseconds
    expect(view.getUint32(32, true)).toBe(42);
    expect(decodePcap(bytes)?.records[0]?.frame).toEqual(frame);
  });

  it('builds a gratuitous ARP the way keepalived does: broadcast request, sender = target = VIP', () => {
    const frame = gratuitousArpFrame(Uint8Array.of(2, 0, 0, 0, 1, 1), '192.0.2.100');
    expect(hex(frame)).toBe(
      'ffffffffffff' + '020000000101' + '0806' + // Ethernet: broadcast, from the interface MAC, ARP
        '0001' + '0800' + '06' + '04' + '0001' + // Ethernet/IPv4, request
        '020000000101' + 'c0000264' + // sender: interface MAC, the VIP
        'ffffffffffff' + 'c0000264', //  target: all ones, the VIP
    );
  });

  it('maps a multicast group to its 01:00:5e MAC (RFC 1112)', () => {
    expect(formatMac(multicastMac('224.0.0.18'))).toBe('01:00:5e:00:00:12');
    expect(formatMac(multicastMac('239.255.1.2'))).toBe('01:00:5e:7f:01:02');
  });
});

describe('a simulation capture', () => {
  const sim = capturedRun(fakeEngine);
  const file = decodePcap(sim.pcap());

  it('holds every advert and GARP with Ethernet framing, in time order', () => {
    expect(file?.linktype).toBe(LINKTYPE_ETHERNET);
    const records = file?.records ?? [];
    expect(records.length).toBeGreaterThan(3);
    for (let i = 1; i < records.length; i++) expect(records[i]!.at).toBeGreaterThanOrEqual(records[i - 1]!.at);
    const adverts = records.filter((r) => ethertype(r.frame) === ETHERTYPE_IPV4);
    const arps = records.filter((r) => ethertype(r.frame) === ETHERTYPE_ARP);
    expect(adverts.length + arps.length).toBe(records.length);
    for (const { frame } of adverts) {
      expect(formatMac(frame.subarray(0, 6))).toBe('01:00:5e:00:00:12');
      expect(['02:00:00:00:01:01', '02:00:00:00:02:01']).toContain(formatMac(frame.subarray(6, 12)));
      expect(frame[14]).toBe(0x45); // IPv4, 20-byte header
      expect(frame[14 + 8]).toBe(255); // TTL
      expect(frame[14 + 9]).toBe(112); // VRRP
      expect(frame[34]).toBe(0x21); // version 2, advertisement
    }
    // a's first advert is at its Master_Down_Interval (3 s + skew 56/256 s); its last says priority 0.
    expect(adverts[0]?.at).toBe(3_218_750);
    const aAdverts = adverts.filter((r) => r.frame[10] === 1); // source MAC 02:00:00:00:01:01 = node 1 (a)
    expect(aAdverts.at(-1)?.frame[36]).toBe(0);
    expect(arps.length).toBeGreaterThanOrEqual(2);
  });

  it('is byte-identical for the same seed', () => {
    expect(hex(capturedRun(fakeEngine).pcap())).toBe(hex(sim.pcap()));
  });
});

const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const haveTshark = tshark.error === undefined && tshark.status === 0;
const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Decode a capture with tshark: one row per frame of the fields asked for. */
function tsharkRows(path: string, fields: readonly string[]): string[][] {
  const args = ['-r', path, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])];
  const run = spawnSync('tshark', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tshark failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => line.split('|'));
}

describe('tshark reads the capture', () => {
  const title = 'as VRRPv2 advertisements with good checksums, and gratuitous ARPs';
  it.skipIf(!haveTshark)(haveTshark ? title : `${title} (skipped: tshark is not on PATH)`, async () => {
    const path = join(dir, 'pair.pcap');
    await writePcapFile(path, capturedRun(fakeEngine).frames());
    expect(readFileSync(path).length).toBeGreaterThan(24);
    const rows = tsharkRows(path, ['frame.protocols', 'vrrp.version', 'vrrp.type', 'vrrp.checksum.status', 'ip.checksum.status', 'arp.isgratuitous', 'arp.src.proto_ipv4']);
    const vrrp = rows.filter((r) => r[0]?.endsWith(':vrrp'));
    const arp = rows.filter((r) => r[0]?.endsWith(':arp'));
    expect(vrrp.length + arp.length).toBe(rows.length);
    expect(vrrp.length).toBeGreaterThan(3);
    for (const r of vrrp) expect(r.slice(1, 5)).toEqual(['2', '1', '1', '1']); // v2, advertisement, VRRP and IP checksums good
    for (const r of arp) expect(r.slice(5, 7)).toEqual(['1', '192.0.2.100']);
  });
});
