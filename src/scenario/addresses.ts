/**
 * Addresses for the interfaces of a scenario's nodes.
 *
 * Theory of operation: every interface name is one shared segment (all the
 * nodes' `eth0`s are on one link, all their `eth1`s on another). Each segment
 * gets a subnet — the subnet of the first VIP that lives on it (a /32 VIP
 * stands for the /24 around it), else the /24 around an address someone fixed
 * on it, else the next unused documentation range. Then, node by node in the
 * order given and interface by interface in the order the config names them,
 * an interface keeps the address fixed for it (`--node NAME=FILE@ADDRESS`, or
 * the config's unicast_src_ip / mcast_src_ip) or takes the first free host
 * address from the start of its subnet, skipping VIPs and every fixed address.
 *
 * Example: VIP 192.0.2.100/24 and nodes lb1, lb2 → 192.0.2.1, 192.0.2.2.
 */
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { formatIpv4, networkOf, parseIpv4 } from '../core/ipv4.js';

export interface AddressNeeds {
  readonly node: NodeId;
  /** Interfaces the config names, primary first; `fixed` when the address is given. */
  readonly interfaces: readonly { readonly name: string; readonly fixed?: string }[];
  readonly vips: readonly { readonly address: string; readonly prefixLength: number; readonly interface: string }[];
}

export interface AssignedInterface {
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly source: 'given' | 'assigned';
}

/** Segments nobody's VIP or fixed address claims take these, in order. */
const SPARE_SUBNETS = ['198.51.100.0', '192.0.2.0', ...Array.from({ length: 64 }, (_, i) => `100.64.${i}.0`)];

export { parseIpv4, formatIpv4 };

interface Subnet {
  readonly network: number;
  readonly prefixLength: number;
}

const contains = (s: Subnet, a: number): boolean => networkOf(a, s.prefixLength) === s.network;

/** A VIP's prefix as a segment: hosts need room, so /31 and /32 widen to /24. */
function segmentSubnet(address: number, prefixLength: number): Subnet {
  const p = prefixLength > 30 ? 24 : prefixLength;
  return { network: networkOf(address, p), prefixLength: p };
}

function subnetsByInterface(needs: readonly AddressNeeds[]): Map<string, Subnet> {
  const subnets = new Map<string, Subnet>();
  const names = [...new Set(needs.flatMap((n) => n.interfaces.map((i) => i.name)))];
  for (const name of names) {
    const vip = needs.flatMap((n) => n.vips).find((v) => v.interface === name && parseIpv4(v.address) !== undefined);
    if (vip) subnets.set(name, segmentSubnet(parseIpv4(vip.address) as number, vip.prefixLength));
  }
  for (const name of names) {
    if (subnets.has(name)) continue;
    const fixed = needs.flatMap((n) => n.interfaces).find((i) => i.name === name && i.fixed !== undefined)?.fixed;
    if (fixed !== undefined && parseIpv4(fixed) !== undefined) subnets.set(name, segmentSubnet(parseIpv4(fixed) as number, 24));
  }
  const used = (network: number): boolean => [...subnets.values()].some((s) => contains(s, network) || contains({ network, prefixLength: 24 }, s.network));
  for (const name of names) {
    if (subnets.has(name)) continue;
    const spare = SPARE_SUBNETS.map((s) => parseIpv4(s) as number).find((network) => !used(network));
    if (spare === undefined) throw new ScenarioError('scenario-too-many-segments', 'ran out of spare subnets for interfaces; give the nodes addresses');
    subnets.set(name, { network: spare, prefixLength: 24 });
  }
  return subnets;
}

/** Per node (in the order given), its interfaces with addresses. */
export function assignAddresses(needs: readonly AddressNeeds[]): Map<NodeId, AssignedInterface[]> {
  const subnets = subnetsByInterface(needs);
  const taken = new Set<number>();
  for (const n of needs) {
    for (const v of n.vips) if (parseIpv4(v.address) !== undefined) taken.add(parseIpv4(v.address) as number);
    for (const i of n.interfaces) if (i.fixed !== undefined && parseIpv4(i.fixed) !== undefined) taken.add(parseIpv4(i.fixed) as number);
  }
  const out = new Map<NodeId, AssignedInterface[]>();
  for (const n of needs) {
    out.set(
      n.node,
      n.interfaces.map((i) => {
        const subnet = subnets.get(i.name) as Subnet;
        const fixed = i.fixed === undefined ? undefined : parseIpv4(i.fixed);
        if (fixed !== undefined) {
          const prefixLength = contains(subnet, fixed) ? subnet.prefixLength : 24;
          return { name: i.name, address: formatIpv4(fixed), prefixLength, source: 'given' as const };
        }
        const address = firstFree(subnet, taken, `${n.node} ${i.name}`);
        taken.add(address);
        return { name: i.name, address: formatIpv4(address), prefixLength: subnet.prefixLength, source: 'assigned' as const };
      }),
    );
  }
  return out;
}

function firstFree(s: Subnet, taken: ReadonlySet<number>, who: string): number {
  const size = 2 ** (32 - s.prefixLength);
  for (let a = s.network + 1; a < s.network + size - 1; a++) if (!taken.has(a)) return a;
  throw new ScenarioError('scenario-subnet-full', `no free address left in ${formatIpv4(s.network)}/${s.prefixLength} for ${who}; give it one with NAME=FILE@ADDRESS`);
}
