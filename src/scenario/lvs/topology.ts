/**
 * Preparing a load-balanced scenario: the directors' IPVS tables and checkers
 * from each node's `virtual_server` blocks, the real servers they name, where
 * those and the clients sit on the network, and what the timeline calls them.
 *
 * Theory of operation
 * -------------------
 * - Each node's virtual servers become its director config (from-config.ts):
 *   an IPVS table with the services and no real servers yet (keepalived's
 *   checker process adds them at start), the checker engine's config, and the
 *   names that join the two. With `lvs_sync_daemon INTERFACE INSTANCE` the
 *   table gets a sync daemon whose sync id is the instance's VRID; the
 *   instance's VRRP state picks master or backup as the run goes.
 * - Real servers are the addresses the configurations give (`real_server`,
 *   `sorry_server`), in order of first appearance: node by node, virtual server
 *   by virtual server. Each becomes a simulated host named by the scenario's
 *   `realserver NAME ADDRESS`, else rs1, rs2, … (skipping names a node has).
 * - A real server sits on the network (interface name) of a director interface
 *   whose subnet holds its address, else on the network of its service's VIP.
 *   It listens on every port a service gives it; NAT servers send replies to the
 *   VIP (their gateway is the director), DR and TUN servers to the clients.
 * - The clients sit behind a router on the first service's VIP network, at the
 *   highest free address of that subnet; the node is called `clients`.
 *
 * Rules: nothing here reads files or runs anything; mistakes are diagnostics
 * with the configuration's file:line:column.
 */
import type { LvsClusterSpec } from '../../core/backend.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { NodeId } from '../../core/ids.js';
import { formatIpv4, networkOf, parseIpv4 } from '../../core/ipv4.js';
import type { KeepalivedConfig } from '../../config/model.js';
import type { DirectorNodeConfig } from '../../ipvs/director-node-config.js';
import type { AssignedInterface } from '../addresses.js';
import { lvsFromConfig, type LvsServerEntry } from './from-config.js';
import type { ScenarioRealServer } from '../scenario.js';
import type { TimelineLvsMeta } from './timeline.js';

export interface LvsNodeInput {
  readonly id: NodeId;
  readonly model: KeepalivedConfig;
  readonly interfaces: readonly AssignedInterface[];
}

export interface PreparedLvs {
  /** Director config per node that has virtual servers. */
  readonly directors: ReadonlyMap<NodeId, DirectorNodeConfig>;
  readonly cluster: LvsClusterSpec;
  readonly timeline: TimelineLvsMeta;
  readonly diagnostics: readonly Diagnostic[];
}

const CLIENTS = 'clients';

interface NodeLvsService {
  readonly name: string;
  readonly vip: string;
  readonly port: number;
  /** Clients speak TCP: only TCP services (not fwmark ones) take them. */
  readonly tcp: boolean;
  /** The interface name its VIP lives on, when a VRRP instance of the node has it. */
  readonly network?: string;
}

interface NodeLvs {
  readonly services: readonly NodeLvsService[];
  readonly servers: readonly LvsServerEntry[];
  readonly config: Omit<DirectorNodeConfig, 'servers'>;
  readonly diagnostics: readonly Diagnostic[];
}

/** One node's virtual servers, with the sync daemon and the networks the simulator needs. */
function nodeLvs(model: KeepalivedConfig, node: NodeId): NodeLvs {
  const mapped = lvsFromConfig(model, { name: node });
  const plan = mapped.value;
  const diagnostics = [...mapped.diagnostics];
  let sync: { interface: string; instance: string } | undefined;
  if (plan.sync !== undefined) {
    if (plan.sync.instance === undefined || !model.vrrpInstances.some((i) => i.name === plan.sync?.instance)) {
      const loc = model.globalDefs.lvsSyncDaemon?.loc;
      diagnostics.push({
        code: 'simulate-sync-daemon-instance',
        severity: 'warning',
        message: `lvs_sync_daemon needs the VRRP instance whose state picks the master or backup sync thread${plan.sync.instance ? ` (there is no instance ${plan.sync.instance})` : ''}: connections are not synced`,
        ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
      });
    } else sync = { interface: plan.sync.interface, instance: plan.sync.instance };
  }
  const director = sync === undefined ? plan.director : { ...plan.director, sync: { state: 'none' as const, syncid: plan.sync?.syncid ?? 0 } };
  return {
    services: plan.services.map((s) => ({ name: s.name, vip: s.vip, port: s.port, tcp: s.key.startsWith('tcp:'), ...vipNetwork(model, s.vip) })),
    servers: plan.servers,
    config: { director, checker: plan.checker, services: plan.services.map((s) => ({ name: s.name, key: s.key, vip: s.vip, port: s.port })), ...(sync === undefined ? {} : { sync }) },
    diagnostics,
  };
}

/** The interface of the VRRP instance that has the address as a VIP. */
function vipNetwork(model: KeepalivedConfig, vip: string): { network?: string } {
  for (const inst of model.vrrpInstances) {
    const a = inst.virtualIpaddresses.find((v) => v.address === vip);
    const network = a === undefined ? undefined : (a.dev?.value ?? inst.interface?.value);
    if (network !== undefined) return { network };
  }
  return {};
}

/** The LVS side of a scenario, or undefined when no node has virtual servers. */
export function prepareLvs(nodes: readonly LvsNodeInput[], declared: readonly ScenarioRealServer[]): PreparedLvs | undefined {
  const mapped = nodes.map((n) => ({ node: n, lvs: nodeLvs(n.model, n.id) }));
  const withLvs = mapped.filter((m) => m.lvs.services.length > 0);
  const diagnostics = mapped.flatMap((m) => m.lvs.diagnostics);
  if (withLvs.length === 0) return diagnostics.length === 0 ? undefined : { directors: new Map(), cluster: { realServers: [], clients: { id: CLIENTS, address: '0.0.0.0', network: '' }, services: [] }, timeline: { realServers: [], services: [], clients: CLIENTS }, diagnostics };
  const ids = nameRealServers(withLvs.map((m) => m.lvs), declared, nodes.map((n) => n.id));
  const directors = new Map<NodeId, DirectorNodeConfig>();
  for (const { node, lvs } of withLvs) {
    directors.set(node.id, { ...lvs.config, servers: lvs.servers.map((s) => ({ ...s, realServer: ids.get(s.address) as NodeId })) });
  }
  const services = serviceTable(withLvs);
  const realServers = [...ids].map(([address, id]) => placeServer(id, address, withLvs, services));
  const clients = placeClients(withLvs, services, realServers.map((r) => r.address));
  return {
    directors,
    cluster: { realServers: realServers.map(({ services: _, ...spec }) => spec), clients, services: services.filter((s) => s.tcp).map((s) => s.name) },
    timeline: {
      realServers: realServers.map((r) => ({ id: r.id, address: r.address, services: r.services })),
      services: services.map((s) => ({ name: s.name, vip: s.vip, port: s.port, directors: s.directors })),
      clients: CLIENTS,
    },
    diagnostics,
  };
}

/** Addresses → names: the scenario's `realserver` names, else rs1, rs2, … in order of first appearance. */
function nameRealServers(nodes: readonly NodeLvs[], declared: readonly ScenarioRealServer[], taken: readonly NodeId[]): Map<string, NodeId> {
  const ids = new Map<string, NodeId>();
  const used = new Set<string>([...taken, CLIENTS, ...declared.map((d) => d.id)]);
  let next = 1;
  for (const address of nodes.flatMap((n) => n.servers.map((s) => s.address))) {
    if (ids.has(address)) continue;
    const given = declared.find((d) => d.address === address)?.id;
    if (given !== undefined) {
      ids.set(address, given);
      continue;
    }
    while (used.has(`rs${next}`)) next++;
    ids.set(address, `rs${next}`);
    used.add(`rs${next++}`);
  }
  return ids;
}

interface ServiceRow {
  readonly name: string;
  readonly vip: string;
  readonly port: number;
  readonly tcp: boolean;
  readonly network: string;
  readonly directors: NodeId[];
}

function serviceTable(nodes: readonly { node: LvsNodeInput; lvs: NodeLvs }[]): ServiceRow[] {
  const rows: ServiceRow[] = [];
  for (const { node, lvs } of nodes) {
    for (const s of lvs.services) {
      const row = rows.find((r) => r.name === s.name);
      if (row !== undefined) row.directors.push(node.id);
      else rows.push({ name: s.name, vip: s.vip, port: s.port, tcp: s.tcp, network: s.network ?? node.interfaces[0]?.name ?? 'eth0', directors: [node.id] });
    }
  }
  return rows;
}

function placeServer(id: NodeId, address: string, nodes: readonly { node: LvsNodeInput; lvs: NodeLvs }[], services: readonly ServiceRow[]) {
  const uses = nodes.flatMap((n) => n.lvs.servers.filter((s) => s.address === address));
  const a = parseIpv4(address) ?? 0;
  const onLink = nodes.flatMap((n) => n.node.interfaces).find((i) => networkOf(parseIpv4(i.address) ?? 0, i.prefixLength) === networkOf(a, i.prefixLength));
  const firstService = services.find((s) => s.name === uses[0]?.service);
  const nat = uses.find((u) => u.method === 'nat');
  const natVip = nat === undefined ? undefined : services.find((s) => s.name === nat.service)?.vip;
  return {
    id,
    address,
    network: onLink?.name ?? firstService?.network ?? 'eth0',
    ports: [...new Set(uses.map((u) => u.port).filter((port) => port > 0))],
    ...(natVip === undefined ? {} : { gateway: natVip }),
    services: [...new Set(uses.map((u) => u.service))],
  };
}

/** The clients' router: the highest free host address of the first service's VIP subnet. */
function placeClients(nodes: readonly { node: LvsNodeInput; lvs: NodeLvs }[], services: readonly ServiceRow[], servers: readonly string[]) {
  const first = services.find((s) => s.tcp) ?? services[0];
  const network = first?.network ?? 'eth0';
  const iface = nodes.flatMap((n) => n.node.interfaces).find((i) => i.name === network);
  const prefix = Math.min(iface?.prefixLength ?? 24, 30);
  const base = networkOf(parseIpv4(first?.vip ?? iface?.address ?? '192.0.2.0') ?? 0, prefix);
  const vips = nodes.flatMap((n) => n.node.model.vrrpInstances.flatMap((i) => i.virtualIpaddresses.map((v) => v.address)));
  const used = new Set([...nodes.flatMap((n) => n.node.interfaces.map((i) => i.address)), ...vips, ...services.map((s) => s.vip), ...servers]);
  let address = base + 2 ** (32 - prefix) - 2;
  while (address > base && used.has(formatIpv4(address))) address--;
  return { id: CLIENTS, address: formatIpv4(address), network };
}
