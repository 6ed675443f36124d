/**
 * Network faults made real inside the nodes: links with `ip link`, partitions
 * and one-way cuts with iptables rules that drop VRRP (IP protocol 112) from
 * the other side's addresses, loss with iptables' statistic match, and a
 * script's result through the stub's status file.
 *
 * Rules: a partition cuts VRRP between every pair of nodes in different groups
 * (nodes in no group keep talking to everyone); `heal` removes every cut.
 */
import type { ClusterEvent } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { scriptStatusFile } from './keepalived-config.js';
import type { StartedNodeContainer } from './node-container.js';

export interface FaultTarget {
  readonly id: NodeId;
  readonly container: StartedNodeContainer;
  readonly addresses: readonly string[];
  readonly config: { readonly interfaces: readonly { readonly name: string }[] };
}

const dropFrom = (addresses: readonly string[]): string => addresses.map((a) => `iptables -w -A INPUT -p 112 -s ${a} -j DROP`).join(' && ');

function linkInterface(target: FaultTarget, name: string | undefined): string {
  const scenarioName = name ?? target.config.interfaces[0]?.name ?? 'eth0';
  return target.container.interfaces.get(scenarioName) ?? scenarioName;
}

export type NetworkFault = Exclude<ClusterEvent, { kind: 'start' | 'stop' | 'kill' | 'pause' | 'resume' | 'clients' | 'rsdown' | 'rsup' }>;

export async function applyNetworkFault(event: NetworkFault, nodes: readonly FaultTarget[]): Promise<void> {
  const node = (id: NodeId): FaultTarget => {
    const n = nodes.find((x) => x.id === id);
    if (n === undefined) throw new ScenarioError('event-unknown-node', `unknown node '${id}'`);
    return n;
  };
  switch (event.kind) {
    case 'fail':
    case 'ok':
      await node(event.node).container.sh(`echo ${event.kind === 'ok' ? 0 : 1} > ${scriptStatusFile(event.script)}`);
      return;
    case 'linkdown':
    case 'linkup': {
      const target = node(event.node);
      await target.container.sh(`ip link set ${linkInterface(target, event.interface)} ${event.kind === 'linkdown' ? 'down' : 'up'}`);
      return;
    }
    case 'partition': {
      const cuts = event.groups.flatMap((g, i) => g.map((a) => ({ at: node(a), from: event.groups.filter((_, j) => j !== i).flat().map(node) })));
      await Promise.all(cuts.filter((c) => c.from.length > 0).map((c) => c.at.container.sh(dropFrom(c.from.flatMap((f) => f.addresses)))));
      return;
    }
    case 'oneway':
      await node(event.to).container.sh(dropFrom(node(event.from).addresses));
      return;
    case 'heal':
      await Promise.all(nodes.map((t) => t.container.sh('iptables -w -F INPUT')));
      return;
    case 'loss': {
      const t = node(event.node);
      const rule = event.lossRatio > 0 ? ` && iptables -w -A OUTPUT -p 112 -m statistic --mode random --probability ${Math.min(1, event.lossRatio)} -j DROP` : '';
      await t.container.sh(`iptables -w -F OUTPUT${rule}`);
      return;
    }
  }
}

