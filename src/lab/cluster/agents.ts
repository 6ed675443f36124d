/**
 * Every agent factory a cluster run gets: the simulator's own (the RHCS stack for
 * a cluster.conf) and the ones whose configuration mapping lives in the scenario
 * layer — the Pacemaker stack for a corosync.conf with a CIB beside it.
 * `cluster simulate` and the `.scenario` runner both take this list.
 */
import { readCib } from '../../config/cib/index.js';
import { pacemakerAgentSpec } from '../../scenario/cluster/pacemaker-agent-spec.js';
import { clusterAgentFactories, type ClusterAgentFactory } from '../../sim/cluster/index.js';
import { PacemakerAgent } from '../../sim/cluster/pacemaker-agent.js';

/** corosync.conf + cib.xml runs get the Pacemaker agent (a malformed CIB is the reader's located error). */
export const pacemakerAgentFactory: ClusterAgentFactory = (inputs) => {
  if (inputs.kind !== 'corosync.conf' || inputs.cibText === undefined) return { agents: [] };
  const read = readCib(inputs.cibText, inputs.cibPath ?? 'cib.xml');
  const x = inputs.extras;
  const made = pacemakerAgentSpec(read.cib, inputs.spec, {
    ...(x?.seed !== undefined ? { seed: x.seed } : {}), ...(x?.bootS !== undefined ? { bootS: x.bootS } : {}), ...(x?.ioIntervalS !== undefined ? { ioIntervalS: x.ioIntervalS } : {}),
  });
  return { agents: [new PacemakerAgent(made.spec)], diagnostics: [...read.diagnostics.filter((d) => d.severity !== 'info'), ...made.diagnostics] };
};

export const allClusterAgentFactories: readonly ClusterAgentFactory[] = [...clusterAgentFactories, pacemakerAgentFactory];
