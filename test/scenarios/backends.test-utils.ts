/**
 * Which backend the scenario tests run on: BACKEND=sim (the default) runs them
 * on the simulator, exact on virtual time. BACKEND=docker reruns the same
 * scenario files unchanged on containers (src/docker), their time bounds
 * widened by `slackUs` for real clocks.
 */
import { withSlack } from '../../src/scenario/expectations.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/scenario/simulate.js';

export type BackendName = 'sim' | 'docker';

const DOCKER_SLACK_US = 500_000;

export interface ScenarioRunner {
  readonly name: BackendName;
  /** Why this backend cannot run here (the tests are then skipped with this reason). */
  readonly unavailable?: string;
  /** Allowed lateness of timed expectations on this backend (0 on the simulator). */
  readonly slackUs: number;
  /** How long one scenario may take to run (real backends wait out its whole length). */
  readonly hookTimeoutMs: number;
  run(scenario: Scenario): Promise<ScenarioRun>;
}

const runners: Record<BackendName, ScenarioRunner> = {
  sim: { name: 'sim', slackUs: 0, hookTimeoutMs: 10_000, run: async (scenario) => (await simulate(scenario, { parse: keepalivedParser })).run },
  docker: {
    name: 'docker',
    slackUs: DOCKER_SLACK_US,
    hookTimeoutMs: 600_000,
    run: runOnDocker,
  },
};

/**
 * Real keepalived in containers (BACKEND_ENGINE=ts for this project's daemon):
 * the node image is built when its inputs changed, and timed expectations get
 * DOCKER_SLACK_US of lateness for real clocks and process start-up.
 */
async function runOnDocker(scenario: Scenario): Promise<ScenarioRun> {
  const { buildNodeImage, connectDocker, createDockerBackend, dockerNodeConfig } = await import('../../src/docker/index.js');
  const docker = await connectDocker();
  const image = await buildNodeImage(docker, {});
  const engine = process.env.BACKEND_ENGINE === 'ts' ? 'ts' : 'keepalived';
  const slackened = { ...scenario, expectations: scenario.expectations.map((e) => withSlack(e, DOCKER_SLACK_US)) };
  return runScenario(slackened, createDockerBackend({ docker, image: image.image }), { parse: keepalivedParser, nodeConfig: dockerNodeConfig(engine) });
}

export function selectedBackend(env: string | undefined = process.env.BACKEND): ScenarioRunner {
  const name = (env ?? 'sim') as BackendName;
  const runner = runners[name];
  if (runner === undefined) throw new Error(`BACKEND must be one of ${Object.keys(runners).join(', ')}, got '${env}'`);
  return runner;
}
