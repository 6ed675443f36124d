/**
 * Run a cluster `.scenario`: read its configuration (cluster.conf through the RHCS
 * reader, in cman's flavour, with the RHCS agent; corosync.conf through the corosync
 * reader), run the cluster simulator, add the data-safety checker's findings, and
 * judge the expectations. Bad input is a located error, never a stack trace.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { ScenarioError } from '../../core/errors.js';
import { secondsToUs, type Instant } from '../../core/time.js';
import { readClusterConf } from '../../config/cluster-conf/index.js';
import { withDataSafety } from '../../sim/cluster/data-safety.js';
import { parseClusterEvent } from '../../sim/cluster/events.js';
import { RhcsAgent } from '../../sim/cluster/rhcs-agent.js';
import { ClusterSimulation } from '../../sim/cluster/simulation.js';
import type { ClusterAgent, ClusterOutEvent, HaClusterSpec } from '../../sim/cluster/types.js';
import { judgeAll, type ExpectationFailure } from './expect.js';
import { clusterConfReader, clusterSpecFromClusterConf, rhcsAgentSpec, type ClusterExtras } from './from-cluster-conf.js';
import { readerFor } from './load.js';
import type { ClusterScenario } from './scenario-file.js';

export interface ClusterRun {
  readonly events: readonly ClusterOutEvent[];
  readonly failures: readonly ExpectationFailure[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface Prepared {
  readonly spec: HaClusterSpec;
  readonly agents: readonly ClusterAgent[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A configuration text → the simulator's spec and agents (RHCS agent for a cluster.conf). */
export function prepareCluster(text: string, path: string, extras: ClusterExtras = {}): Prepared {
  if (clusterConfReader.detect(text, path)) {
    const r = readClusterConf(text, path);
    const read = clusterConfReader.read(text, path, {});
    if (r.model === undefined || read.spec === undefined) throw configRefused(path, read.diagnostics);
    return { spec: clusterSpecFromClusterConf(r.model), agents: [new RhcsAgent(rhcsAgentSpec(r.model, extras))], diagnostics: read.diagnostics };
  }
  const reader = readerFor(text, path);
  if (reader === undefined) throw new ScenarioError('bad-config', `'${path}' is neither a cluster.conf nor a corosync.conf`, { file: path, line: 1, column: 1 });
  const read = reader.read(text, path, {});
  if (read.spec === undefined) throw configRefused(path, read.diagnostics);
  return { spec: read.spec, agents: [], diagnostics: read.diagnostics };
}

function configRefused(path: string, diagnostics: readonly Diagnostic[]): ScenarioError {
  const first = diagnostics.find((d) => d.severity === 'error');
  return new ScenarioError('bad-config', `${path} cannot run: ${first?.message ?? 'unreadable'}`, { file: first?.file ?? path, line: first?.line ?? 1, column: first?.column ?? 1 });
}

export function runClusterScenario(scn: ClusterScenario, configText: string): ClusterRun {
  const prepared = prepareCluster(configText, scn.configPath, scn.extras);
  const script = scn.events.map((e) => parseClusterEvent(e.text, { file: scn.file, line: e.line }));
  const names = new Set(prepared.spec.nodes.flatMap((n) => [n.name, String(n.id)]));
  for (const ev of script) {
    const nodes = 'nodes' in ev ? ev.nodes : 'node' in ev ? [ev.node] : 'groups' in ev ? ev.groups.flat() : [];
    const bad = nodes.find((n) => !names.has(n));
    if (bad !== undefined) throw new ScenarioError('bad-event', `no node '${bad}' in ${scn.configPath}`, { file: scn.file, line: ev.source.line, column: 1 });
  }
  const sim = new ClusterSimulation(prepared.spec, script, { seed: scn.seed, until: secondsToUs(scn.untilS) as Instant, agents: prepared.agents });
  const events = withDataSafety(sim.run().events);
  return { events, failures: judgeAll(scn.expectations, events), diagnostics: prepared.diagnostics };
}
