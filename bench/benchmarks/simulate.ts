/**
 * Simulator speed: how much virtual time a second of real time buys.
 *
 * - `3 nodes × 24 h`: one VRID shared by three nodes, with a random fault every
 *   few virtual minutes (crash and restart, graceful stop and start, link down
 *   and up, partition and heal), all drawn from one seed. Target: under 2 s.
 * - `100 nodes × 50 VRIDs × 1 h`: fifty virtual routers of two nodes each on one
 *   segment, no faults. Target: under 20 s.
 *
 * Each reports wall time, queue events per second and the speed-up over real time.
 */
import type { ClusterEvent } from '../../src/core/backend.js';
import { Rng } from '../../src/core/rng.js';
import { instant, US_PER_SECOND } from '../../src/core/time.js';
import { benchTopology, runBench, Simulation } from '../../src/sim/index.js';
import { vrrpEngine } from '../../src/vrrp/index.js';
import { measure, type Benchmark, type BenchMetric } from '../harness.js';

const HOUR_US = 3600 * US_PER_SECOND;

/** A fault and its undoing, drawn from the seed; returns how many faults were planned. */
function planFaults(sim: Simulation, nodes: readonly string[], durationUs: number, rng: Rng): number {
  let planned = 0;
  for (let t = 60 * US_PER_SECOND; t < durationUs; t += rng.int(60, 600) * US_PER_SECOND) {
    const node = rng.pick(nodes);
    const other = rng.pick(nodes.filter((n) => n !== node));
    const pairs: Array<[ClusterEvent, ClusterEvent]> = [
      [{ kind: 'kill', node }, { kind: 'start', node }],
      [{ kind: 'stop', node }, { kind: 'start', node }],
      [{ kind: 'linkdown', node }, { kind: 'linkup', node }],
      [{ kind: 'partition', groups: [[node], nodes.filter((n) => n !== node)] }, { kind: 'heal' }],
      [{ kind: 'oneway', from: node, to: other }, { kind: 'heal' }],
    ];
    const [fault, undo] = rng.pick(pairs);
    const lastsUs = rng.int(1, 30) * US_PER_SECOND;
    sim.at(instant(t), fault);
    sim.at(instant(Math.min(t + lastsUs, durationUs)), undo);
    planned++;
  }
  return planned;
}

function threeNodesWithFaults(seed: number): { events: number; faults: number } {
  const durationUs = 24 * HOUR_US;
  const sim = new Simulation({ seed, engine: vrrpEngine });
  const topology = benchTopology({ nodes: 3, vrids: 1, membersPerVrid: 3 });
  for (const n of topology) sim.addNode(n.id, n.config);
  for (const n of topology) sim.node(n.id).start();
  const faults = planFaults(sim, topology.map((n) => n.id), durationUs, Rng.fromSeed(seed).fork('faults'));
  sim.advance(durationUs);
  return { events: sim.eventsRun, faults };
}

function speedMetrics(label: string, seconds: number, events: number, virtualUs: number): BenchMetric[] {
  return [
    { name: `${label}: wall time`, value: seconds * 1000, unit: 'ms' },
    { name: `${label}: events/s`, value: events / seconds, unit: 'events/s' },
    { name: `${label}: speed-up over real time`, value: virtualUs / US_PER_SECOND / seconds, unit: '×' },
  ];
}

export const simulateBenchmark: Benchmark = {
  name: 'simulate',
  description: 'simulator speed: 3 nodes for 24 h with random faults, 100 nodes × 50 VRIDs for 1 h',
  async run(ctx) {
    const seed = Number(ctx.env['SEED'] ?? 1);
    ctx.log('  3 nodes × 24 h with random faults …');
    let small = { events: 0, faults: 0 };
    const smallS = await measure(() => (small = threeNodesWithFaults(seed)), { minRuns: 2, minSeconds: 0 });
    ctx.log('  100 nodes × 50 VRIDs × 1 h …');
    let large = { events: 0 };
    const largeS = await measure(() => (large = runBench(vrrpEngine, { nodes: 100, vrids: 50 }, HOUR_US)), { minRuns: 1, minSeconds: 0 });
    return {
      metrics: [...speedMetrics('3 nodes × 24 h', smallS, small.events, 24 * HOUR_US), ...speedMetrics('100 × 50 × 1 h', largeS, large.events, HOUR_US)],
      notes: [
        `seed ${seed}: ${small.faults} faults over 24 h (crash/restart, stop/start, link down/up, partition/heal, one-way cut), ${small.events} queue events`,
        `100 nodes × 50 VRIDs: two nodes per VRID, ${large.events} queue events; fastest of the runs after a warm-up`,
      ],
    };
  },
};
