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
import { clusterAgents, withCib } from './replay.js';
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

/** The simulator's inputs for a configuration text (and a scenario's extras), or only the reader's findings when it cannot run. */
export function readClusterInputs(configText: string, configPath: string, extras?: ClusterScenario['extras']): { inputs?: ClusterInputs; diagnostics: readonly Diagnostic[] } {
  const reader = readerFor(configText, configPath);
  if (reader === undefined) return { diagnostics: [{ code: 'unknown-cluster-config', severity: 'error', message: `'${configPath}' is neither a cluster.conf nor a corosync.conf`, file: configPath, line: 1, column: 1 }] };
  const read = reader.read(configText, configPath, {});
  if (read.spec === undefined) return { diagnostics: read.diagnostics };
  return { inputs: { configPath, configText, kind: reader.kind, spec: read.spec, ...(extras ? { extras } : {}) }, diagnostics: read.diagnostics };
}

/** The simulator's inputs for a configuration text (and a scenario's extras); a file that cannot run is a located ScenarioError. */
export function clusterInputs(configText: string, configPath: string, extras?: ClusterScenario['extras']): { inputs: ClusterInputs; diagnostics: readonly Diagnostic[] } {
  const read = readClusterInputs(configText, configPath, extras);
  if (read.inputs !== undefined) return { inputs: read.inputs, diagnostics: read.diagnostics };
  const first = read.diagnostics.find((d) => d.severity === 'error');
  if (first?.code === 'unknown-cluster-config') throw new ScenarioError('bad-config', first.message, { file: configPath, line: 1, column: 1 });
  throw new ScenarioError('bad-config', `${configPath} cannot run: ${first?.message ?? 'unreadable'}`, { file: first?.file ?? configPath, line: first?.line ?? 1, column: first?.column ?? 1 });
}

export function runClusterScenario(scn: ClusterScenario, configText: string): ClusterRun {
  const read = clusterInputs(configText, scn.configPath, scn.extras);
  const inputs = withCib(read.inputs, scn, (p) => readFileSync(p, 'utf8'));
  const made = clusterAgents(inputs);
  const agents = made.agents;
  const diagnostics = [...read.diagnostics, ...made.diagnostics];
  const script = scn.events.map((e) => parseClusterEvent(e.text, { file: scn.file, line: e.line })).sort((a, b) => a.at - b.at);
  checkClusterEvents(inputs.spec, script, agents);
  const run = new ClusterSimulation(inputs.spec, script, { seed: scn.seed, until: secondsToUs(scn.untilS) as Instant, agents }).run();
  const events = withDataSafety(run.events);
  return { file: scn.file, seed: scn.seed, untilS: scn.untilS, events, notes: run.notes, failures: judgeAll(scn.expectations, events), diagnostics, inputs };
}
