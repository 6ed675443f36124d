/**
 * Network faults made real inside the nodes: links with `ip link`, partitions
 * and one-way cuts with iptables rules that drop every packet from the other
 * side's addresses, loss with iptables' statistic match, and a script's result
 * through the stub's status file. The meaning of each verb is core's
 * (ClusterEvent); this file only makes it with the kernel's tools.
 *
 * Rules
 * -----
 * - Cuts live in two chains of their own that INPUT jumps to, `lab-partition`
 *   and `lab-oneway`, so nothing else's INPUT rules are touched.
 * - A partition drops, at each node named in a group, everything from the
 *   addresses of the nodes named in the other groups (both ways, since both
 *   sides filter). A node named in no group keeps talking to everyone. A new
 *   partition replaces the old one: every node's `lab-partition` is rewritten.
 * - One-way cuts accumulate in `lab-oneway`; `heal` empties both chains.
 */
import { type ClusterEvent, partitionCuts } from '../core/backend.js';
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

const PARTITION_CHAIN = 'lab-partition';
const ONEWAY_CHAIN = 'lab-oneway';

/** Create `chain` (when missing) and make INPUT jump to it, once per container. */
const hookChain = (chain: string): string => `{ iptables -w -N ${chain} 2>/dev/null; iptables -w -C INPUT -j ${chain} 2>/dev/null || iptables -w -I INPUT -j ${chain}; }`;

/**
 * One iptables-restore that creates or empties each chain and fills it with
 * drops from the given addresses, atomically: one process, so a heal or a new
 * partition lands within milliseconds of the event on a loaded host.
 */
export function refillScript(chains: Readonly<Record<string, readonly string[]>>): string {
  const names = Object.keys(chains);
  const rules = names.flatMap((c) => (chains[c] ?? []).map((a) => `-A ${c} -s ${a} -j DROP`));
  const input = ['*filter', ...names.map((c) => `:${c} - [0:0]`), ...rules, 'COMMIT', ''].join('\\n');
  return `printf '${input}' | iptables-restore -w --noflush`;
}

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
      for (const id of event.groups.flat()) node(id);
      const cuts = partitionCuts(event.groups);
      const cutFrom = (at: FaultTarget): string[] => nodes.filter((from) => cuts(from.id, at.id)).flatMap((from) => from.addresses);
      await Promise.all(nodes.map((t) => t.container.sh(`${refillScript({ [PARTITION_CHAIN]: cutFrom(t) })} && ${hookChain(PARTITION_CHAIN)}`)));
      return;
    }
    case 'oneway':
      await node(event.to).container.sh([hookChain(ONEWAY_CHAIN), ...node(event.from).addresses.map((a) => `iptables -w -A ${ONEWAY_CHAIN} -s ${a} -j DROP`)].join(' && '));
      return;
    case 'heal':
      // Chains that never existed are created empty and unhooked: harmless.
      await Promise.all(nodes.map((t) => t.container.sh(refillScript({ [PARTITION_CHAIN]: [], [ONEWAY_CHAIN]: [] }))));
      return;
    case 'loss': {
      const t = node(event.node);
      const rule = event.lossRatio > 0 ? ` && iptables -w -A OUTPUT -p 112 -m statistic --mode random --probability ${Math.min(1, event.lossRatio)} -j DROP` : '';
      await t.container.sh(`iptables -w -F OUTPUT${rule}`);
      return;
    }
  }
}


