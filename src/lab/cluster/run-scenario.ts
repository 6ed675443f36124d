/**
 * Run a cluster `.scenario` in the simulator: its configuration through the reader
 * that recognises it (cluster.conf in cman's flavour, corosync.conf), the agents
 * the factories give it (the RHCS stack for a cluster.conf, with the scenario's
 * extras), the data-safety checker over the events, then the expectations.
 * Bad input is a located error, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostic.js';
import { ScenarioError } from '../../core/errors.js';
import { secondsToUs, type Instant } from '../../core/time.js';
import { readerFor, type ClusterScenario } from '../../scenario/cluster/index.js';
import { checkClusterEvents, ClusterSimulation, parseClusterEvent, type ClusterInputs, type ClusterOutEvent, type ClusterNote } from '../../sim/cluster/index.js';
import { withDataSafety } from '../../sim/cluster/data-safety.js';
import { allClusterAgentFactories } from './agents.js';
import { judgeAll, type ExpectationFailure } from './expect.js';

export interface ClusterRun {
  /** The scenario file, its seed and end time: what a failure message needs to say how to rerun it. */
  readonly file: string;
  readonly seed: number;
  readonly untilS: number;
  readonly events: readonly ClusterOutEvent[];
  readonly notes: readonly ClusterNote[];
  readonly failures: readonly ExpectationFailure[];
  readonly diagnostics: readonly Diagnostic[];
  readonly inputs: ClusterInputs;
}

/** The simulator's inputs for a configuration text (and a scenario's extras). */
export function clusterInputs(configText: string, configPath: string, extras?: ClusterScenario['extras']): { inputs: ClusterInputs; diagnostics: readonly Diagnostic[] } {
  const reader = readerFor(configText, configPath);
  if (reader === undefined) throw new ScenarioError('bad-config', `'${configPath}' is neither a cluster.conf nor a corosync.conf`, { file: configPath, line: 1, column: 1 });
  const read = reader.read(configText, configPath, {});
  if (read.spec === undefined) {
    const first = read.diagnostics.find((d) => d.severity === 'error');
    throw new ScenarioError('bad-config', `${configPath} cannot run: ${first?.message ?? 'unreadable'}`, { file: first?.file ?? configPath, line: first?.line ?? 1, column: first?.column ?? 1 });
  }
  return { inputs: { configPath, configText, kind: reader.kind, spec: read.spec, ...(extras ? { extras } : {}) }, diagnostics: read.diagnostics };
}

export function runClusterScenario(scn: ClusterScenario, configText: string): ClusterRun {
  const read = clusterInputs(configText, scn.configPath, scn.extras);
  const inputs: ClusterInputs = scn.cibPath === undefined ? read.inputs : { ...read.inputs, cibPath: scn.cibPath, cibText: readCibText(scn.cibPath) };
  const made = allClusterAgentFactories.map((f) => f(inputs));
  const agents = made.flatMap((m) => m.agents);
  const diagnostics = [...read.diagnostics, ...made.flatMap((m) => m.diagnostics ?? [])];
  const script = scn.events.map((e) => parseClusterEvent(e.text, { file: scn.file, line: e.line })).sort((a, b) => a.at - b.at);
  checkClusterEvents(inputs.spec, script, agents);
  const run = new ClusterSimulation(inputs.spec, script, { seed: scn.seed, until: secondsToUs(scn.untilS) as Instant, agents }).run();
  const events = withDataSafety(run.events);
  return { file: scn.file, seed: scn.seed, untilS: scn.untilS, events, notes: run.notes, failures: judgeAll(scn.expectations, events), diagnostics, inputs };
}

function readCibText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError('bad-config', `cannot read the CIB '${path}': ${(e as Error).message}`, { file: path, line: 1, column: 1 });
  }
}
