/**
 * From keepalived's configuration model (src/config) to the two LVS engines of
 * one director: the IPVS table (src/ipvs, `DirectorSpec`) and keepalived's
 * health checkers (src/ipvs/checkers, `CheckerConfig`).
 *
 * Theory of operation: keepalived 2.2.7 corrects a virtual_server block before
 * it builds the table (check_data.c validate_check_config): no lb_algo means
 * wlc; no lb_kind means NAT; no protocol means UDP; a DR or TUN real server's
 * port is reset to the service's (there is no port mapping without NAT), and a
 * fwmark service's to 0; the sorry server's port defaults to the service's.
 * This module applies the same corrections and names everything once:
 *
 *   service key  the director's key, "tcp:192.0.2.80:2811" or "fwmark:1", also
 *                the checker engine's service key, so an `ipvs` output names
 *                the director service directly;
 *   server key   "192.0.2.31:2811" (address and the port IPVS uses), the
 *                director's dest name and the checker engine's server key;
 *   labels       keepalived's own "[192.0.2.31]:tcp:2811" / "FWM 1", for the
 *                checker engine's log lines.
 *
 * The director starts with empty services: keepalived adds the real servers
 * itself at start-up (and leaves alpha servers out), so the table is filled by
 * applying `checkerEngine.init`'s `ipvs` outputs, in order, which also gives
 * the kernel's list order (each add goes to the head).
 *
 * Settings the typed model leaves in raw statements (connect_timeout, retry,
 * delay_before_retry, warmup, inhibit_on_failure, weight, quorum_up/down,
 * sorry_server_inhibit at virtual-server level; alpha, retry, delays,
 * virtualhost at real-server level; url status codes) are read from them with
 * keepalived's number readers; invalid values were already reported by the
 * validator and are skipped here, as keepalived skips them.
 *
 * Rules:
 * - Nothing here reads files or the clock.
 * - What the model cannot run — virtual_server_group, IPv6, SCTP, checkers other
 *   than TCP_CHECK / HTTP_GET / SSL_GET / MISC_CHECK — is a diagnostic and is
 *   left out; leaving a checker out can only keep a server up longer, which the
 *   diagnostic says.
 */
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import { parseIpv4 } from '../../core/ipv4.js';
import { secondsToUs } from '../../core/time.js';
import type { Checker, KeepalivedConfig, Loc, RawStatement, RealServer, VirtualServer } from '../../config/model.js';
import { readBool, readDecimal, readUnsigned } from '../../config/numbers.js';
import type { CheckerConfig, CheckerSpec, HttpUrlSpec, RealServerConfig, VirtualServerConfig } from '../../ipvs/checkers/types.js';
import type { DirectorSpec, ForwardingMethod, IpProtocol, ServiceAddress, VirtualServiceSpec } from '../../ipvs/director-types.js';
import { serviceKeyOf } from '../../ipvs/director.js';
import { isSchedulerName } from '../../ipvs/schedulers/index.js';
import { IP_VS_SVC_F_SCHED_FALLBACK, IP_VS_SVC_F_SCHED_PORT, type SchedulerName } from '../../ipvs/types.js';

export interface LvsServiceEntry {
  /** "VIP:PORT" (or "fwmark N"): what scenario files and timelines call the service. */
  readonly name: string;
  /** The director's (and the checker engine's) service key. */
  readonly key: string;
  readonly vip: string;
  readonly port: number;
}

export interface LvsServerEntry {
  /** "VIP:PORT" of its service, as in `LvsServiceEntry.name`. */
  readonly service: string;
  readonly checkerService: string;
  readonly checkerServer: string;
  readonly directorService: string;
  readonly dest: string;
  readonly method: ForwardingMethod;
  readonly address: string;
  /** The port IPVS forwards to (for DR and TUN, the service's port). */
  readonly port: number;
  readonly uThreshold?: number;
  readonly lThreshold?: number;
  /** The service's sorry_server. */
  readonly sorry?: boolean;
}

/** One director's LVS side, ready for the engines. */
export interface LvsPlan {
  readonly director: DirectorSpec;
  readonly checker: CheckerConfig;
  readonly services: readonly LvsServiceEntry[];
  readonly servers: readonly LvsServerEntry[];
  /** `lvs_sync_daemon INTERFACE [INSTANCE]`; `syncid` defaults to the instance's VRID, as keepalived does. */
  readonly sync?: { readonly interface: string; readonly instance?: string; readonly syncid?: number };
}

export interface LvsMapped {
  readonly value: LvsPlan;
  readonly diagnostics: readonly Diagnostic[];
}

class Notes {
  readonly list: Diagnostic[] = [];
  add(severity: Severity, code: string, loc: Loc | undefined, message: string, hint?: string): void {
    this.list.push({ code, severity, message, ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}), ...(hint ? { hint } : {}) });
  }
}

const PROTOCOLS: Record<'TCP' | 'UDP', IpProtocol> = { TCP: 'tcp', UDP: 'udp' };
const METHODS: Record<'NAT' | 'DR' | 'TUN', ForwardingMethod> = { NAT: 'nat', DR: 'dr', TUN: 'tun' };
const TIMER_MAX_US = 4294967295 * 1_000_000;

/** Maps every virtual_server of one node's configuration. `name` names the director (default: router_id). */
export function lvsFromConfig(model: KeepalivedConfig, options: { readonly name?: string; readonly seed?: number } = {}): LvsMapped {
  const notes = new Notes();
  const services: VirtualServiceSpec[] = [];
  const checkerServices: VirtualServerConfig[] = [];
  const serviceEntries: LvsServiceEntry[] = [];
  const servers: LvsServerEntry[] = [];
  for (const vs of model.virtualServers) {
    const mapped = mapVirtualServer(vs, notes);
    if (mapped === undefined) continue;
    if (services.some((s) => serviceKeyOf(s.address) === mapped.entry.key)) {
      notes.add('error', 'lvs-duplicate-service', vs.loc, `virtual server ${mapped.entry.name} is defined twice: only the first is simulated`);
      continue;
    }
    services.push(mapped.service);
    checkerServices.push(mapped.checker);
    serviceEntries.push(mapped.entry);
    servers.push(...mapped.servers);
  }
  const name = options.name ?? model.globalDefs.routerId?.value;
  const director: DirectorSpec = { ...(name === undefined ? {} : { name }), services, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const checker: CheckerConfig = { virtualServers: checkerServices, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const sync = syncOf(model);
  return { value: { director, checker, services: serviceEntries, servers, ...(sync ? { sync } : {}) }, diagnostics: notes.list };
}

function syncOf(model: KeepalivedConfig): LvsPlan['sync'] {
  const s = model.globalDefs.lvsSyncDaemon?.value;
  if (s === undefined) return undefined;
  const vrid = model.vrrpInstances.find((i) => i.name === s.instance)?.virtualRouterId?.value;
  return { interface: s.interface, ...(s.instance === undefined ? {} : { instance: s.instance }), ...(vrid === undefined ? {} : { syncid: vrid }) };
}

// ------------------------------------------------------------------ virtual servers

interface ServiceIdentity {
  readonly address: ServiceAddress;
  readonly entry: LvsServiceEntry;
  readonly label: string;
  /** The service's port (0 for fwmark). */
  readonly port: number;
  readonly protocolLabel: string;
}

function identify(vs: VirtualServer, notes: Notes): ServiceIdentity | undefined {
  const t = vs.target;
  if (t.kind === 'group') {
    notes.add('warning', 'lvs-group-not-simulated', vs.loc, `virtual_server group ${t.group} is not simulated: its real servers are left out`);
    return undefined;
  }
  if (t.kind === 'fwmark') {
    const address: ServiceAddress = { kind: 'fwmark', fwmark: t.fwmark };
    return { address, label: `FWM ${t.fwmark}`, port: 0, protocolLabel: 'none', entry: { name: `fwmark ${t.fwmark}`, key: serviceKeyOf(address), vip: '', port: 0 } };
  }
  const vip = parseIpv4(t.address);
  if (t.family !== 'inet' || vip === undefined) {
    notes.add('warning', 'lvs-ipv6-not-simulated', vs.loc, `virtual server ${t.address} is IPv6: the IPVS model is IPv4 only, so it is left out`);
    return undefined;
  }
  const written = vs.protocol?.value;
  if (written === 'SCTP') {
    notes.add('warning', 'lvs-sctp-not-simulated', vs.protocol?.loc, `virtual server ${t.address}: SCTP is not simulated, so it is left out`);
    return undefined;
  }
  if (written === undefined) {
    notes.add('warning', 'lvs-protocol-default-udp', vs.loc, `virtual server ${t.address}: no protocol, so keepalived creates a UDP service`, 'add `protocol TCP` for a TCP service');
  }
  const proto = PROTOCOLS[written ?? 'UDP'];
  const port = t.port ?? 0;
  const address: ServiceAddress = { kind: 'ip', proto, vip, port };
  return { address, label: `[${t.address}]:${proto}:${port}`, port, protocolLabel: proto, entry: { name: `${t.address}:${port}`, key: serviceKeyOf(address), vip: t.address, port } };
}

interface MappedService {
  readonly service: VirtualServiceSpec;
  readonly checker: VirtualServerConfig;
  readonly entry: LvsServiceEntry;
  readonly servers: readonly LvsServerEntry[];
}

function mapVirtualServer(vs: VirtualServer, notes: Notes): MappedService | undefined {
  const id = identify(vs, notes);
  if (id === undefined) return undefined;
  const method = vsMethod(vs, id, notes);
  const realServers: RealServerConfig[] = [];
  const entries: LvsServerEntry[] = [];
  for (const rs of vs.realServers) {
    const mapped = mapRealServer(vs, rs, id, method, notes);
    if (mapped === undefined) continue;
    if (realServers.some((r) => r.key === mapped.checker.key)) {
      notes.add('warning', 'lvs-duplicate-real-server', rs.loc, `VS ${id.label}: real server ${mapped.checker.key} is duplicated: keepalived removes the second one`);
      continue;
    }
    realServers.push(mapped.checker);
    entries.push(mapped.entry);
  }
  const sorry = sorryOf(vs, id, method, notes);
  if (sorry !== undefined) entries.push(sorry.entry);
  return {
    service: serviceSpec(vs, id, notes),
    checker: { ...vsCheckerSettings(vs, id), realServers, ...(sorry ? { sorryServer: sorry.config } : {}) },
    entry: id.entry,
    servers: entries,
  };
}

function vsMethod(vs: VirtualServer, id: ServiceIdentity, notes: Notes): ForwardingMethod {
  const kind = vs.lbKind?.value;
  if (kind !== undefined) return METHODS[kind];
  if (vs.realServers.some((rs) => rs.lvsMethod === undefined)) {
    notes.add('warning', 'lvs-method-default-nat', vs.loc, `virtual server ${id.label}: no forwarding method set, so keepalived uses NAT`, 'add `lb_kind DR` (or NAT, TUN)');
  }
  return 'nat';
}

function serviceSpec(vs: VirtualServer, id: ServiceIdentity, notes: Notes): VirtualServiceSpec {
  const algo = vs.lbAlgo?.value;
  let scheduler: SchedulerName = 'wlc';
  if (algo !== undefined && isSchedulerName(algo)) scheduler = algo;
  let flags = 0;
  for (const s of vs.statements) {
    if (s.keyword === 'sh-fallback' || s.keyword === 'mh-fallback') flags |= IP_VS_SVC_F_SCHED_FALLBACK;
    if (s.keyword === 'sh-port' || s.keyword === 'mh-port') flags |= IP_VS_SVC_F_SCHED_PORT;
  }
  let timeoutS = vs.persistenceTimeoutS?.value;
  if (timeoutS === undefined && id.address.kind === 'ip' && id.port === 0) {
    notes.add('warning', 'lvs-zero-port-persistent', vs.loc, `virtual server ${id.label}: a zero port is only valid for persistent services, so keepalived sets persistence_timeout 360`);
    timeoutS = 360;
  }
  const granularity = vs.persistenceGranularity === undefined ? undefined : parseIpv4(vs.persistenceGranularity.value);
  return {
    address: id.address,
    scheduler,
    ...(flags === 0 ? {} : { flags }),
    ...(timeoutS === undefined ? {} : { persistence: { timeoutS, ...(granularity === undefined ? {} : { granularity }) } }),
    realServers: [],
  };
}

/** The virtual server's own settings, most from the typed model, the rest from its raw statements. */
function vsCheckerSettings(vs: VirtualServer, id: ServiceIdentity): Omit<VirtualServerConfig, 'realServers'> {
  const st = vs.statements;
  return compact({
    key: id.entry.key,
    label: id.label,
    port: id.port,
    weight: rawUnsigned(st, 'weight', 1, 2147483647),
    virtualhost: vs.virtualhost?.value,
    delayLoopUs: vs.delayLoopUs?.value,
    connectTimeoutUs: rawTimer(st, 'connect_timeout', 1),
    retry: rawUnsigned(st, 'retry', 0, 4294967295),
    delayBeforeRetryUs: rawTimer(st, 'delay_before_retry', 0),
    warmupUs: rawTimer(st, 'warmup', 0),
    inhibitOnFailure: rawFlag(st, 'inhibit_on_failure'),
    alpha: vs.alpha?.value,
    omega: vs.omega?.value,
    haSuspend: vs.haSuspend?.value,
    quorum: vs.quorum?.value,
    hysteresis: vs.hysteresis?.value,
    quorumUp: rawCommand(st, 'quorum_up'),
    quorumDown: rawCommand(st, 'quorum_down'),
  }) as Omit<VirtualServerConfig, 'realServers'>;
}

function sorryOf(vs: VirtualServer, id: ServiceIdentity, method: ForwardingMethod, notes: Notes): { config: NonNullable<VirtualServerConfig['sorryServer']>; entry: LvsServerEntry } | undefined {
  const s = vs.sorryServer?.value;
  if (s === undefined) return undefined;
  if (parseIpv4(s.address) === undefined) {
    notes.add('warning', 'lvs-ipv6-not-simulated', vs.sorryServer?.loc, `sorry server ${s.address} is not IPv4: left out`);
    return undefined;
  }
  const sorryMethod = methodWord(lastStatement(vs.statements, 'sorry_server_lvs_method')?.args[0]?.value) ?? method;
  const port = destPort(s.port ?? id.port, id, sorryMethod);
  const key = `${s.address}:${port}`;
  const inhibit = lastStatement(vs.statements, 'sorry_server_inhibit') !== undefined;
  return {
    config: { key, label: `[${s.address}]:${id.protocolLabel}:${port}`, address: s.address, port, inhibit },
    entry: { service: id.entry.name, checkerService: id.entry.key, checkerServer: key, directorService: id.entry.key, dest: key, method: sorryMethod, address: s.address, port, sorry: true },
  };
}

/** keepalived resets a DR/TUN real server's port to the service's (0 for fwmark); NAT keeps its own. */
function destPort(written: number, id: ServiceIdentity, method: ForwardingMethod): number {
  if (method === 'nat') return written === 0 && id.address.kind === 'ip' ? id.port : written;
  return id.port;
}

const methodWord = (w: string | undefined): ForwardingMethod | undefined => (w === 'NAT' || w === 'DR' || w === 'TUN' ? METHODS[w] : undefined);

// ------------------------------------------------------------------ real servers

function mapRealServer(
  vs: VirtualServer,
  rs: RealServer,
  id: ServiceIdentity,
  vsMethodDefault: ForwardingMethod,
  notes: Notes,
): { checker: RealServerConfig; entry: LvsServerEntry } | undefined {
  if (rs.family !== 'inet' || parseIpv4(rs.address) === undefined) {
    notes.add('warning', 'lvs-ipv6-not-simulated', rs.loc, `real server ${rs.address} is not IPv4: left out`);
    return undefined;
  }
  const method = rs.lvsMethod ? (methodWord(rs.lvsMethod.value) ?? vsMethodDefault) : vsMethodDefault;
  const written = rs.port ?? 0;
  const port = destPort(written, id, method);
  if (method !== 'nat' && written !== 0 && written !== port) {
    notes.add('warning', 'lvs-port-reset', rs.loc, `virtual server ${id.label} and real server ${rs.address}:${written} ports don't match: keepalived uses port ${port}`,
      `${method.toUpperCase()} cannot map ports; the real server must listen on ${port}`);
  }
  const key = `${rs.address}:${port}`;
  const checkerPort = portWrittenFor(vs, rs) ? written : 0;
  const checkers = rs.checkers.flatMap((c) => mapChecker(c, rs, checkerPort, id, notes));
  const st = rs.statements;
  const checker = compact({
    key,
    label: `[${rs.address}]:${id.protocolLabel}:${port}`,
    address: rs.address,
    port,
    weight: rs.weight?.value,
    virtualhost: lastStatement(st, 'virtualhost')?.args[0]?.value,
    inhibitOnFailure: rs.inhibitOnFailure?.value,
    notifyUp: rs.notifyUp?.command,
    notifyDown: rs.notifyDown?.command,
    alpha: rawFlag(st, 'alpha'),
    retry: rawUnsigned(st, 'retry', 0, 4294967295),
    delayBeforeRetryUs: rawTimer(st, 'delay_before_retry', 0),
    warmupUs: rawTimer(st, 'warmup', 0),
    connectTimeoutUs: rawTimer(st, 'connect_timeout', 1),
    delayLoopUs: rawTimer(st, 'delay_loop', 1),
    checkers,
  }) as unknown as RealServerConfig;
  const entry: LvsServerEntry = compact({
    service: id.entry.name,
    checkerService: id.entry.key,
    checkerServer: key,
    directorService: id.entry.key,
    dest: key,
    method,
    address: rs.address,
    port,
    uThreshold: rs.uthreshold?.value,
    lThreshold: rs.lthreshold?.value,
  }) as unknown as LvsServerEntry;
  return { checker, entry };
}

/**
 * keepalived copies the real server's address into each checker when it parses
 * the checker, before it fills in a missing real server port; so a real server
 * written without a port gives its checkers port 0 unless they set connect_port.
 */
function portWrittenFor(vs: VirtualServer, rs: RealServer): boolean {
  const header = vs.statements.find((s) => s.keyword === 'real_server' && s.loc.line === rs.loc.line && s.loc.column === rs.loc.column && s.loc.file === rs.loc.file);
  if (header === undefined) return rs.port !== undefined;
  const p = header.args[1]?.value;
  return p !== undefined && /[^0]/.test(p);
}

function mapChecker(c: Checker, rs: RealServer, rsPort: number, id: ServiceIdentity, notes: Notes): CheckerSpec[] {
  const common = compact({
    connectIp: c.connectIp?.value,
    // Always explicit: the checker's port is the written one, not the port IPVS uses.
    connectPort: c.connectPort?.value ?? rsPort,
    connectTimeoutUs: c.connectTimeoutUs?.value,
    retry: c.retry?.value,
    delayBeforeRetryUs: c.delayBeforeRetryUs?.value,
    warmupUs: c.warmupUs?.value,
    delayLoopUs: c.delayLoopUs?.value,
    alpha: c.alpha?.value,
  });
  const port = common.connectPort ?? rsPort;
  if (c.type === 'TCP_CHECK') {
    if (port === 0) zeroPort(c, rs, notes);
    return [{ type: 'tcp', ...common } as CheckerSpec];
  }
  if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') {
    if (c.type === 'SSL_GET') notes.add('info', 'lvs-ssl-as-http', c.loc, `SSL_GET on ${rs.address} is simulated as HTTP_GET (same timing and verdicts, no TLS)`);
    const urls = c.urls.flatMap((u) => (u.path === undefined ? [] : [urlOf(u)]));
    if (urls.length === 0) return []; // keepalived drops an HTTP_GET without urls (reported by the validator)
    if (port === 0) zeroPort(c, rs, notes);
    const fastRecovery = rawFlag(c.statements, 'fast_recovery');
    return [compact({ type: 'http', ...common, urls, virtualhost: c.virtualhost?.value, fastRecovery }) as unknown as CheckerSpec];
  }
  if (c.type === 'MISC_CHECK') {
    if (c.miscPath === undefined) return [];
    const timeoutS = c.miscTimeoutS?.value;
    const spec = compact({
      type: 'misc',
      path: c.miscPath.value,
      timeoutUs: timeoutS === undefined || timeoutS === 0 ? undefined : secondsToUs(timeoutS),
      dynamic: c.miscDynamic?.value,
      user: c.user?.value.user,
      retry: c.retry?.value,
      delayBeforeRetryUs: c.delayBeforeRetryUs?.value,
      warmupUs: c.warmupUs?.value,
      delayLoopUs: c.delayLoopUs?.value,
      alpha: c.alpha?.value,
    });
    return [spec as unknown as CheckerSpec];
  }
  notes.add('warning', 'lvs-checker-not-simulated', c.loc, `${c.type} on ${rs.address} (VS ${id.label}) is not simulated: the server's state ignores it, so it may stay up where keepalived would take it out`);
  return [];
}

function zeroPort(c: Checker, rs: RealServer, notes: Notes): void {
  notes.add('warning', 'lvs-checker-port-zero', c.loc, `${c.type} on ${rs.address} connects to port 0, which always fails`,
    'give the real_server a port, or set connect_port in the checker');
}

function urlOf(u: Checker['urls'][number]): HttpUrlSpec {
  const codes: [number, number][] = [];
  for (const a of lastStatement(u.statements, 'status_code')?.args ?? []) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(a.value);
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2] ?? m?.[1]);
    if (m && lo >= 100 && hi <= 599 && lo <= hi) codes.push([lo, hi]);
  }
  return compact({
    path: u.path?.value ?? '/',
    digest: u.digest?.value.toLowerCase(),
    statusCodes: codes.length > 0 ? codes : undefined,
    virtualhost: u.virtualhost?.value,
  }) as unknown as HttpUrlSpec;
}

// ------------------------------------------------------------------ raw statements

/** keepalived keeps the last of repeated keywords. */
function lastStatement(statements: readonly RawStatement[], keyword: string): RawStatement | undefined {
  let found: RawStatement | undefined;
  for (const s of statements) if (s.keyword === keyword && s.known) found = s;
  return found;
}

function rawTimer(statements: readonly RawStatement[], keyword: string, minUs: number): number | undefined {
  const text = lastStatement(statements, keyword)?.args[0]?.value;
  if (text === undefined) return undefined;
  const r = readDecimal(text, minUs, TIMER_MAX_US, 6);
  return r.ok ? r.value : undefined;
}

function rawUnsigned(statements: readonly RawStatement[], keyword: string, min: number, max: number): number | undefined {
  const text = lastStatement(statements, keyword)?.args[0]?.value;
  if (text === undefined) return undefined;
  const r = readUnsigned(text, min, max);
  return r.ok ? r.value : undefined;
}

/** A flag keyword with an optional true/false word; absent means unset. */
function rawFlag(statements: readonly RawStatement[], keyword: string): boolean | undefined {
  const s = lastStatement(statements, keyword);
  if (s === undefined) return undefined;
  const word = s.args[0]?.value;
  return word === undefined ? true : (readBool(word) ?? undefined);
}

/** A script keyword: the rest of the line is the command. */
function rawCommand(statements: readonly RawStatement[], keyword: string): string | undefined {
  const s = lastStatement(statements, keyword);
  if (s === undefined || s.args.length === 0) return undefined;
  return s.args.map((a) => a.value).join(' ');
}

/** Drops undefined fields, so optional properties stay absent (exactOptionalPropertyTypes). */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
