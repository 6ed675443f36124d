/**
 * Topologies for measuring the simulator: N nodes on one segment running V
 * virtual routers, each router shared by `membersPerVrid` consecutive nodes
 * with descending priorities. The caller times `runBench` (wall clocks stay
 * out of src/sim); bench/ and the speed checks use it.
 */
import type { NodeId } from '../core/ids.js';
import type { DurationUs } from '../core/time.js';
import type { VrrpInstanceConfig, VrrpNodeConfig } from '../vrrp/types.js';
import { formatIpv4 } from './ipv4.js';
import type { NetworkStats } from './network.js';
import { Simulation } from './simulation.js';
import { vrrpInstance } from '../vrrp/index.js';
import type { SimNodeConfig, SimulationOptions, VrrpEngineLike } from './types.js';

export interface BenchShape {
  readonly nodes: number;
  readonly vrids: number;
  /** How many nodes run each VRID (default: all of them when nodes ≤ 3, else 2). */
  readonly membersPerVrid?: number;
}

const BASE = 0xc6336400; // 198.51.100.0: a documentation range, room for 254 nodes

export function benchTopology(shape: BenchShape): { id: NodeId; config: SimNodeConfig }[] {
  const members = shape.membersPerVrid ?? (shape.nodes <= 3 ? shape.nodes : 2);
  const instances: VrrpInstanceConfig[][] = Array.from({ length: shape.nodes }, () => []);
  for (let v = 0; v < shape.vrids; v++) {
    for (let m = 0; m < members; m++) {
      const n = (v * members + m) % shape.nodes;
      instances[n]?.push(benchInstance(v + 1, Math.max(1, 250 - 2 * m)));
    }
  }
  return instances.map((list, n) => {
    const id = `n${n + 1}`;
    const vrrp: VrrpNodeConfig = {
      node: id,
      interfaces: [{ name: 'eth0', address: formatIpv4(BASE + n + 1), prefixLength: 24 }],
      scripts: [],
      instances: list,
      syncGroups: [],
    };
    return { id, config: { vrrp } };
  });
}

function benchInstance(vrid: number, priority: number): VrrpInstanceConfig {
  // keepalived's defaults for everything else (1 s adverts, 5 GARPs now and after 5 s)
  return vrrpInstance({ name: `VI_${vrid}`, interface: 'eth0', vrid, priority, virtualAddresses: [{ address: formatIpv4(0xc0000200 + vrid), prefixLength: 24 }] });
}

export interface BenchResult {
  readonly events: number;
  readonly observations: number;
  readonly network: NetworkStats;
}

export function runBench(
  engine: VrrpEngineLike,
  shape: BenchShape,
  durationUs: DurationUs,
  options: Partial<Omit<SimulationOptions, 'engine'>> = {},
): BenchResult {
  const sim = new Simulation({ seed: 1, ...options, engine });
  const nodes = benchTopology(shape);
  for (const n of nodes) sim.addNode(n.id, n.config);
  for (const n of nodes) sim.node(n.id).start();
  sim.advance(durationUs);
  return { events: sim.eventsRun, observations: sim.observations().length, network: { ...sim.network.stats } };
}
