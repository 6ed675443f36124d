/**
 * The Docker lab: node image build (cached), time from start to all nodes up,
 * and the measured failover against the simulator's prediction — for a
 * 2-node keepalived cluster, a 2-node cluster of our engine, and the largest
 * cluster this machine runs (12 keepalived nodes by default, DOCKER_BENCH_NODES).
 * Skipped, with the reason, when no Docker engine is reachable.
 */
import { benchDockerLab, type DockerLabFigures } from '../docker-lab.js';
import { dockerAvailability } from '../../src/docker/index.js';
import type { Benchmark, BenchMetric } from '../harness.js';

function figures(label: string, f: DockerLabFigures): BenchMetric[] {
  const out: BenchMetric[] = [
    { name: `${label}: image (${f.imageBuilt ? 'built' : 'cached'})`, value: f.imageSeconds, unit: 's' },
    { name: `${label}: start to all nodes up`, value: f.startupSeconds, unit: 's' },
  ];
  if (f.failoverSeconds !== null) out.push({ name: `${label}: failover measured`, value: f.failoverSeconds, unit: 's' });
  if (f.predictedFailoverSeconds !== null) out.push({ name: `${label}: failover predicted`, value: f.predictedFailoverSeconds, unit: 's' });
  if (f.gapSeconds !== null) out.push({ name: `${label}: gap (measured − predicted)`, value: f.gapSeconds, unit: 's' });
  return out;
}

export const dockerBenchmark: Benchmark = {
  name: 'docker',
  description: 'Docker lab: image build, start-up, failover measured vs predicted, largest cluster',
  async run(ctx) {
    const available = await dockerAvailability();
    if (!available.ok) return { metrics: [], notes: [`skipped: no Docker engine reachable (${available.reason})`] };
    const largest = Number(ctx.env['DOCKER_BENCH_NODES'] ?? 12);
    const log = (line: string): void => ctx.log(`  ${line}`);
    const runs: Array<[string, DockerLabFigures]> = [];
    for (const [label, nodes, engine] of [
      ['2 × keepalived', 2, 'keepalived'],
      ['2 × ts engine', 2, 'ts'],
      [`${largest} × keepalived`, largest, 'keepalived'],
    ] as const) {
      ctx.log(`  ${label} …`);
      runs.push([label, await benchDockerLab({ nodes, engine, log })]);
    }
    return {
      metrics: runs.flatMap(([label, f]) => figures(label, f)),
      notes: ['failover: the master is killed at 5 s; measured is kill → new master on the containers, predicted is the simulator on the same scenario'],
    };
  },
};
