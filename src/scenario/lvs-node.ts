/**
 * One node's `virtual_server` blocks as the simulator runs them: an IPVS table
 * (src/ipvs DirectorSpec), keepalived's checker process (CheckerConfig), and the
 * names that join the two and the timeline.
 *
 * Theory of operation: keepalived loads every virtual service into the kernel
 * at start and lets its checker process add the real servers (all at once
 * without `alpha`), so the table starts with services and no real servers; the
 * checker config carries keepalived's settings as written, and the engine fills
 * in keepalived's defaults and inheritance. What keepalived corrects, this
 * corrects too, with a note:
 * - no `protocol`: keepalived makes a UDP service ("kernel defaults to UDP");
 * - no `lb_kind` anywhere: NAT, keepalived's default (ipvsadm's is DR);
 * - DR and TUN real servers take the service's port whatever was written;
 * - `lvs_sync_daemon INTERFACE INSTANCE`: the sync id is the instance's VRID.
 * What the simulator does not run (fwmark and group services, IPv6, SCTP,
 * checkers other than TCP_CHECK, HTTP_GET and MISC_CHECK) is a warning and
 * is left out.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { NodeId } from '../core/ids.js';
import { parseIpv4 } from '../core/ipv4.js';
import type { Checker, KeepalivedConfig, Loc, RealServer, VirtualServer } from '../config/model.js';
import type { CheckerSpec, HttpUrlSpec, RealServerConfig, VirtualServerConfig } from '../ipvs/checkers/types.js';
import type { ForwardingMethod, VirtualServiceSpec } from '../ipvs/director-types.js';
import { isSchedulerName } from '../ipvs/schedulers/index.js';
import type { LvsServerMapping, SimLvsDirectorConfig } from '../sim/lvs-types.js';

export interface NodeLvsService {
  /** "VIP:PORT". */
  readonly name: string;
  readonly vip: string;
  readonly port: number;
  /** Clients speak TCP: only TCP services take them. */
  readonly tcp: boolean;
  /** The interface name the VIP lives on (its VRRP instance's), when a VRRP instance has it. */
  readonly network?: string;
}

export interface NodeLvs {
  readonly services: readonly NodeLvsService[];
  /** Every real server (and sorry server) of every service; `realServer` is named later, cluster-wide. */
  readonly servers: readonly Omit<LvsServerMapping, 'realServer'>[];
  readonly config: Omit<SimLvsDirectorConfig, 'servers'>;
  readonly diagnostics: readonly Diagnostic[];
}

type Notes = Diagnostic[];

function note(notes: Notes, severity: 'warning' | 'info', code: string, loc: Loc | undefined, message: string): void {
  notes.push({ code, severity, message, ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}) });
}

export function nodeLvs(model: KeepalivedConfig, node: NodeId): NodeLvs {
  const notes: Notes = [];
  const services: NodeLvsService[] = [];
  const servers: Omit<LvsServerMapping, 'realServer'>[] = [];
  const table: VirtualServiceSpec[] = [];
  const checked: VirtualServerConfig[] = [];
  for (const vs of model.virtualServers) {
    const mapped = virtualServer(model, vs, notes);
    if (mapped === undefined) continue;
    services.push(mapped.service);
    servers.push(...mapped.servers);
    table.push(mapped.table);
    checked.push(mapped.checker);
  }
  const sync = syncDaemon(model, notes);
  return {
    services,
    servers,
    config: {
      director: { name: node, services: table, ...(sync === undefined ? {} : { sync: { state: 'none', syncid: sync.syncid } }) },
      checker: { virtualServers: checked },
      services: services.map((s) => ({ name: s.name, key: keyOf(s), vip: s.vip, port: s.port })),
      ...(sync === undefined ? {} : { sync: { interface: sync.interface, instance: sync.instance } }),
    },
    diagnostics: notes,
  };
}

const keyOf = (s: NodeLvsService): string => `${s.tcp ? 'tcp' : 'udp'}:${s.vip}:${s.port}`;

function virtualServer(model: KeepalivedConfig, vs: VirtualServer, notes: Notes) {
  const t = vs.target;
  if (t.kind !== 'address' || t.family !== 'inet' || t.port === undefined) {
    const what = t.kind === 'fwmark' ? `fwmark ${t.fwmark}` : t.kind === 'group' ? `group ${t.group}` : t.family !== 'inet' ? 'an IPv6 virtual server' : 'a virtual server without a port';
    note(notes, 'warning', 'simulate-lvs-unsupported', vs.loc, `${what} is not simulated; it is left out`);
    return undefined;
  }
  const protocol = vs.protocol?.value;
  if (protocol === 'SCTP') return void note(notes, 'warning', 'simulate-lvs-unsupported', vs.protocol?.loc, 'SCTP virtual servers are not simulated; it is left out');
  if (protocol === undefined) note(notes, 'warning', 'simulate-lvs-udp-default', vs.loc, `virtual_server ${t.address} ${t.port} has no protocol: keepalived makes a UDP service, which the simulated (TCP) clients cannot use`);
  const tcp = protocol === 'TCP';
  const written = vs.lbAlgo?.value ?? 'wlc';
  const scheduler = isSchedulerName(written) ? written : 'wlc';
  if (scheduler !== written) note(notes, 'warning', 'simulate-lvs-scheduler', vs.lbAlgo?.loc, `unknown lb_algo '${written}': simulated with wlc, keepalived's default`);
  const service: NodeLvsService = { name: `${t.address}:${t.port}`, vip: t.address, port: t.port, tcp, ...networkOf(model, t.address) };
  const key = keyOf(service);
  const method = (vs.lbKind?.value ?? 'NAT').toLowerCase() as ForwardingMethod;
  const servers: Omit<LvsServerMapping, 'realServer'>[] = [];
  const realServers: RealServerConfig[] = [];
  for (const rs of vs.realServers) {
    const r = realServer(rs, service, key, method, tcp, notes);
    if (r === undefined) continue;
    servers.push(r.mapping);
    realServers.push(r.checker);
  }
  const sorry = vs.sorryServer?.value;
  if (sorry !== undefined && parseIpv4(sorry.address) !== undefined) {
    const port = method === 'nat' ? (sorry.port ?? t.port) : t.port;
    servers.push({ service: service.name, checkerService: key, checkerServer: `sorry:${sorry.address}:${port}`, directorService: key, dest: `sorry:${sorry.address}`, method, address: sorry.address, port, sorry: true });
  }
  const table: VirtualServiceSpec = {
    address: { kind: 'ip', proto: tcp ? 'tcp' : 'udp', vip: parseIpv4(t.address) ?? 0, port: t.port },
    scheduler,
    ...(vs.persistenceTimeoutS === undefined ? {} : { persistence: { timeoutS: vs.persistenceTimeoutS.value, ...granularity(vs) } }),
  };
  const checker: VirtualServerConfig = {
    key,
    label: `[${t.address}]:${tcp ? 'tcp' : 'udp'}:${t.port}`,
    port: t.port,
    ...opt('delayLoopUs', vs.delayLoopUs?.value),
    ...opt('alpha', vs.alpha?.value),
    ...opt('omega', vs.omega?.value),
    ...opt('haSuspend', vs.haSuspend?.value),
    ...opt('quorum', vs.quorum?.value),
    ...opt('hysteresis', vs.hysteresis?.value),
    ...opt('virtualhost', vs.virtualhost?.value),
    ...(sorry === undefined ? {} : { sorryServer: { key: `sorry:${sorry.address}:${method === 'nat' ? (sorry.port ?? t.port) : t.port}`, address: sorry.address, port: method === 'nat' ? (sorry.port ?? t.port) : t.port } }),
    realServers,
  };
  return { service, servers, table, checker };
}

function realServer(rs: RealServer, service: NodeLvsService, key: string, vsMethod: ForwardingMethod, tcp: boolean, notes: Notes) {
  if (rs.family !== 'inet') return void note(notes, 'warning', 'simulate-lvs-unsupported', rs.loc, `IPv6 real server ${rs.address} is not simulated; it is left out`);
  const method = (rs.lvsMethod?.value.toLowerCase() as ForwardingMethod | undefined) ?? vsMethod;
  let port = rs.port ?? service.port;
  if (method !== 'nat' && port !== service.port) {
    note(notes, 'warning', 'simulate-lvs-port-forced', rs.loc, `real server ${rs.address} port ${port}: ${method.toUpperCase()} cannot map ports, keepalived uses the service's port ${service.port}`);
    port = service.port;
  }
  const checkers = rs.checkers.flatMap((c) => checkerSpec(c, notes));
  const checker: RealServerConfig = {
    key: `${rs.address}:${port}`,
    label: `[${rs.address}]:${tcp ? 'tcp' : 'udp'}:${port}`,
    address: rs.address,
    port,
    ...opt('weight', rs.weight?.value),
    ...opt('inhibitOnFailure', rs.inhibitOnFailure?.value),
    ...opt('notifyUp', rs.notifyUp?.command),
    ...opt('notifyDown', rs.notifyDown?.command),
    checkers,
  };
  const mapping: Omit<LvsServerMapping, 'realServer'> = {
    service: service.name, checkerService: key, checkerServer: checker.key, directorService: key, dest: `${rs.address}:${port}`, method, address: rs.address, port,
    ...opt('uThreshold', rs.uthreshold?.value), ...opt('lThreshold', rs.lthreshold?.value),
  };
  return { mapping, checker };
}

function checkerSpec(c: Checker, notes: Notes): CheckerSpec[] {
  const common = {
    ...opt('connectIp', c.connectIp?.value),
    ...opt('connectPort', c.connectPort?.value),
    ...opt('connectTimeoutUs', c.connectTimeoutUs?.value),
    ...opt('retry', c.retry?.value),
    ...opt('delayBeforeRetryUs', c.delayBeforeRetryUs?.value),
    ...opt('warmupUs', c.warmupUs?.value),
    ...opt('delayLoopUs', c.delayLoopUs?.value),
    ...opt('alpha', c.alpha?.value),
  };
  switch (c.type) {
    case 'TCP_CHECK':
      return [{ type: 'tcp', ...common }];
    case 'HTTP_GET':
      return [{ type: 'http', ...common, urls: c.urls.map(httpUrl), ...opt('virtualhost', c.virtualhost?.value) }];
    case 'MISC_CHECK': {
      const { connectIp: _ip, connectPort: _port, connectTimeoutUs: _timeout, ...rest } = common;
      return [{ type: 'misc', ...rest, path: c.miscPath?.value ?? '', ...opt('timeoutUs', c.miscTimeoutS === undefined ? undefined : c.miscTimeoutS.value * 1_000_000), ...opt('dynamic', c.miscDynamic?.value) }];
    }
    default:
      note(notes, 'warning', 'simulate-checker-unsupported', c.loc, `${c.type} is not simulated: this real server is checked by its other checkers only`);
      return [];
  }
}

function httpUrl(u: Checker['urls'][number]): HttpUrlSpec {
  const codes = u.statusCode?.value
    .split(/[,\s]+/)
    .filter((x) => x !== '')
    .map((x): [number, number] => {
      const [a, b] = x.split('-').map(Number);
      return [a ?? 0, b ?? a ?? 0];
    });
  return { path: u.path?.value ?? '/', ...opt('digest', u.digest?.value?.toLowerCase()), ...(codes === undefined ? {} : { statusCodes: codes }), ...opt('virtualhost', u.virtualhost?.value) };
}

function granularity(vs: VirtualServer): { granularity?: number } {
  const g = vs.persistenceGranularity?.value;
  const mask = g === undefined ? undefined : parseIpv4(g);
  return mask === undefined ? {} : { granularity: mask };
}

/** The interface of the VRRP instance that has the address as a VIP. */
function networkOf(model: KeepalivedConfig, vip: string): { network?: string } {
  for (const inst of model.vrrpInstances) {
    const a = inst.virtualIpaddresses.find((v) => v.address === vip);
    if (a !== undefined) {
      const network = a.dev?.value ?? inst.interface?.value;
      return network === undefined ? {} : { network };
    }
  }
  return {};
}

function syncDaemon(model: KeepalivedConfig, notes: Notes): { interface: string; instance: string; syncid: number } | undefined {
  const d = model.globalDefs.lvsSyncDaemon;
  if (d === undefined) return undefined;
  const inst = model.vrrpInstances.find((i) => i.name === d.value.instance);
  if (d.value.instance === undefined || inst === undefined) {
    note(notes, 'warning', 'simulate-sync-daemon-instance', d.loc, `lvs_sync_daemon needs the VRRP instance whose state picks master or backup${d.value.instance ? ` (no instance ${d.value.instance})` : ''}: no connection sync`);
    return undefined;
  }
  return { interface: d.value.interface, instance: inst.name, syncid: inst.virtualRouterId?.value ?? 0 };
}

/** `{ [key]: value }` when the value is set, else nothing: optional fields stay absent. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
