/**
 * The checks that need every node of a deployment at once — what `vrrp-lab
 * validate` adds to the per-file checks, and what the lab shows when it (re)reads
 * a lesson's files: peers that disagree (cluster.ts), LVS findings per node
 * (lvs.ts), and each virtual router's election table with its findings
 * (election.ts: priorities, tracker weights, preemption).
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { clusterFindings, virtualRouters, type VirtualRouter } from './cluster.js';
import { sourceAddress, type ClusterNode } from './cluster-view.js';
import { electionFindings } from './election.js';
import { buildElectionTable, type ElectionNode, type ElectionTable, type VirtualRouterInput } from './election-table.js';
import { lvsFindings } from './lvs.js';

/** Cross-node findings and the election table of each virtual router of one deployment. */
export function crossNodeChecks(nodes: readonly ClusterNode[]): { readonly findings: Diagnostic[]; readonly elections: ElectionTable[] } {
  const elections = virtualRouters(nodes).map((r) => buildElectionTable(electionInput(r)));
  return { findings: [...clusterFindings(nodes), ...nodes.flatMap(lvsFindings), ...elections.flatMap(electionFindings)], elections };
}

/** A virtual router as the election table reads it: each member with its base priority, trackers and preemption. */
export function electionInput(router: VirtualRouter): VirtualRouterInput {
  const perNode = new Map<string, number>();
  for (const m of router.members) perNode.set(m.node.node, (perNode.get(m.node.node) ?? 0) + 1);
  const nodes: ElectionNode[] = router.members.map((m) => {
    const label = perNode.get(m.node.node)! > 1 ? `${m.node.node}/${m.instance.name}` : m.node.node;
    const address = sourceAddress(m.instance);
    return {
      node: label,
      file: m.node.file,
      instance: m.instance.name,
      basePriority: m.instance.priority,
      ...(address ? { address } : {}),
      trackers: m.instance.trackers.map((t) => ({
        id: `${label}:${t.kind === 'script' ? t.name : `if ${t.name}`}`,
        node: label,
        kind: t.kind,
        name: t.name,
        weight: t.weight,
        reverse: t.reverse,
        source: t.at,
      })),
      stateMaster: m.instance.state?.value === 'MASTER',
      nopreempt: m.instance.nopreempt !== undefined,
      ...(m.instance.priorityAt ? { prioritySource: m.instance.priorityAt } : {}),
      instanceSource: m.instance.at,
    };
  });
  return { interface: router.interface, vrid: router.vrid, nodes };
}

