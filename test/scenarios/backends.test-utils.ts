/**
 * Which backend the scenario tests run on: BACKEND=sim (the default) runs them
 * on the simulator, exact on virtual time. BACKEND=docker reruns the same
 * scenario files unchanged on containers (src/docker), their time bounds
 * widened by `slackUs` for real clocks.
 */
import { REAL_CLOCK_SLACK_US, realClockSlackUs, withRealClockSlack } from '../../src/scenario/real-clock.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/lab/simulate.js';
import { openBackend } from '../../src/lab/backends.js';

export type BackendName = 'sim' | 'docker';


export interface ScenarioRunner {
  readonly name: BackendName;
  /** Why this backend cannot run here (the tests are then skipped with this reason). */
  readonly unavailable?: string;
  /** Allowed lateness of timed expectations on this backend (0 on the simulator). */
  readonly slackUs: number;
  /** How long one scenario may take to run (real backends wait out its whole length). */
  readonly hookTimeoutMs: number;
  /** Why this backend cannot run this scenario, when it cannot (its tests are then skipped with the reason). */
  refuses?(scenario: Scenario): string | undefined;
  run(scenario: Scenario): Promise<ScenarioRun>;
}

const runners: Record<BackendName, ScenarioRunner> = {
  sim: { name: 'sim', slackUs: 0, hookTimeoutMs: 10_000, run: async (scenario) => (await simulate(scenario, { parse: keepalivedParser })).run },
  docker: {
    name: 'docker',
    slackUs: REAL_CLOCK_SLACK_US,
    hookTimeoutMs: 600_000,
    refuses: dockerRefuses,
    run: runOnDocker,
  },
};

/** The lateness a real run may show (src/scenario/real-clock.ts). */
export function dockerSlackUs(scenario: Scenario): number {
  return realClockSlackUs(prepareScenario(scenario, { parse: keepalivedParser }));
}

/** Connection sync (lvs_sync_daemon) needs the kernel's IPVS, which these hosts lack (src/docker/lvs-lab.ts). */
function dockerRefuses(scenario: Scenario): string | undefined {
  const prepared = prepareScenario(scenario, { parse: keepalivedParser });
  const synced = [...(prepared.lvs?.directors ?? new Map()).entries()].find(([, d]) => d.sync !== undefined);
  return synced === undefined ? undefined : `${synced[0]} runs lvs_sync_daemon: connection sync needs the kernel's IPVS (the lab's forwarder ends connections on its director)`;
}

/**
 * Real keepalived in containers (BACKEND_ENGINE=ts for this project's daemon):
 * the node image is built when its inputs changed, and timed expectations get
 * `dockerSlackUs` of lateness.
 */
async function runOnDocker(scenario: Scenario): Promise<ScenarioRun> {
  const engine = process.env.BACKEND_ENGINE === 'ts' ? 'ts' : 'keepalived';
  const backend = await openBackend({ name: 'docker', engine });
  return runScenario(withRealClockSlack(scenario, dockerSlackUs(scenario)), backend, { parse: keepalivedParser });
}

export function selectedBackend(env: string | undefined = process.env.BACKEND): ScenarioRunner {
  const name = (env ?? 'sim') as BackendName;
  const runner = runners[name];
  if (runner === undefined) throw new Error(`BACKEND must be one of ${Object.keys(runners).join(', ')}, got '${env}'`);
  return runner;
}
