/**
 * Load balancing in the simulator: how many client connections a second of
 * real time simulates, end to end — two keepalived directors (VRRP, the checker
 * engine, the IPVS table), two real servers and the clients, every segment of
 * every connection carried over the simulated network.
 *
 * - `seed 003`: scenarios/seed-003-lvs-directors/directors.scenario as written
 *   (4 connections/s for 60 s, a real server failing and returning, a director
 *   crash without sync), 100 virtual seconds.
 * - `seed 003 at 100 conn/s × 10 min`: the same directors under steady load,
 *   no faults: 60 000 connections of 20 s each (about 2 000 open at a time).
 *
 * Each reports wall time, connection attempts simulated per second and the
 * speed-up over real time.
 */
import { join } from 'node:path';
import { instant, US_PER_SECOND } from '../../src/core/time.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { loadScenarioFile } from '../../src/scenario/scenario-file.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/lab/simulate.js';
import { prepareScenario, type PreparedScenario } from '../../src/scenario/topology.js';
import { measure, type Benchmark, type BenchMetric } from '../harness.js';

const SCENARIO = 'scenarios/seed-003-lvs-directors/directors.scenario';
const STEADY_RATE = 100;
const STEADY_S = 600;

/** Connection attempts that ended their connect: opened, refused or timed out. */
async function attempts(prepared: PreparedScenario, seed: number): Promise<number> {
  const { run } = await simulate(prepared, { parse: keepalivedParser, seed });
  const outcomes = run.timeline.lvs?.clientOutcomes ?? [];
  return outcomes.filter((o) => o.outcome === 'opened' || o.outcome === 'refused' || o.outcome === 'timed-out').length;
}

/** The seed's directors under steady load: no faults, no expectations. */
function steady(scenario: Scenario): Scenario {
  const at = instant(5 * US_PER_SECOND);
  return {
    ...scenario,
    name: `${scenario.name} — ${STEADY_RATE} conn/s for ${STEADY_S} s`,
    events: [{ at, event: { kind: 'clients', rate: STEADY_RATE, durationUs: STEADY_S * US_PER_SECOND, holdUs: 20 * US_PER_SECOND } }],
    expectations: [],
    until: instant((5 + STEADY_S + 30) * US_PER_SECOND),
  };
}

function metrics(label: string, seconds: number, connections: number, virtualUs: number): BenchMetric[] {
  return [
    { name: `${label}: wall time`, value: seconds * 1000, unit: 'ms' },
    { name: `${label}: simulated connections/s`, value: connections / seconds, unit: 'conn/s' },
    { name: `${label}: speed-up over real time`, value: virtualUs / US_PER_SECOND / seconds, unit: '×' },
  ];
}

export const lvsSimBenchmark: Benchmark = {
  name: 'lvs-sim',
  description: 'simulated client connections per second through seed 003\'s LVS directors (as written, and at 100 conn/s for 10 min)',
  async run(ctx) {
    const seed = Number(ctx.env['SEED'] ?? 1);
    const scenario = loadScenarioFile(join(ctx.root, SCENARIO));
    const seedPrepared = prepareScenario(scenario, { parse: keepalivedParser });
    const steadyPrepared = prepareScenario(steady(scenario), { parse: keepalivedParser });
    ctx.log('  seed 003 scenario …');
    let small = 0;
    const smallS = await measure(async () => (small = await attempts(seedPrepared, seed)), { minRuns: 3, minSeconds: 1 });
    ctx.log(`  seed 003 directors at ${STEADY_RATE} conn/s × ${STEADY_S} s …`);
    let large = 0;
    const largeS = await measure(async () => (large = await attempts(steadyPrepared, seed)), { minRuns: 1, minSeconds: 0 });
    return {
      metrics: [...metrics('seed 003', smallS, small, scenario.until), ...metrics(`seed 003 at ${STEADY_RATE} conn/s × 10 min`, largeS, large, steadyPrepared.scenario.until)],
      notes: [
        `seed ${seed}: ${small} connection attempts in the scenario as written; ${large} under steady load (20 s each)`,
        'a connection is its SYN, ACK, a data segment a second, FIN and final ACK, each forwarded by the director, plus the server\'s replies; fastest run after a warm-up',
      ],
    };
  },
};
