/**
 * Which backend the scenario tests run on: BACKEND=sim (the default) runs them
 * on the simulator, exact on virtual time. BACKEND=docker reruns the same
 * scenario files unchanged on containers (src/docker), their time bounds
 * widened by `slackUs` for real clocks.
 */
import { withSlack } from '../../src/scenario/expectations.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.js';
import { prepareScenario } from '../../src/scenario/topology.js';
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
 * The lateness a real run may show. Real clocks and process start-up: 0.5 s.
 * Where scripts decide (the scenario sets a script's result with fail/ok), one
 * more interval of the slowest script: the simulator runs a script exactly at
 * its instant and applies an event there first, but a real node's script runs
 * at a phase set by when its process started, so an event that lands a few ms
 * after a run waits for the next one.
 */
export function dockerSlackUs(scenario: Scenario): number {
  if (!scenario.events.some((e) => e.event.kind === 'fail' || e.event.kind === 'ok')) return DOCKER_SLACK_US;
  const prepared = prepareScenario(scenario, { parse: keepalivedParser });
  const slowest = Math.max(0, ...prepared.nodes.flatMap((n) => n.vrrp.scripts.map((s) => s.intervalUs)));
  return DOCKER_SLACK_US + slowest;
}

/**
 * Real keepalived in containers (BACKEND_ENGINE=ts for this project's daemon):
 * the node image is built when its inputs changed, and timed expectations get
 * `dockerSlackUs` of lateness.
 */
async function runOnDocker(scenario: Scenario): Promise<ScenarioRun> {
  const { buildNodeImage, connectDocker, createDockerBackend, dockerNodeConfig } = await import('../../src/docker/index.js');
  const docker = await connectDocker();
  const image = await buildNodeImage(docker, {});
  const engine = process.env.BACKEND_ENGINE === 'ts' ? 'ts' : 'keepalived';
  const slack = dockerSlackUs(scenario);
  const slackened = { ...scenario, expectations: scenario.expectations.map((e) => withSlack(e, slack)) };
  return runScenario(slackened, createDockerBackend({ docker, image: image.image }), { parse: keepalivedParser, nodeConfig: dockerNodeConfig(engine) });
}

export function selectedBackend(env: string | undefined = process.env.BACKEND): ScenarioRunner {
  const name = (env ?? 'sim') as BackendName;
  const runner = runners[name];
  if (runner === undefined) throw new Error(`BACKEND must be one of ${Object.keys(runners).join(', ')}, got '${env}'`);
  return runner;
}
