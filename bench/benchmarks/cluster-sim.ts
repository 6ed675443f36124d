/**
 * The cluster simulator's speed: simulated cluster-seconds per wall second for
 * a 16-node corosync cluster (votequorum, default timers) with a fault every
 * minute for 24 hours — crash and restart, a 8/8 partition and its heal, a hang
 * and its resume, a clean stop and a start, in turn, on rotating nodes.
 * Membership and quorum only (agents for fencing and services add their own cost).
 */
import { readCorosyncConf } from '../../src/config/corosync/index.js';
import { secondsToUs, type Instant } from '../../src/core/time.js';
import { clusterSpecFromCorosync } from '../../src/scenario/cluster/from-corosync.js';
import { ClusterSimulation, parseClusterEvent, type ClusterEvent } from '../../src/sim/cluster/index.js';
import { measure, type Benchmark } from '../harness.js';

const NODES = 16;
const HOURS = 24;

function corosyncConf(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `  node {\n    nodeid: ${i + 1}\n    name: node${i + 1}\n    ring0_addr: 10.0.0.${i + 1}\n  }\n`).join('');
  return `totem {\n  version: 2\n  cluster_name: bench\n  transport: knet\n}\nquorum {\n  provider: corosync_votequorum\n}\nnodelist {\n${nodes}}\n`;
}

/** One fault a minute: kill/start, partition/heal, pause/resume, stop/start on rotating nodes. */
export function faultEvery60s(n: number, hours: number): ClusterEvent[] {
  const lines: string[] = [];
  const half = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  for (let m = 1; m < hours * 60; m++) {
    const x = `node${((Math.floor(m / 8) * 3) % n) + 1}`;
    const split = `${half.slice(0, n / 2).join(',')} ${half.slice(n / 2).join(',')}`;
    const verb = ['kill', 'start', 'partition', 'heal', 'pause', 'resume', 'stop', 'start'][m % 8]!;
    lines.push(verb === 'partition' ? `${m * 60} partition ${split}` : verb === 'heal' ? `${m * 60} heal` : `${m * 60} ${verb} ${x}`);
  }
  return lines.map((text, i) => parseClusterEvent(text, { file: 'bench', line: i + 1 }));
}

export const clusterSimBenchmark: Benchmark = {
  name: 'cluster-sim',
  description: `cluster simulate: simulated cluster-seconds per wall second, ${NODES} corosync nodes, a fault every minute for ${HOURS} h`,
  async run() {
    const spec = clusterSpecFromCorosync(readCorosyncConf(corosyncConf(NODES), 'bench.conf').conf!);
    const events = faultEvery60s(NODES, HOURS);
    const until = secondsToUs(HOURS * 3600) as Instant;
    let out = 0;
    const wall = await measure(() => { out = new ClusterSimulation(spec, events, { seed: 1, until }).run().events.length; }, { minRuns: 3, minSeconds: 1 });
    return {
      metrics: [
        { name: 'simulated cluster-seconds per wall second', value: (HOURS * 3600) / wall, unit: 's/s' },
        { name: 'wall time for 24 h', value: wall, unit: 's' },
      ],
      notes: [`${NODES} nodes, ${events.length} faults, ${out} membership/quorum events; fastest of ≥3 runs`],
    };
  },
};
