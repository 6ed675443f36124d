/**
 * The swarm: many seeds, each a random 2–4 node cluster with random faults, run
 * through the whole scenario path on the simulator. Each seed prints its
 * options first (`SEED=… nodes=… advert_int=…`, as TigerBeetle's VOPR does).
 * Invariants (the checker library, src/check): one master per virtual router
 * while the network is whole; after the last change, the highest effective
 * priority is master within one Master_Down_Interval; each VIP is held by
 * exactly the master; and determinism — the same seed twice gives the same
 * trace hash. SEED=N runs only that seed; SWARM_SEEDS=N changes how many.
 */
import { describe, expect, it } from 'vitest';
import { describeFailure, runSwarmSeed } from './swarm.test-utils.js';

const only = process.env.SEED;
const count = Number(process.env.SWARM_SEEDS ?? 300);
const base = 1_000;
const seeds = only !== undefined && only !== '' ? [Number(only)] : Array.from({ length: count }, (_, i) => base + i);

describe('swarm: random clusters and faults keep the VRRP invariants', () => {
  it(`${seeds.length} seed(s): one master per VRID on a whole network, the best priority wins, VIPs on the master, runs are deterministic`, async () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      // A single seed prints all its options; a sweep prints each seed's first line (the rest is in a failure's report).
      const run = await runSwarmSeed(seed, (options) => console.log(seeds.length === 1 ? options : options.split('\n')[0]));
      if (run.violations.length > 0) failures.push(describeFailure(run, `${run.violations.length} invariant violation(s)`));
      // Determinism on every tenth seed (and always for a single SEED): same seed, same trace.
      if (seed % 10 === 0 || seeds.length === 1) {
        const again = await runSwarmSeed(seed);
        if (again.traceHash !== run.traceHash) failures.push(describeFailure(run, `not deterministic: trace ${run.traceHash} then ${again.traceHash}`));
      }
      if (failures.length >= 5) break;
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 60_000);
});
