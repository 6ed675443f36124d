/**
 * Which backend the scenario tests run on: BACKEND=sim (the default) runs them
 * on the simulator, exact on virtual time. BACKEND=docker is the hook for the
 * container backend: when src/docker offers a Backend, add it to `runners`
 * below (prepare the scenario the same way, pass the backend and a nodeConfig
 * mapping to runScenario) and the same scenario files rerun unchanged, their
 * time bounds widened by `slackUs` for real clocks.
 */
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import type { ScenarioRun } from '../../src/scenario/run.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { simulate } from '../../src/scenario/simulate.js';

export type BackendName = 'sim' | 'docker';

export interface ScenarioRunner {
  readonly name: BackendName;
  /** Why this backend cannot run here (the tests are then skipped with this reason). */
  readonly unavailable?: string;
  /** Allowed lateness of timed expectations on this backend (0 on the simulator). */
  readonly slackUs: number;
  run(scenario: Scenario): Promise<ScenarioRun>;
}

const runners: Record<BackendName, ScenarioRunner> = {
  sim: { name: 'sim', slackUs: 0, run: async (scenario) => (await simulate(scenario, { parse: keepalivedParser })).run },
  docker: {
    name: 'docker',
    unavailable: 'the Docker backend is not wired into the scenario runner yet (see test/scenarios/backends.test-utils.ts)',
    slackUs: 500_000,
    run: () => Promise.reject(new Error('BACKEND=docker is not available yet')),
  },
};

export function selectedBackend(env: string | undefined = process.env.BACKEND): ScenarioRunner {
  const name = (env ?? 'sim') as BackendName;
  const runner = runners[name];
  if (runner === undefined) throw new Error(`BACKEND must be one of ${Object.keys(runners).join(', ')}, got '${env}'`);
  return runner;
}
