/**
 * Cross-file checks: the nodes of one deployment, one config file each, must
 * agree on what keepalived compares in every advert. keepalived validates one
 * file at a time and never sees these mistakes; on the wire each of them ends
 * in adverts being dropped and every node becoming master (research §2.7, §6).
 *
 * Theory of operation: instances with the same interface name and VRID on
 * different nodes form a virtual router. If their VIP sets do not even overlap,
 * they are two clusters sharing a VRID on one segment (P3) and are checked
 * apart; otherwise they are peers (P4) and must agree on VIPs, authentication
 * (first 8 bytes of the password), advert_int and version; their priorities
 * should differ; unicast peers must list each other.
 *
 * Each finding is anchored on the line to change in the file that disagrees
 * with the first node given, and names the other file and line.
 */
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import { compareAddresses } from './election-table.js';
import { authKey, routerKey, sourceAddress, type ClusterNode, type InstanceView, type Located } from './cluster-view.js';
import type { Loc } from '../source.js';

/** One instance together with the node it belongs to. */
export interface Member {
  readonly node: ClusterNode;
  readonly instance: InstanceView;
}

export interface VirtualRouter {
  readonly interface: string;
  readonly vrid: number;
  /** At least one member; members of one router share VIPs (or have none). */
  readonly members: readonly Member[];
}

export function clusterFindings(nodes: readonly ClusterNode[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const group of sharedVrids(nodes)) {
    const routers = splitByVips(group);
    if (routers.length > 1) out.push(...vridCollision(routers));
    for (const r of routers) out.push(...peerFindings(r));
  }
  for (const n of nodes) for (const i of n.instances) out.push(...selfInPeers(n, i));
  return out;
}

/** Virtual routers of the cluster: shared-VRID groups split by VIP overlap. */
export function virtualRouters(nodes: readonly ClusterNode[]): VirtualRouter[] {
  return sharedVrids(nodes, 1).flatMap(splitByVips);
}

/** Members grouped by (interface, VRID), keeping groups with at least `min` distinct nodes. */
function sharedVrids(nodes: readonly ClusterNode[], min = 2): Member[][] {
  const groups = new Map<string, Member[]>();
  for (const node of nodes) {
    for (const instance of node.instances) {
      const key = routerKey(instance);
      if (key === undefined) continue;
      const list = groups.get(key) ?? [];
      list.push({ node, instance });
      groups.set(key, list);
    }
  }
  return [...groups.values()].filter((g) => new Set(g.map((m) => m.node.node)).size >= min);
}

const bareAddress = (vip: string): string => vip.split('/')[0] ?? vip;

/** Connected components by shared VIP address; members without VIPs join the first. */
function splitByVips(group: Member[]): VirtualRouter[] {
  const components: Array<{ addresses: Set<string>; members: Member[] }> = [];
  for (const m of group) {
    const mine = new Set(m.instance.vips.map((v) => bareAddress(v.value)));
    const touching = components.filter((c) => mine.size === 0 || [...mine].some((a) => c.addresses.has(a)));
    const target = mine.size === 0 ? touching.slice(0, 1) : touching;
    const merged = { addresses: new Set([...mine, ...target.flatMap((c) => [...c.addresses])]), members: [...target.flatMap((c) => c.members), m] };
    for (const c of target) components.splice(components.indexOf(c), 1);
    components.push(merged);
  }
  const first = group[0]!.instance;
  return components
    .map((c) => ({ interface: first.interface!.value, vrid: first.vrid!.value, members: group.filter((m) => c.members.includes(m)) }))
    .sort((a, b) => group.indexOf(a.members[0]!) - group.indexOf(b.members[0]!));
}

function diag(code: string, severity: Severity, at: Loc, message: string, hint?: string, related?: readonly Loc[]): Diagnostic {
  return {
    code,
    severity,
    message,
    file: at.file,
    line: at.line,
    column: at.column,
    ...(hint ? { hint } : {}),
    ...(related && related.length > 0 ? { data: { related: related.map((r) => ({ file: r.file, line: r.line, column: r.column })) } } : {}),
  };
}

export const where = (at: Loc): string => (at.line > 0 ? `${at.file}:${at.line}` : at.file);

function routerName(r: { interface: string; vrid: number }): string {
  return `VRID ${r.vrid} on ${r.interface}`;
}

function vipList(m: Member): string {
  return m.instance.vips.map((v) => bareAddress(v.value)).join(', ') || 'no VIPs';
}

/** research P3: another cluster on the same segment uses this VRID for other addresses. */
function vridCollision(routers: readonly VirtualRouter[]): Diagnostic[] {
  const first = routers[0]!.members[0]!;
  return routers.slice(1).map((r) => {
    const m = r.members[0]!;
    const at = m.instance.vrid!.at;
    // A warning, not an error: the files cannot say whether both clusters share
    // one L2 segment; only there do they fight.
    return diag(
      'cluster-vrid-collision',
      'warning',
      at,
      `${routerName(r)} is also used by ${first.node.node} (${where(first.instance.vrid!.at)}) for other addresses (${vipList(first)} vs ${vipList(m)}): ` +
        'if both clusters share a network segment, they reject each other\'s adverts and both elect a master',
      'give every cluster on a network segment its own virtual_router_id',
      [first.instance.vrid!.at],
    );
  });
}

function peerFindings(r: VirtualRouter): Diagnostic[] {
  const [ref, ...rest] = r.members;
  if (!ref || rest.length === 0) return [];
  const out: Diagnostic[] = [];
  for (const m of rest) {
    if (m.node.node === ref.node.node) continue; // same file twice: keepalived's own duplicate-VRID check
    out.push(...vipMismatch(r, ref, m), ...authMismatch(r, ref, m), ...advertMismatch(r, ref, m), ...versionMismatch(r, ref, m));
  }
  out.push(...stateAndPriority(r), ...unicastFindings(r));
  return out;
}

function locOf(m: Member, ...candidates: Array<Loc | undefined>): Loc {
  return candidates.find((c) => c !== undefined) ?? m.instance.at;
}

/** research P4: every peer must advertise exactly the same addresses (order does not matter). */
function vipMismatch(r: VirtualRouter, ref: Member, m: Member): Diagnostic[] {
  const mine = new Set(m.instance.vips.map((v) => bareAddress(v.value)));
  const theirs = new Set(ref.instance.vips.map((v) => bareAddress(v.value)));
  const missing = [...theirs].filter((a) => !mine.has(a));
  const extra = [...mine].filter((a) => !theirs.has(a));
  if (missing.length === 0 && extra.length === 0) return [];
  const parts = [missing.length ? `lacks ${missing.join(', ')}` : '', extra.length ? `adds ${extra.join(', ')}` : ''].filter(Boolean).join(' and ');
  const refAt = locOf(ref, ref.instance.vipsAt);
  return [
    diag(
      'cluster-vip-mismatch',
      'error',
      locOf(m, m.instance.vipsAt),
      `${m.node.node}'s virtual_ipaddress for ${routerName(r)} ${parts} compared with ${ref.node.node} (${where(refAt)}): ` +
        'each node drops the other\'s adverts ("ip address associated with VRID not present in MASTER advert") and both become master',
      'list the same virtual addresses on every node of the virtual router',
      [refAt],
    ),
  ];
}

type AuthKind = 'none' | 'PASS' | 'AH';

function authKind(i: InstanceView): AuthKind {
  return i.version === 3 || !i.auth ? 'none' : i.auth.type;
}

/** research P6 / §2.9: auth type and the first 8 bytes of auth_pass must match. */
function authMismatch(r: VirtualRouter, ref: Member, m: Member): Diagnostic[] {
  const a = authKind(ref.instance);
  const b = authKind(m.instance);
  const refAt = locOf(ref, ref.instance.auth?.at);
  const at = locOf(m, m.instance.auth?.at, m.instance.vrid?.at);
  if (a !== b) {
    const say = (k: AuthKind) => (k === 'none' ? 'no authentication' : `auth_type ${k}`);
    return [
      diag(
        'cluster-auth-mismatch',
        'error',
        at,
        `${m.node.node} uses ${say(b)} for ${routerName(r)} but ${ref.node.node} uses ${say(a)} (${where(refAt)}): each node drops the other's adverts and both become master`,
        'use the same authentication block on every node (or none)',
        [refAt],
      ),
    ];
  }
  if (a === 'none' || !m.instance.auth || !ref.instance.auth) return [];
  const pwAt = locOf(m, m.instance.auth.passwordAt, m.instance.auth.at);
  const refPwAt = locOf(ref, ref.instance.auth.passwordAt, ref.instance.auth.at);
  if (authKey(m.instance.auth.password) !== authKey(ref.instance.auth.password)) {
    return [
      diag(
        'cluster-auth-mismatch',
        'error',
        pwAt,
        `auth_pass of ${routerName(r)} on ${m.node.node} differs from ${ref.node.node}'s (${where(refPwAt)}) within the first 8 bytes: ` +
          'adverts fail with "received an invalid passwd!" and both nodes become master',
        'use the same auth_pass on every node; only its first 8 bytes count',
        [refPwAt],
      ),
    ];
  }
  if (m.instance.auth.password === ref.instance.auth.password) return [];
  return [
    diag(
      'cluster-auth-same-key',
      'info',
      pwAt,
      `auth_pass on ${m.node.node} is written differently from ${ref.node.node}'s (${where(refPwAt)}) but the first 8 bytes are equal, and keepalived uses only those: the nodes share one key`,
      'write the same password everywhere (8 characters or fewer) so the files say what keepalived does',
      [refPwAt],
    ),
  ];
}

/** research P5: VRRPv2 drops adverts whose interval differs from its own. */
function advertMismatch(r: VirtualRouter, ref: Member, m: Member): Diagnostic[] {
  if (m.instance.advertInt === ref.instance.advertInt) return [];
  const v2 = m.instance.version === 2 && ref.instance.version === 2;
  const refAt = locOf(ref, ref.instance.advertIntAt);
  return [
    diag(
      'cluster-advert-int-mismatch',
      v2 ? 'error' : 'warning',
      locOf(m, m.instance.advertIntAt, m.instance.vrid?.at),
      `advert_int of ${routerName(r)} is ${m.instance.advertInt} s on ${m.node.node} but ${ref.instance.advertInt} s on ${ref.node.node} (${where(refAt)})` +
        (v2
          ? ': VRRPv2 drops the adverts ("advertisement interval mismatch") and both nodes become master'
          : ': VRRPv3 backups adopt the master\'s interval, so failover time depends on which node is master'),
      'use the same advert_int on every node',
      [refAt],
    ),
  ];
}

function versionMismatch(r: VirtualRouter, ref: Member, m: Member): Diagnostic[] {
  if (m.instance.version === ref.instance.version) return [];
  const refAt = locOf(ref, ref.instance.versionAt);
  return [
    diag(
      'cluster-version-mismatch',
      'error',
      locOf(m, m.instance.versionAt, m.instance.vrid?.at),
      `${m.node.node} speaks VRRPv${m.instance.version} for ${routerName(r)} but ${ref.node.node} speaks VRRPv${ref.instance.version} (${where(refAt)}): ` +
        'adverts of the other version are dropped ("wrong version") and both nodes become master',
      'set the same vrrp_version (global_defs) or version (instance) on every node',
      [refAt],
    ),
  ];
}

function distinctNodes(r: VirtualRouter): Member[] {
  const seen = new Set<string>();
  return r.members.filter((m) => !seen.has(m.node.node) && seen.add(m.node.node));
}

/** research P10/P11: two owners, two `state MASTER`, equal priorities. */
function stateAndPriority(r: VirtualRouter): Diagnostic[] {
  const members = distinctNodes(r);
  const out: Diagnostic[] = [];
  const owners = members.filter((m) => m.instance.priority >= 255);
  if (owners.length > 1) {
    const [a, ...others] = owners;
    for (const b of others) {
      out.push(
        diag(
          'cluster-two-owners',
          'error',
          locOf(b, b.instance.priorityAt, b.instance.state?.at),
          `${b.node.node} and ${a!.node.node} both have priority 255 (address owner) for ${routerName(r)}` +
            `${b.instance.priorityAt ? '' : ' (state MASTER without priority means 255)'}: keepalived logs "CONFIGURATION ERROR ... both configured as address owner" and one demotes itself to 254`,
          'only the node that really owns the addresses may have priority 255; give the others lower priorities',
          [locOf(a!, a!.instance.priorityAt, a!.instance.state?.at)],
        ),
      );
    }
  }
  out.push(...multipleStateMaster(r, members), ...equalPriorities(r, members.filter((m) => m.instance.priority < 255)));
  return out;
}

function multipleStateMaster(r: VirtualRouter, members: readonly Member[]): Diagnostic[] {
  const masters = members.filter((m) => m.instance.state?.value === 'MASTER');
  if (masters.length < 2) return [];
  const [a, ...others] = masters;
  return others.map((b) =>
    diag(
      'cluster-multiple-state-master',
      'warning',
      b.instance.state!.at,
      `${b.node.node} and ${a!.node.node} (${where(a!.instance.state!.at)}) both say state MASTER for ${routerName(r)}, and state MASTER turns preemption on: ` +
        'state only chooses where a node starts; the priorities decide, and whichever node has the higher one takes the VIP back whenever it returns',
      'use state BACKUP on all nodes but one (or on all of them with nopreempt) and let the priorities say who is preferred',
      [a!.instance.state!.at],
    ),
  );
}

function equalPriorities(r: VirtualRouter, members: readonly Member[]): Diagnostic[] {
  const byPriority = new Map<number, Member[]>();
  for (const m of members) byPriority.set(m.instance.priority, [...(byPriority.get(m.instance.priority) ?? []), m]);
  const out: Diagnostic[] = [];
  for (const [priority, same] of byPriority) {
    if (same.length < 2) continue;
    const [a, ...others] = same;
    const tieBreak = higherIpText(same);
    for (const b of others) {
      const refAt = locOf(a!, a!.instance.priorityAt);
      out.push(
        diag(
          'cluster-equal-priority',
          'warning',
          locOf(b, b.instance.priorityAt, b.instance.vrid?.at),
          `${b.node.node} and ${a!.node.node} (${where(refAt)}) have the same priority ${priority} for ${routerName(r)}: ` +
            `the first node up becomes master, and when two masters meet (after a partition heals) ${tieBreak}`,
          'give every node of a virtual router a different priority',
          [refAt],
        ),
      );
    }
  }
  return out;
}

/** Who wins a tie: the higher primary (source) IP, named when every address is known. */
function higherIpText(members: readonly Member[]): string {
  const addresses = members.map((m) => sourceAddress(m.instance));
  if (addresses.some((a) => a === undefined)) return 'the node with the higher primary IP address wins';
  let best = 0;
  for (let i = 1; i < members.length; i++) if (compareAddresses(addresses[i]!, addresses[best]!) > 0) best = i;
  return `the node with the higher primary IP address wins: ${members[best]!.node.node} (${addresses[best]})`;
}

/** research P17: unicast peers must list each other; nobody may be left on multicast. */
function unicastFindings(r: VirtualRouter): Diagnostic[] {
  const members = distinctNodes(r);
  const unicast = members.filter((m) => m.instance.unicastPeers.length > 0);
  if (unicast.length === 0) return [];
  const out: Diagnostic[] = [];
  for (const m of members) {
    if (m.instance.unicastPeers.length === 0) {
      const other = unicast[0]!;
      out.push(
        diag(
          'cluster-unicast-mixed',
          'error',
          locOf(m, m.instance.vrid?.at),
          `${m.node.node} sends multicast adverts for ${routerName(r)} but ${other.node.node} uses unicast_peer (${where(locOf(other, other.instance.unicastPeersAt))}): neither hears the other and both become master`,
          'use unicast_peer on every node of the virtual router, or on none',
          [locOf(other, other.instance.unicastPeersAt)],
        ),
      );
      continue;
    }
    out.push(...missingPeers(r, m, members), ...unknownPeers(r, m, members));
  }
  return out;
}

function peerSet(m: Member): Set<string> {
  return new Set(m.instance.unicastPeers.map((p) => bareAddress(p.value)));
}

/** A lists no address of B: B never receives A's adverts. */
function missingPeers(r: VirtualRouter, m: Member, members: readonly Member[]): Diagnostic[] {
  const mine = peerSet(m);
  const out: Diagnostic[] = [];
  for (const other of members) {
    const src = other.instance.unicastSrcIp;
    if (other === m || !src || other.instance.unicastPeers.length === 0) continue;
    if (mine.has(bareAddress(src.value))) continue;
    out.push(
      diag(
        'cluster-unicast-peer-missing',
        'error',
        locOf(m, m.instance.unicastPeersAt),
        `${m.node.node}'s unicast_peer for ${routerName(r)} does not list ${other.node.node}'s unicast_src_ip ${src.value} (${where(src.at)}): ` +
          `${other.node.node} never receives ${m.node.node}'s adverts, so it becomes master as well`,
        `add ${src.value} to unicast_peer on ${m.node.node}`,
        [src.at],
      ),
    );
  }
  return out;
}

/** A peer address that is no node's unicast_src_ip (only when every node states one). */
function unknownPeers(r: VirtualRouter, m: Member, members: readonly Member[]): Diagnostic[] {
  const sources = members.map((o) => o.instance.unicastSrcIp);
  if (sources.some((s) => s === undefined) || members.length < 2) return [];
  const known = new Set(sources.map((s) => bareAddress(s!.value)));
  return m.instance.unicastPeers
    .filter((p) => !known.has(bareAddress(p.value)))
    .map((p: Located<string>) =>
      diag(
        'cluster-unicast-peer-unknown',
        'info',
        p.at,
        `unicast peer ${p.value} of ${routerName(r)} on ${m.node.node} is not the unicast_src_ip of any node given (${[...known].join(', ')})`,
        'a typo here silently splits the cluster; if the node exists, validate its file too',
      ),
    );
}

/** research P17: a node listing its own source address sends adverts to itself. */
function selfInPeers(n: ClusterNode, i: InstanceView): Diagnostic[] {
  const src = i.unicastSrcIp;
  if (!src) return [];
  return i.unicastPeers
    .filter((p) => bareAddress(p.value) === bareAddress(src.value))
    .map((p) =>
      diag(
        'unicast-peer-self',
        'warning',
        p.at,
        `${i.name} on ${n.node} lists its own unicast_src_ip ${src.value} as a unicast peer`,
        "remove it: a node's peer list names the other nodes only",
        [src.at],
      ),
    );
}
