/**
 * End to end: the real VRRP engine (src/vrrp) hosted by the simulator, configs
 * built by hand. Times are exact virtual microseconds: RFC 3768 §6.1 with
 * keepalived's integer arithmetic (Skew_Time = ⌊(256 − p)·10⁶ / 256⌋ µs) and
 * the simulator's default 100 µs link delay.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Observation } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { vrrpEngine } from '../vrrp/index.js';
import { checkTrace, violationsOf, type Violation } from '../check/index.js';
import { simCheckers } from './checkers.test-utils.js';
import { decodePcap, ETHERTYPE_ARP } from '../core/pcap.js';
import { writePcapFile } from './pcap-file.js';
import { createSimBackend, simBackend } from './sim-backend.js';
import { requireCapability } from '../core/backend.js';
import { Simulation } from './simulation.js';
import type { SimNodeConfig, SimulationOptions } from './types.js';
import { nodeConfig, type NodeOptions } from './topology.test-utils.js';
import { nodeSpecFromVrrp } from '../spec/node-spec.test-utils.js';

const S = 1_000_000;
const DELAY = 100;
const skew = (p: number) => Math.floor(((256 - p) * S) / 256);
const mdi = (p: number) => 3 * S + skew(p);

interface NodeSpec {
  readonly id: string;
  readonly address: string;
  readonly priority: number;
  readonly options?: NodeOptions;
}

const A: NodeSpec = { id: 'a', address: '192.0.2.1', priority: 150 };
const B: NodeSpec = { id: 'b', address: '192.0.2.2', priority: 100 };

function topology(specs: readonly NodeSpec[]): { id: string; config: SimNodeConfig }[] {
  return specs.map((s) => ({ id: s.id, config: { vrrp: nodeConfig(s.id, s.address, s.priority, s.options) } }));
}

function cluster(specs: readonly NodeSpec[] = [A, B], options: Partial<SimulationOptions> = {}) {
  const seed = options.seed ?? 1;
  onTestFailed(() => console.error(`reproduce with seed ${seed}`));
  const sim = new Simulation({ seed, engine: vrrpEngine, ...options });
  const nodes = topology(specs);
  for (const n of nodes) sim.addNode(n.id, n.config);
  for (const n of nodes) sim.node(n.id).start();
  return { sim, nodes };
}

const masterAt = (sim: Simulation, node: string) =>
  sim.observations().flatMap((o) => (o.kind === 'transitioned' && o.node === node && o.to === 'MASTER' ? [o.at] : []));
/** The state a node's instance was last seen entering. */
function stateOf(trace: readonly Observation[], node: string): string | undefined {
  let state: string | undefined;
  for (const o of trace) if (o.kind === 'transitioned' && o.node === node) state = o.to;
  return state;
}

function violations(sim: Simulation, nodes: { id: string; config: SimNodeConfig }[]): Violation[] {
  return violationsOf(checkTrace(sim.observations(), simCheckers(nodes, sim.network.maxLatencyUs), sim.now()));
}

describe('VRRP in the simulator', () => {
  it('the higher priority becomes MASTER one Master_Down_Interval after start', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    expect(masterAt(sim, 'a')).toEqual([mdi(150)]); // 3.414062 s
    expect(masterAt(sim, 'b')).toEqual([]);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('crash the master: the backup takes over one MDI after the last advert it heard, to the microsecond', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'kill', node: 'a' });
    sim.advance(10 * S);
    const lastAdvert = mdi(150) + 6 * S; // adverts every second from becoming MASTER
    expect(masterAt(sim, 'b')).toEqual([lastAdvert + DELAY + mdi(100)]); // 13.023537 s
    const removed = sim.observations().filter((o) => o.kind === 'address-removed');
    expect(removed).toMatchObject([{ at: 10 * S, node: 'a', address: '192.0.2.100', reason: 'crash' }]);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('graceful stop: priority 0 goes out, the backup takes over after its Skew_Time', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'stop', node: 'a' });
    sim.advance(5 * S);
    expect(masterAt(sim, 'b')).toEqual([10 * S + DELAY + skew(100)]); // 10.609475 s
    const stopped = sim.observations().filter((o) => o.kind === 'transitioned' && o.node === 'a' && o.to === 'STOP');
    expect(stopped).toMatchObject([{ at: 10 * S, from: 'MASTER' }]);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('restart after a crash: the higher priority preempts back one MDI after it starts', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'kill', node: 'a' });
    sim.advance(10 * S);
    sim.apply({ kind: 'start', node: 'a' });
    sim.advance(10 * S);
    expect(masterAt(sim, 'a')).toEqual([mdi(150), 20 * S + mdi(150)]);
    expect(stateOf(sim.observations(), 'b')).toBe('BACKUP');
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('partition: two masters while split, one again soon after heal', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'partition', groups: [['a'], ['b']] });
    sim.advance(10 * S);
    expect(masterAt(sim, 'b')).toEqual([mdi(150) + 6 * S + DELAY + mdi(100)]);
    expect(stateOf(sim.observations(), 'a')).toBe('MASTER');
    sim.apply({ kind: 'heal' });
    sim.advance(1 * S + DELAY);
    expect(stateOf(sim.observations(), 'a')).toBe('MASTER');
    expect(stateOf(sim.observations(), 'b')).toBe('BACKUP');
    sim.advance(10 * S);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('one-way cut a → b: b stops hearing a and takes over; a hears b and stays MASTER (split brain)', () => {
    const { sim } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'oneway', from: 'a', to: 'b' });
    sim.advance(10 * S);
    expect(masterAt(sim, 'b')).toEqual([mdi(150) + 6 * S + DELAY + mdi(100)]);
    // a (150) hears b's lower-priority adverts and keeps MASTER: two masters for as long as the cut lasts.
    expect(stateOf(sim.observations(), 'a')).toBe('MASTER');
  });

  it('pause the master: the backup takes over; on resume the stale master adverts at once and wins back', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'pause', node: 'a' });
    sim.advance(10 * S);
    expect(masterAt(sim, 'b')).toEqual([mdi(150) + 6 * S + DELAY + mdi(100)]);
    sim.apply({ kind: 'resume', node: 'a' });
    sim.advance(2 * S);
    const bBackup = sim.observations().filter((o) => o.kind === 'transitioned' && o.node === 'b' && o.to === 'BACKUP' && o.at >= 20 * S);
    expect(bBackup.map((o) => o.at)).toEqual([20 * S + DELAY]);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('linkdown on the master: it faults at once, its goodbye cannot leave the dead link, the backup times out', () => {
    const { sim, nodes } = cluster();
    sim.advance(10 * S);
    sim.apply({ kind: 'linkdown', node: 'a' });
    sim.advance(10 * S);
    expect(sim.observations().filter((o) => o.kind === 'transitioned' && o.node === 'a').at(-1)).toMatchObject({ at: 10 * S, to: 'FAULT' });
    expect(masterAt(sim, 'b')).toEqual([mdi(150) + 6 * S + DELAY + mdi(100)]);
    sim.apply({ kind: 'linkup', node: 'a' });
    sim.advance(10 * S);
    expect(masterAt(sim, 'a')).toEqual([mdi(150), 20 * S + mdi(150)]);
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('unicast peers: adverts go to each peer address, and failover times are the same', () => {
    const unicast = (spec: NodeSpec, peer: string): NodeSpec => ({ ...spec, options: { instance: { unicastPeers: [peer] } } });
    const { sim, nodes } = cluster([unicast(A, B.address), unicast(B, A.address)], { observe: ['transitioned', 'priority-changed', 'event', 'address-added', 'address-removed', 'sent'] });
    sim.advance(10 * S);
    sim.apply({ kind: 'kill', node: 'a' });
    sim.advance(10 * S);
    expect(masterAt(sim, 'a')).toEqual([mdi(150)]);
    expect(masterAt(sim, 'b')).toEqual([mdi(150) + 6 * S + DELAY + mdi(100)]);
    const sent = sim.observations().filter((o) => o.kind === 'sent');
    expect(new Set(sent.map((o) => o.kind === 'sent' && `${o.node}->${o.destination}`))).toEqual(new Set(['a->192.0.2.2', 'b->192.0.2.1']));
    expect(violations(sim, nodes)).toEqual([]);
  });

  it('the same seed gives the same trace hash', () => {
    const run = (seed: number) => {
      const { sim } = cluster([A, B, { id: 'c', address: '192.0.2.3', priority: 120 }], { seed, link: { latencyUsMin: 50, latencyUsMax: 2_000, lossRatio: 0.01 } });
      sim.at((10 * S) as Instant, { kind: 'kill', node: 'a' });
      sim.at((20 * S) as Instant, { kind: 'start', node: 'a' });
      sim.at((30 * S) as Instant, { kind: 'partition', groups: [['a', 'b'], ['c']] });
      sim.at((40 * S) as Instant, { kind: 'heal' });
      sim.advance(60 * S);
      return sim.traceHash();
    };
    expect(run(7)).toBe(run(7));
    expect(run(8)).not.toBe(run(7));
  });

  it('a different seed with latency jitter may differ, and is still a valid run', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { sim, nodes } = cluster([A, B, { id: 'c', address: '192.0.2.3', priority: 120 }], { seed, link: { latencyUsMin: 100, latencyUsMax: 5_000 } });
      sim.advance(10 * S);
      sim.apply({ kind: 'kill', node: 'a' });
      sim.advance(10 * S);
      sim.apply({ kind: 'start', node: 'a' });
      sim.advance(10 * S);
      expect(violations(sim, nodes), `seed ${seed}`).toEqual([]);
      expect(stateOf(sim.observations(), 'a')).toBe('MASTER');
    }
  });

  it('a failing track_script with a negative weight moves the VIP', () => {
    const scripted: NodeSpec = {
      ...A,
      options: {
        scripts: [{ name: 'chk', intervalUs: 1 * S, timeoutUs: 0, weight: -60, reverse: false, rise: 1, fall: 1 }],
        trackScripts: [{ script: 'chk', weight: -60, reverse: false }],
      },
    };
    const { sim, nodes } = cluster([scripted, B]);
    sim.advance(10 * S);
    expect(stateOf(sim.observations(), 'a')).toBe('MASTER');
    sim.apply({ kind: 'fail', node: 'a', script: 'chk' });
    sim.advance(10 * S);
    const changed = sim.observations().filter((o) => o.kind === 'priority-changed' && o.node === 'a');
    expect(changed).toMatchObject([{ from: 150, to: 90 }]);
    expect(stateOf(sim.observations(), 'b')).toBe('MASTER');
    expect(stateOf(sim.observations(), 'a')).toBe('BACKUP');
    expect(violations(sim, nodes)).toEqual([]);
  });
});

describe('the Backend port', () => {
  it('runs a cluster through create → start → advance → apply → stop', async () => {
    const backend = simBackend;
    const spec = { seed: 3, nodes: topology([A, B]).map((n) => ({ id: n.id, config: nodeSpecFromVrrp(n.config.vrrp), address: n.config.vrrp.interfaces[0]!.address })) };
    const started = await backend.create(spec).start({ deferred: ['b'] });
    await started.advance(5 * S);
    expect(started.now()).toBe(5 * S);
    await started.apply({ kind: 'start', node: 'b' });
    await started.advance(5 * S);
    const stopped = await started.stop();
    const trace = stopped.observations();
    expect(trace.filter((o) => o.kind === 'transitioned' && o.node === 'b').map((o) => o.at)).toEqual([5 * S]);
    expect(masterAt(started.simulation, 'a')).toEqual([mdi(150)]);
    await expect(started.advance(1)).rejects.toMatchObject({ code: 'sim-cluster-stopped' });
  });
});

describe('the simulator\'s capabilities', () => {
  const spec = () => ({ seed: 3, nodes: topology([A, B]).map((n) => ({ id: n.id, config: nodeSpecFromVrrp(n.config.vrrp), address: n.config.vrrp.interfaces[0]!.address })) });

  it('offers hold, trace-hash and lvs, and capture only when asked for; never a Docker verb', async () => {
    expect([...simBackend.capabilities].sort()).toEqual(['hold', 'lvs', 'trace-hash']);
    expect([...createSimBackend({ capture: true }).capabilities].sort()).toEqual(['capture', 'hold', 'lvs', 'trace-hash']);
    await using plain = await simBackend.create(spec()).start();
    expect(plain.capability('capture')).toBeUndefined();
    expect(plain.capability('vip-audit')).toBeUndefined();
    expect(() => requireCapability(plain, 'vip-audit', simBackend.name, 'the VIP audit')).toThrow("the VIP audit needs the 'vip-audit' capability, which sim does not offer here");
  });

  it('holds a\'s adverts to b through the capability: b takes over, and gives way once they are released', async () => {
    await using started = await createSimBackend({ capture: true }).create(spec()).start();
    await started.advance(5 * S);
    started.capability('hold')?.hold('a', 'b');
    await started.advance(5 * S);
    started.capability('hold')?.release();
    await started.advance(2 * S);
    const changes = started.observations().filter((o) => o.kind === 'transitioned' && o.to !== 'BACKUP' || (o.kind === 'transitioned' && o.from === 'MASTER'));
    expect(changes.map((o) => (o.kind === 'transitioned' ? `${o.node} ${o.from}→${o.to}` : ''))).toEqual(['a BACKUP→MASTER', 'b BACKUP→MASTER', 'b MASTER→BACKUP']);
    const capture = await started.capability('capture')?.collect();
    expect(capture?.frames).toBeGreaterThan(0);
    expect(decodePcap(capture!.pcap)?.records).toHaveLength(capture!.frames);
    expect(started.capability('trace-hash')?.traceHash()).toMatch(/^[0-9a-f]{16,}$/);
  });
});

describe('a capture of the real engine', () => {
  const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  const haveTshark = tshark.error === undefined && tshark.status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const capture = () => {
    const { sim } = cluster([A, B], { capture: true });
    sim.advance(10 * S);
    sim.apply({ kind: 'stop', node: 'a' });
    sim.advance(5 * S);
    return sim;
  };

  it('holds the adverts and GARPs, byte-identical for the same seed', () => {
    const sim = capture();
    const file = decodePcap(sim.pcap());
    const frames = file?.records ?? [];
    expect(frames.length).toBeGreaterThan(10);
    expect(frames[0]?.at).toBe(mdi(150));
    expect(frames.filter((r) => ((r.frame[12] ?? 0) << 8 | (r.frame[13] ?? 0)) === ETHERTYPE_ARP).length).toBeGreaterThanOrEqual(5);
    expect(Buffer.from(capture().pcap()).equals(Buffer.from(sim.pcap()))).toBe(true);
  });

  const title = 'tshark decodes every advert as VRRPv2 with a good checksum';
  it.skipIf(!haveTshark)(haveTshark ? title : `${title} (skipped: tshark is not on PATH)`, async () => {
    const path = join(dir, 'stop.pcap');
    await writePcapFile(path, capture().frames());
    const run = spawnSync('tshark', ['-r', path, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.protocols', '-e', 'vrrp.version', '-e', 'vrrp.type', '-e', 'vrrp.checksum.status', '-e', 'ip.checksum.status', '-e', 'vrrp.prio', '-e', 'ip.src'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split('\n').map((l) => l.split('|'));
    const vrrp = rows.filter((r) => r[0]?.endsWith(':vrrp'));
    expect(vrrp.length).toBeGreaterThan(5);
    for (const r of vrrp) expect(r.slice(1, 5)).toEqual(['2', '1', '1', '1']);
    // a's last advert is the priority-0 goodbye; b's adverts follow.
    expect(vrrp.filter((r) => r[6] === '192.0.2.1').at(-1)?.[5]).toBe('0');
    expect(vrrp.at(-1)?.[6]).toBe('192.0.2.2');
  });
});
