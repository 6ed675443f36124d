/**
 * What a scenario names, checked against what its configurations define,
 * before anything runs.
 *
 * Theory of operation: an expectation about an instance, VRID or VIP that no
 * configuration has is trivially true ("the master of VI_9 is nobody") or
 * fails for the wrong reason, so naming one is a located error, as naming an
 * unknown node is. Two nodes with one address on one segment, or a node whose
 * own address is a VIP it does not own, make a run whose answer is about the
 * lab's addressing rather than keepalived; both are errors too. A node with
 * nothing to run (no vrrp_instance, no virtual_server) is an error naming it
 * and its file.
 *
 * Rules:
 * - A VIP is an instance's virtual_ipaddress without its prefix.
 * - A node may have a VIP as its own address only as the address owner
 *   (priority 255 on an instance with that VIP), as RFC 3768 §3 defines it.
 * - Load-balancing names (real servers, services) are checked in lvs/checks.ts.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { PRIORITY_OWNER } from '../core/rfc3768.js';
import type { Expectation, Predicate } from './expectations.js';
import type { Scenario, ScenarioNode } from './scenario.js';
import type { PreparedNode } from './topology.js';

/** Every name, address or empty node the scenario gets wrong, located. */
export function namesProblems(scenario: Scenario, nodes: readonly PreparedNode[]): Diagnostic[] {
  return [...emptyNodes(scenario.nodes, nodes), ...addressClashes(scenario.nodes, nodes), ...scenario.expectations.flatMap((x) => expectationNames(x, nodes))];
}

const where = (l: SourceLocation | undefined): Partial<Diagnostic> => (l ? { file: l.file, line: l.line, column: l.column } : {});

function error(code: string, message: string, at: SourceLocation | undefined, hint?: string): Diagnostic {
  return { code, severity: 'error', message, ...where(at), ...(hint ? { hint } : {}) };
}

const fileOf = (n: ScenarioNode): string => (n.config.kind === 'file' ? (n.config.path.split(/[\\/]/).pop() ?? n.config.path) : n.config.name);

function emptyNodes(declared: readonly ScenarioNode[], nodes: readonly PreparedNode[]): Diagnostic[] {
  return nodes.flatMap((n, i) => {
    const d = declared[i] as ScenarioNode;
    if (n.model.vrrpInstances.length > 0 || n.model.virtualServers.length > 0) return [];
    return [error('node-nothing-to-run', `node ${n.id}: no vrrp_instance (and no virtual_server) in ${fileOf(d)}; nothing to simulate`, d.location, 'is this the right file?')];
  });
}

/** The VIP addresses each node owns as the address owner (priority 255). */
function ownedVips(n: PreparedNode): Set<string> {
  return new Set(n.vrrp.instances.filter((i) => i.priority === PRIORITY_OWNER).flatMap((i) => i.virtualAddresses.map((v) => v.address)));
}

function addressClashes(declared: readonly ScenarioNode[], nodes: readonly PreparedNode[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, NodeId>();
  const vips = new Map<string, NodeId>();
  for (const n of nodes) for (const i of n.vrrp.instances) for (const v of i.virtualAddresses) if (!vips.has(v.address)) vips.set(v.address, n.id);
  for (const [k, n] of nodes.entries()) {
    const at = declared[k]?.location;
    for (const i of n.interfaces) {
      const key = `${i.name}\u0000${i.address}`;
      const other = seen.get(key);
      if (other !== undefined && other !== n.id) out.push(error('node-address-duplicate', `node ${n.id} has address ${i.address} on ${i.name}, as node ${other} has: two hosts with one address`, at, 'give each node its own address (NAME=FILE@ADDRESS)'));
      else seen.set(key, n.id);
      if (vips.has(i.address) && !ownedVips(n).has(i.address)) {
        out.push(error('node-address-is-vip', `node ${n.id}'s own address ${i.address} is a virtual address (of node ${vips.get(i.address)}'s instances) and ${n.id} is not its owner (priority ${PRIORITY_OWNER})`, at, 'a node\'s own address must differ from the VIPs, unless it is the address owner'));
      }
    }
  }
  return out;
}

function expectationNames(x: Expectation, nodes: readonly PreparedNode[]): Diagnostic[] {
  if (x.kind === 'failover') return instanceProblem(x.instance, nodes, x.location);
  if (!('predicate' in x)) return [];
  return predicateNames(x.predicate, nodes, x.location);
}

function predicateNames(p: Predicate, nodes: readonly PreparedNode[], at: SourceLocation | undefined): Diagnostic[] {
  switch (p.kind) {
    case 'master': return instanceProblem(p.instance, nodes, at);
    case 'holder': {
      const address = p.vip.split('/')[0] as string;
      const all = [...new Set(nodes.flatMap((n) => n.vrrp.instances.flatMap((i) => i.virtualAddresses.map((v) => v.address))))];
      return all.includes(address) ? [] : [error('expect-unknown-vip', `no instance has the virtual address ${p.vip}`, at, `VIPs: ${all.join(', ') || '(none)'}`)];
    }
    case 'state': case 'priority': {
      const node = nodes.find((n) => n.id === p.node);
      const names = node?.vrrp.instances.map((i) => i.name) ?? [];
      return node === undefined || names.includes(p.instance) ? [] : [error('expect-unknown-instance', `node ${p.node} has no vrrp_instance ${p.instance}`, at, `its instances: ${names.join(', ') || '(none)'}`)];
    }
    default: return [];
  }
}

function instanceProblem(selector: string | number, nodes: readonly PreparedNode[], at: SourceLocation | undefined): Diagnostic[] {
  const instances = nodes.flatMap((n) => n.vrrp.instances);
  const m = typeof selector === 'number' ? [String(selector), String(selector)] : /^vrid:(\d+)$/.exec(selector);
  if (m !== null) {
    const vrids = [...new Set(instances.map((i) => i.vrid))].sort((a, b) => a - b);
    return vrids.includes(Number(m[1])) ? [] : [error('expect-unknown-vrid', `no instance has virtual_router_id ${m[1]}`, at, `VRIDs: ${vrids.join(', ') || '(none)'}`)];
  }
  const names = [...new Set(instances.map((i) => i.name))];
  return names.includes(selector as string) ? [] : [error('expect-unknown-instance', `no vrrp_instance ${String(selector)}`, at, `instances: ${names.join(', ') || '(none)'}`)];
}
