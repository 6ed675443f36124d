/**
 * `simulate`: a scenario on the simulator with the project's VRRP engine — what
 * the `vrrp-lab simulate` command and the scenario tests call. It lives above
 * src/scenario because it names a backend; scenarios themselves never do.
 */
import type { StartedCluster } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { createSimBackend } from '../sim/sim-backend.js';
import { freshSeed } from './seed.js';
import { runScenario, type ScenarioRun } from '../scenario/run.js';
import type { Scenario } from '../scenario/scenario.js';
import { keepalivedParser } from '../scenario/keepalived-parser.js';
import { loadScenarioFile } from '../scenario/scenario-file.js';
import { prepareScenario, type ConfigParser, type PreparedScenario } from '../scenario/topology.js';

export interface SimulateOptions {
  /** How node configurations are read (default: keepalived's parser with its checks). */
  readonly parse?: ConfigParser;
  /** Overrides SEED and the scenario's own seed. */
  readonly seed?: number;
  /** Keep every frame for a pcap. */
  readonly capture?: boolean;
  readonly readFile?: (path: string) => string;
  /** How far the run has got (see RunOptions.onProgress). */
  readonly onProgress?: (now: Instant, until: Instant) => void;
}

export interface SimulateResult {
  readonly run: ScenarioRun;
  /** The capture as pcap bytes, when `capture` was asked for. */
  readonly pcap?: Uint8Array;
}

/**
 * Prepare (may throw ScenarioFileError with every located mistake) and run on
 * the simulator. A string is the path of a `.scenario` file.
 */
export async function simulate(input: string | Scenario | PreparedScenario, options: SimulateOptions = {}): Promise<SimulateResult> {
  const scenario = typeof input === 'string' ? loadScenarioFile(input) : input;
  const prepared = 'timelineNodes' in scenario ? scenario : prepareScenario(scenario, { parse: options.parse ?? keepalivedParser, ...(options.readFile ? { readFile: options.readFile } : {}) });
  const backend = createSimBackend({ capture: options.capture === true });
  let pcap: Uint8Array | undefined;
  const run = await runScenario(prepared, backend, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    freshSeed,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    beforeStop: async (cluster: StartedCluster) => {
      if (options.capture) pcap = (await cluster.capability('capture')?.collect())?.pcap;
    },
  });
  return { run, ...(pcap ? { pcap } : {}) };
}
