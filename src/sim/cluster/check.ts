/**
 * Events checked against the cluster before a run: every node named exists,
 * every verb is the simulator's or an agent's. Mistakes are located
 * ScenarioErrors (the event's file and line), never a failure mid-run.
 */
import { ScenarioError } from '../../core/errors.js';
import type { ClusterEvent } from './events.js';
import type { ClusterAgent, HaClusterSpec } from './types.js';

function nodesOf(ev: ClusterEvent): readonly string[] {
  switch (ev.kind) {
    case 'kill': case 'stop': case 'start': case 'pause': case 'resume': return ev.nodes;
    case 'partition': return ev.groups.flat();
    case 'linkdown': case 'linkup': case 'expected': return [ev.node];
    case 'setvotes': return [ev.node, ev.target];
    default: return [];
  }
}

export function checkClusterEvents(spec: HaClusterSpec, events: readonly ClusterEvent[], agents: readonly ClusterAgent[]): void {
  const names = new Set(spec.nodes.map((n) => n.name));
  const ids = new Set(spec.nodes.map((n) => String(n.id)));
  const known = spec.nodes.map((n) => n.name).slice(0, 8).join(', ');
  for (const ev of events) {
    const where = { file: ev.source.file, line: ev.source.line, column: 1 };
    for (const n of nodesOf(ev)) {
      if (!names.has(n) && !ids.has(n)) throw new ScenarioError('unknown-node', `'${ev.text}': no node '${n}' in the cluster (nodes: ${known}${spec.nodes.length > 8 ? ', …' : ''})`, where);
    }
    if (ev.kind === 'agent' && !agents.some((a) => a.verbs?.includes(ev.verb))) {
      throw new ScenarioError('unknown-verb', `'${ev.text}': '${ev.verb}' is not an event this cluster understands (kill stop start pause resume partition heal linkdown linkup expected qnetd-down qnetd-up)`, where);
    }
    if (ev.kind === 'agent') {
      const problem = agents.filter((a) => a.verbs?.includes(ev.verb)).map((a) => a.checkEvent?.(ev)).find((m) => m !== undefined);
      if (problem !== undefined) throw new ScenarioError('unknown-service', `'${ev.text}': ${problem}`, where);
    }
    if ((ev.kind === 'qnetd-down' || ev.kind === 'qnetd-up') && !spec.qdevice) {
      throw new ScenarioError('no-qdevice', `'${ev.text}': the cluster has no quorum device`, where);
    }
  }
}
