/**
 * The benchmark registry: one line per benchmark, in the order they run.
 * To add one, write `bench/benchmarks/<name>.ts` exporting a `Benchmark` and add it here.
 */
import type { Benchmark } from '../harness.js';
import { clusterPlanBenchmark } from './cluster-plan.js';
import { clusterSimBenchmark } from './cluster-sim.js';
import { dockerBenchmark } from './docker.js';
import { ipvsBenchmark } from './ipvs.js';
import { lvsSimBenchmark } from './lvs-sim.js';
import { simulateBenchmark } from './simulate.js';
import { startupBenchmark } from './startup.js';
import { validateBenchmark } from './validate.js';

export const benchmarks: readonly Benchmark[] = [
  startupBenchmark,
  validateBenchmark,
  simulateBenchmark,
  ipvsBenchmark,
  lvsSimBenchmark,
  clusterPlanBenchmark,
  clusterSimBenchmark,
  dockerBenchmark,
];
