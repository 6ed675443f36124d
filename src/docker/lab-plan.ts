/**
 * Where a lab's networks go: one Docker bridge network per segment (all the
 * nodes' interfaces of one name), with a subnet that overlaps no host route.
 *
 * Theory of operation: a segment keeps the subnet its addresses were given in
 * (the scenario's addresses, from the VIPs' subnets or the user) when that is
 * safe. When it overlaps a route of the host — the host itself may live in a
 * documentation range — the segment is moved to a free /24 and every node keeps
 * its host part, so the order of the nodes' addresses (keepalived's tie-break
 * between equal priorities) is unchanged. VIPs never move: they are only
 * addresses keepalived adds inside the containers, invisible to the host's
 * routes. The configs are rewritten with the moved node addresses (unicast
 * peers, source addresses). When no free subnet is left the lab is refused.
 *
 * Each network's gateway (Docker puts it on the host's bridge) is the highest
 * address of the subnet that no node or VIP uses.
 */
import { ScenarioError } from '../core/errors.js';
import { SubnetOverlapError } from './errors.js';
import { describeRoute, formatIpv4, formatSubnet, networkOf, overlappingRoute, overlaps, parseIpv4, type Ipv4Route, type Ipv4Subnet } from './host-routes.js';

export interface PlanNode {
  readonly id: string;
  readonly interfaces: readonly { readonly name: string; readonly address: string; readonly prefixLength: number }[];
}

export interface PlannedSegment {
  /** The interface name all nodes share for this segment. */
  readonly name: string;
  readonly subnet: Ipv4Subnet;
  readonly gateway: string;
  /** The subnet the scenario asked for, when it had to move. */
  readonly movedFrom?: Ipv4Subnet;
  readonly movedBecause?: string;
}

export interface LabPlan {
  readonly segments: readonly PlannedSegment[];
  /** Per node, per interface name, its address in the lab. */
  readonly addresses: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Scenario address → lab address, for the addresses that moved. */
  readonly moved: ReadonlyMap<string, string>;
}

const SPARE = ['198.51.100.0', '192.0.2.0', ...Array.from({ length: 64 }, (_, i) => `100.64.${i}.0`)].map((a) => parseIpv4(a) as number);

function segmentNames(nodes: readonly PlanNode[]): string[] {
  return [...new Set(nodes.flatMap((n) => n.interfaces.map((i) => i.name)))];
}

interface SegmentMember {
  readonly node: string;
  readonly address: string;
  readonly prefixLength: number;
}

/** Segments that can stay where they are are placed first, so a moved one never takes their subnet. */
function chooseSubnets(
  wanted: readonly { readonly name: string; readonly subnet: Ipv4Subnet }[],
  vips: readonly number[],
  routes: readonly Ipv4Route[],
): Map<string, { subnet: Ipv4Subnet; because?: string }> {
  const out = new Map<string, { subnet: Ipv4Subnet; because?: string }>();
  const chosen: Ipv4Subnet[] = [];
  for (const w of wanted) {
    if (overlappingRoute(w.subnet, routes) || chosen.some((c) => overlaps(c, w.subnet))) continue;
    out.set(w.name, { subnet: w.subnet });
    chosen.push(w.subnet);
  }
  for (const w of wanted.filter((x) => !out.has(x.name))) {
    const route = overlappingRoute(w.subnet, routes);
    const clash = chosen.find((c) => overlaps(c, w.subnet));
    const because = route ? `overlaps the host route ${describeRoute(route)}` : `overlaps the lab's segment ${formatSubnet(clash as Ipv4Subnet)}`;
    const spare = SPARE.map((network) => ({ network, prefixLength: 24 })).find(
      (s) => !overlappingRoute(s, routes) && !chosen.some((c) => overlaps(c, s)) && !vips.some((v) => networkOf(v, 24) === s.network),
    );
    if (spare === undefined) throw new SubnetOverlapError(formatSubnet(w.subnet), route ? describeRoute(route) : formatSubnet(clash as Ipv4Subnet));
    out.set(w.name, { subnet: spare, because });
    chosen.push(spare);
  }
  return out;
}

export function planLab(nodes: readonly PlanNode[], vips: readonly string[], routes: readonly Ipv4Route[]): LabPlan {
  const vipNumbers = vips.map((v) => parseIpv4(v)).filter((v): v is number => v !== undefined);
  const members = new Map<string, SegmentMember[]>(segmentNames(nodes).map((name) => [name, nodes.flatMap((n) => n.interfaces.filter((i) => i.name === name).map((i) => ({ node: n.id, ...i })))]));
  const wanted = [...members].map(([name, ms]) => {
    const first = ms[0] as SegmentMember;
    return { name, subnet: { network: networkOf(parseIpv4(first.address) as number, first.prefixLength), prefixLength: first.prefixLength } };
  });
  const subnets = chooseSubnets(wanted, vipNumbers, routes);
  const moved = new Map<string, string>();
  const addresses = new Map<string, Map<string, string>>(nodes.map((n) => [n.id, new Map()]));
  const segments = wanted.map((w): PlannedSegment => {
    const { subnet, because } = subnets.get(w.name) as { subnet: Ipv4Subnet; because?: string };
    const used = new Set<number>(vipNumbers);
    for (const m of members.get(w.name) ?? []) {
      const original = parseIpv4(m.address) as number;
      if (networkOf(original, w.subnet.prefixLength) !== w.subnet.network) {
        throw new ScenarioError('docker-address-outside-segment', `node ${m.node}: ${m.address} is not in ${formatSubnet(w.subnet)}, the subnet of segment ${w.name}; a Docker network has one subnet`);
      }
      const offset = original - w.subnet.network;
      if (offset >= 2 ** (32 - subnet.prefixLength) - 1) throw new SubnetOverlapError(formatSubnet(w.subnet), because ?? '');
      const lab = subnet.network + offset;
      used.add(lab);
      (addresses.get(m.node) as Map<string, string>).set(w.name, formatIpv4(lab));
      if (lab !== original) moved.set(m.address, formatIpv4(lab));
    }
    return { name: w.name, subnet, gateway: formatIpv4(gatewayOf(subnet, used, w.name)), ...(because !== undefined ? { movedFrom: w.subnet, movedBecause: because } : {}) };
  });
  return { segments, addresses, moved };
}

function gatewayOf(subnet: Ipv4Subnet, used: ReadonlySet<number>, name: string): number {
  for (let a = subnet.network + 2 ** (32 - subnet.prefixLength) - 2; a > subnet.network; a--) if (!used.has(a)) return a;
  throw new ScenarioError('docker-subnet-full', `segment ${name} (${formatSubnet(subnet)}) has no address left for the Docker network's gateway`);
}

/** Replace whole addresses (not parts of longer ones) in a config text. */
export function replaceAddresses(text: string, moved: ReadonlyMap<string, string>): string {
  if (moved.size === 0) return text;
  const pattern = new RegExp(`(?<![\\d.])(${[...moved.keys()].map((a) => a.replaceAll('.', '\\.')).join('|')})(?![\\d.])`, 'g');
  return text.replace(pattern, (a) => moved.get(a) ?? a);
}
