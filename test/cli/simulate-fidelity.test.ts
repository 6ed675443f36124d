/**
 * What `vrrp-lab simulate` does with what it cannot run yet, and the LVS and
 * VMAC behaviour the new-user trial found wrong (issue 11, item 4), rerun
 * through the command itself.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const FIX = 'test/cli/fixtures/fidelity';
// Whole runs of the command: generous on a loaded machine (virtual time keeps the results exact).
vi.setConfig({ testTimeout: 60_000 });

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('simulate refuses what it cannot run, at the line that asks for it', () => {
  it('VRRPv3 in the instance or in global_defs: file:line:col, exit 2 (trial F6)', async () => {
    const r = await run('simulate', '--node', `a=${FIX}/v3.conf`, '--node', `b=${FIX}/global-v3.conf`, '--until', '5', '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${FIX}/v3.conf:7:13: error[simulate-vrrp-v3-unsupported]: (VI_1) VRRP version 3 is not simulated`);
    expect(r.err).toContain(`${FIX}/global-v3.conf:3:18: error[simulate-vrrp-v3-unsupported]`);
    expect(r.err).not.toContain('error[vrrp-version-unsupported]');
    expect(r.out).not.toContain('BACKUP → MASTER');
  });

  it('an IPv6 instance: file:line:col, exit 2', async () => {
    const r = await run('simulate', '--node', `a=${FIX}/v6.conf`, '--until', '5', '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${FIX}/v6.conf:2:1: error[simulate-ipv6-unsupported]`);
  });
});

describe('a paused LVS director resumed (trial W1): the clients\' router\'s ARP cache as Linux keeps it', () => {
  const SEED003 = 'scenarios/seed-003-lvs-directors';
  const w1 = (lb1: string, ...more: string[]) =>
    run('simulate', '--node', `lb1=${lb1}`, '--node', `lb2=${SEED003}/lb2.conf`, '--event', '5 clients 4 50 hold 5', '--event', '20 pause lb1', '--event', '30 resume lb1', '--until', '70', '--seed', '1', ...more);

  it('lb1 reads lb2\'s kept adverts on resume and sends its lower-priority GARPs: the router follows at once, nothing times out', async () => {
    const r = await w1(`${SEED003}/lb1.conf`);
    expect(r.code).toBe(0);
    const arp = r.out.split('\n').filter((l) => l.includes(' ARP '));
    expect(arp.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      '5.000200 clients ARP 192.0.2.80 → lb1 lb1 answered the broadcast',
      '23.414162 clients ARP 192.0.2.80 → lb2 gratuitous ARP from lb2',
      '30.000000 clients ARP 192.0.2.80 → lb1 gratuitous ARP from lb1',
    ]);
    expect(r.out).toContain('client connections: 200 opened, 160 completed, 40 broken, 0 refused, 0 timed-out');
  });

  it('without those GARPs (garp_lower_prio_repeat 0) the outage ends when the cache gives up on lb2, not never', async () => {
    const r = await w1(`${FIX}/lb1-no-lower-garp.conf`, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { lvs: { arp: { t: number; address: string; owner?: string; reason: string }[]; clients: { totals: Record<string, number>; outcomes: { t: number; outcome: string }[] } } };
    // lb2 answered the router's probe at 28.5 s while it still held the VIP; REACHABLE for the seeded
    // reachable_time, then DELAY 5 s, then three unanswered probes 1 s apart: FAILED, and lb1 answers the broadcast.
    expect(json.lvs.arp).toEqual([
      { t: 5.0002, address: '192.0.2.80', owner: 'lb1', reason: 'lb1 answered the broadcast' },
      { t: 23.414162, address: '192.0.2.80', owner: 'lb2', reason: 'gratuitous ARP from lb2' },
      { t: 59.967834, address: '192.0.2.80', reason: 'no answer to 3 probes to lb2; the next packet asks again' },
      { t: 60.0002, address: '192.0.2.80', owner: 'lb1', reason: 'lb1 answered the broadcast' },
    ]);
    const timedOut = json.lvs.clients.outcomes.filter((o) => o.outcome === 'timed-out');
    expect(timedOut.length).toBe(92);
    expect(Math.max(...timedOut.map((o) => o.t - 15))).toBeLessThan(60.0002); // every lost connect began before lb1 was found
    expect(json.lvs.clients.totals['opened']).toBe(108);
  });
});

/** Each frame's source MAC and EtherType, read from a classic pcap file. */
function frames(pcap: Uint8Array): { src: string; type: number; arpSender?: string }[] {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const mac = (at: number): string => Array.from(pcap.subarray(at, at + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
  const out: { src: string; type: number; arpSender?: string }[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const length = view.getUint32(at + 8, true);
    const frame = at + 16;
    const type = view.getUint16(frame + 12);
    out.push({ src: mac(frame + 6), type, ...(type === 0x0806 ? { arpSender: mac(frame + 14 + 8) } : {}) });
    at = frame + length;
  }
  return out;
}

describe('use_vmac in the simulator\'s frames (trial W8)', () => {
  const pcapOf = async (conf: string): Promise<ReturnType<typeof frames>> => {
    const dir = mkdtempSync(join(tmpdir(), 'vmac-'));
    const file = join(dir, 'run.pcap');
    const r = await run('simulate', '--node', `a=${FIX}/${conf}`, '--until', '5', '--seed', '1', '--pcap', file);
    expect(r.code).toBe(0);
    return frames(readFileSync(file));
  };

  it('adverts and the VIP\'s gratuitous ARPs leave from 00:00:5e:00:01:VRID', async () => {
    const f = await pcapOf('vmac.conf');
    const vrrp = f.filter((x) => x.type === 0x0800);
    const arp = f.filter((x) => x.type === 0x0806);
    expect(vrrp.length).toBeGreaterThan(0);
    expect(arp.length).toBe(5);
    expect(new Set(vrrp.map((x) => x.src))).toEqual(new Set(['00:00:5e:00:01:01']));
    expect(new Set(arp.map((x) => `${x.src} ${x.arpSender}`))).toEqual(new Set(['00:00:5e:00:01:01 00:00:5e:00:01:01']));
  });

  it('vmac_xmit_base: adverts from the interface\'s own MAC, gratuitous ARPs from the VMAC given (5 octets + the VRID)', async () => {
    const f = await pcapOf('vmac-xmit-base.conf');
    expect(new Set(f.filter((x) => x.type === 0x0800).map((x) => x.src))).toEqual(new Set(['02:00:00:00:01:01']));
    expect(new Set(f.filter((x) => x.type === 0x0806).map((x) => x.src))).toEqual(new Set(['02:00:5e:00:01:07']));
  });
});

describe('use_vmac on Docker with --engine ts (trial W8)', () => {
  it('is refused at the use_vmac line before anything starts, for the engine and for one node\'s --node-engine', async () => {
    for (const engineFlags of [['--engine', 'ts'], ['--engine', 'keepalived', '--node-engine', 'a=ts']]) {
      const r = await run('run', ...engineFlags, '--node', `a=${FIX}/vmac.conf`, '--until', '5');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/fidelity\/vmac\.conf:7:5: error\[ts-engine-vmac-unsupported\]: \(VI_1\) use_vmac is not implemented by --engine ts \(node a\): its daemon creates no vrrp\.1 macvlan with 00:00:5e:00:01:01/);
    }
  });
});
