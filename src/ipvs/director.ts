/**
 * A director: one machine's IPVS table — virtual services, their real servers,
 * the connection table and the sync daemon — driven by packets described as data.
 *
 * Theory of operation — the packet path of net/netfilter/ipvs/ip_vs_core.c:
 * - `directorPacketIn` is `ip_vs_in` for a client's packet to a VIP. It looks up
 *   the connection entry; a SYN that hits an entry in TIME_WAIT/CLOSE (or whose
 *   dest has weight 0 with `expire_nodest_conn`) expires it and is scheduled
 *   afresh (`conn_reuse_mode`); an entry whose real server was deleted drops the
 *   packet silently, or with `expire_nodest_conn` expires and falls through.
 *   Without an entry, TCP schedules only a SYN without RST (`tcp_conn_schedule`,
 *   `sloppy_tcp` 0): anything else goes to the director's own stack, which
 *   answers RST — so after a failover without sync every established
 *   connection is reset. Then the INPUT state transition, the forwarding rewrite,
 *   the packet count and the sync decision, and the idle timer restarts.
 * - `directorPacketOut` is `ip_vs_out` for a real server's reply passing through
 *   the director. A NAT reply (from RIP:port) gets its source rewritten to the
 *   VIP; a DR/TUN reply (from VIP:port) that happens to be routed through the
 *   director passes unchanged. Either way the OUTPUT transition runs, and a
 *   DR/TUN entry that sees a reply leaves the INPUT-ONLY table (NOOUTPUT cleared).
 * - `directorTick(now)` fires due timers in (deadline, creation) order: an entry
 *   that still controls others (a template) is re-armed for 60 s and synced;
 *   anything else is removed and unbound (its dest's counters drop, OVERLOAD is
 *   re-evaluated). `directorNextDeadline` is the earliest timer or sync send.
 * - Real servers change the way keepalived's checkers change them:
 *   `setRealServer` adds (at the head of the kernel list) or edits (weight,
 *   thresholds, method — weight 0 is inhibit_on_failure), `removeRealServer`
 *   deletes (its entries stay, pointing at the unavailable dest).
 *
 * Not modelled: IPv6 and SCTP; one-packet scheduling (`ops`); the FTP helper and
 * its port-21 service lookups; `cache_bypass`; LOCALNODE forwarding; ICMP errors
 * about connections; the DoS defences (`drop_entry`, `drop_packet`; `secure_tcp`
 * swaps the state table only); `backup_only`. Netfilter conntrack is taken as
 * off (the `conntrack` sysctl's default), so a SYN that reuses a port is never
 * dropped for an old conntrack entry.
 *
 * Rules: the director is mutated in place for speed, as src/ipvs/service.ts is —
 * the sans-I/O contract holds (no clock, no I/O, no randomness but the seeded
 * Rng; `now` comes in with every call), but there is no new state object per
 * step. The packet path allocates only new entries and the verdict. Bad packets
 * become verdicts; caller misuse (unknown service, DR port mapping) throws
 * `DirectorError` with a stable code.
 */
import { formatIpv4 } from '../core/ipv4.js';
import { Rng } from '../core/rng.js';
import { type Instant, minInstant } from '../core/time.js';
import { Conn, ConnTable, CONTROLLED_REARM_US, IP_VS_CONN_F_NOOUTPUT, IPPROTO_TCP, IPPROTO_UDP, methodOfFlags, setConnState } from './conn.js';
import { DirectorError, type Director, type DirectorService } from './director-state.js';
import { findService, scheduleNew } from './director-schedule.js';
import type {
  ConnEntry, DirectorPacket, DirectorSpec, DirectorStats, DestStats, InVerdict, IpvsSysctl, OutVerdict,
  RealServerSpec, ServiceAddress, ServiceKey, ServiceStats, SyncApplyResult, SyncMessage, SyncState, VirtualServiceSpec,
} from './director-types.js';
import { isSchedulerName } from './schedulers/index.js';
import { addDest, createService, delDest, editDest, findDest } from './service.js';
import { applySync } from './sync-apply.js';
import { DEFAULT_SYNC_MAXLEN_BYTES, SyncSender, syncConn } from './sync.js';
import {
  IP_VS_TCP_S_CLOSE, IP_VS_TCP_S_ESTABLISHED, IP_VS_TCP_S_FIN_WAIT, IP_VS_TCP_S_TIME_WAIT, nextTcpState, tcpStateIndex, TCP_TIMEOUTS_S, UDP_TIMEOUT_S,
} from './tcp-state.js';
import { IP_VS_DEST_F_AVAILABLE, IP_VS_DEST_F_OVERLOAD, type Dest } from './types.js';

export { DirectorError, type Director } from './director-state.js';

export const DEFAULT_SYSCTL: IpvsSysctl = {
  expireNodestConn: false,
  expireQuiescentTemplate: false,
  sloppyTcp: false,
  connReuseMode: 1,
  secureTcp: false,
  syncThreshold: 3,
  syncPeriod: 50,
  tcpTimeoutS: TCP_TIMEOUTS_S[IP_VS_TCP_S_ESTABLISHED] as number,
  tcpFinTimeoutS: TCP_TIMEOUTS_S[IP_VS_TCP_S_FIN_WAIT] as number,
  udpTimeoutS: UDP_TIMEOUT_S,
};

/** keepalived's `persistence_timeout` without a value, and ipvsadm's `-p` default. */
export const DEFAULT_PERSISTENCE_TIMEOUT_S = 360;

/** The key a service is addressed by in this API: "tcp:192.0.2.10:80" or "fwmark:7". */
export function serviceKeyOf(address: ServiceAddress): ServiceKey {
  return address.kind === 'fwmark' ? `fwmark:${address.fwmark}` : `${address.proto}:${formatIpv4(address.vip)}:${address.port}`;
}

const protocolNumber = (proto: 'tcp' | 'udp'): number => (proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP);

// ------------------------------------------------------------------ construction

export function createDirector(spec: DirectorSpec): Director {
  const sysctl: IpvsSysctl = { ...DEFAULT_SYSCTL, ...spec.sysctl };
  const tcpTimeoutsUs = TCP_TIMEOUTS_S.map((s) => s * 1_000_000);
  tcpTimeoutsUs[IP_VS_TCP_S_ESTABLISHED] = sysctl.tcpTimeoutS * 1_000_000;
  tcpTimeoutsUs[IP_VS_TCP_S_FIN_WAIT] = sysctl.tcpFinTimeoutS * 1_000_000;
  const d: Director = {
    name: spec.name ?? 'director',
    address: spec.address,
    sysctl,
    tcpTimeoutsUs,
    udpTimeoutUs: sysctl.udpTimeoutS * 1_000_000,
    services: [],
    table: new ConnTable(),
    schedCtx: { now: 0, rng: Rng.fromSeed(spec.seed ?? 0).fork('twos') },
    syncState: spec.sync?.state ?? 'none',
    syncid: spec.sync?.syncid ?? 0,
    sync: new SyncSender(spec.sync?.maxlenBytes ?? DEFAULT_SYNC_MAXLEN_BYTES),
  };
  for (const s of spec.services) addService(d, s);
  return d;
}

/** `ipvsadm -A`: a new virtual service, with its real servers added in order. */
export function addService(d: Director, spec: VirtualServiceSpec): ServiceKey {
  const key = serviceKeyOf(spec.address);
  if (!isSchedulerName(spec.scheduler)) throw new DirectorError('bad-spec', `${key}: unknown scheduler '${String(spec.scheduler)}'`);
  if (d.services.some((s) => s.key === key)) throw new DirectorError('duplicate-service', `${d.name}: virtual service ${key} already exists`);
  const a = spec.address;
  const persistence = spec.persistence;
  if (persistence !== undefined && !(Number.isInteger(persistence.timeoutS) && persistence.timeoutS > 0)) {
    throw new DirectorError('bad-spec', `${key}: persistence timeout must be a positive number of seconds`);
  }
  const s: DirectorService = {
    key,
    address: a,
    protocol: a.kind === 'ip' ? protocolNumber(a.proto) : 0,
    vip: a.kind === 'ip' ? a.vip : 0,
    port: a.kind === 'ip' ? a.port : 0,
    fwmark: a.kind === 'fwmark' ? a.fwmark : 0,
    svc: createService({ scheduler: spec.scheduler, flags: spec.flags, mhTableSize: spec.mhTableSize, hashVariant: spec.hashVariant }),
    persistent: persistence !== undefined,
    persistenceTimeoutUs: (persistence?.timeoutS ?? 0) * 1_000_000,
    netmask: persistence?.granularity ?? 0xffffffff,
    methods: new Map(),
  };
  d.services.push(s);
  for (const rs of spec.realServers ?? []) setRealServer(d, key, rs);
  return key;
}

function serviceOf(d: Director, key: ServiceKey): DirectorService {
  const s = d.services.find((x) => x.key === key);
  if (s === undefined) throw new DirectorError('no-such-service', `${d.name}: no virtual service ${key}`);
  return s;
}

/**
 * Adds a real server, or edits the one with this name (weight, thresholds,
 * method). What keepalived does when a checker succeeds, and — with
 * inhibit_on_failure — when it fails (weight 0).
 */
export function setRealServer(d: Director, serviceKey: ServiceKey, spec: RealServerSpec): void {
  const s = serviceOf(d, serviceKey);
  checkRealServer(serviceKey, spec);
  const port = portFor(s, spec);
  const existing = findDest(s.svc, spec.name);
  if (existing !== undefined) {
    if (existing.addr !== spec.addr || existing.port !== port) {
      throw new DirectorError('bad-spec', `${serviceKey}: real server ${spec.name} exists with another address or port`);
    }
    editDest(s.svc, spec.name, { weight: spec.weight, uThreshold: spec.uThreshold ?? 0, lThreshold: spec.lThreshold ?? 0 });
    s.methods.set(existing, spec.method);
    return;
  }
  const dest = addDest(s.svc, { name: spec.name, addr: spec.addr, port, weight: spec.weight, uThreshold: spec.uThreshold, lThreshold: spec.lThreshold });
  s.methods.set(dest, spec.method);
}

const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff;

function checkRealServer(key: ServiceKey, spec: RealServerSpec): void {
  if (spec.method !== 'dr' && spec.method !== 'nat' && spec.method !== 'tun') {
    throw new DirectorError('bad-spec', `${key}: real server ${spec.name}: forwarding method must be dr, nat or tun, got '${String(spec.method)}'`);
  }
  if (!isU32(spec.addr) || !isPort(spec.port)) throw new DirectorError('bad-spec', `${key}: real server ${spec.name}: address or port out of range`);
}

/** DR and TUN cannot map ports: the kernel forwards to the VIP's port (ipvsadm and keepalived force it). */
function portFor(s: DirectorService, spec: RealServerSpec): number {
  if (spec.method === 'nat') return spec.port;
  if (s.fwmark !== 0) return 0;
  if (spec.port !== s.port) {
    throw new DirectorError(
      'port-mapping-impossible',
      `${s.key}: real server ${spec.name} port ${spec.port} differs from the service port ${s.port}; ` +
        `${spec.method.toUpperCase()} does not rewrite the packet, so the real server receives it on port ${s.port}`,
    );
  }
  return spec.port;
}

/** `ipvsadm -d`: what keepalived does when a checker fails without inhibit_on_failure. */
export function removeRealServer(d: Director, serviceKey: ServiceKey, name: string): void {
  const s = serviceOf(d, serviceKey);
  if (findDest(s.svc, name) === undefined) throw new DirectorError('no-such-real-server', `${serviceKey}: no real server named ${name}`);
  delDest(s.svc, name);
}

// ------------------------------------------------------------------ packet path

const LOCAL_NO_SERVICE_TCP: InVerdict = { kind: 'local', reason: { code: 'no-service' }, answer: 'tcp-rst' };
const LOCAL_NO_SERVICE_UDP: InVerdict = { kind: 'local', reason: { code: 'no-service' }, answer: 'icmp-port-unreachable' };
const NOT_IPVS: OutVerdict = { kind: 'not-ipvs' };

/** `is_new_conn_expected`: may a SYN replace this entry? */
function isNewConnExpected(cp: Conn, connReuseMode: number): boolean {
  if (cp.control !== undefined || cp.protocol !== IPPROTO_TCP) return false;
  return (
    cp.state === IP_VS_TCP_S_TIME_WAIT ||
    cp.state === IP_VS_TCP_S_CLOSE ||
    ((connReuseMode & 2) !== 0 && cp.state === IP_VS_TCP_S_FIN_WAIT && (cp.flags & IP_VS_CONN_F_NOOUTPUT) !== 0)
  );
}

/** The part of `ip_vs_in` before scheduling: entry lookup, port reuse, deleted dest. */
function existingEntry(d: Director, protocol: number, p: DirectorPacket, now: number): Conn | InVerdict | undefined {
  let cp = d.table.lookupIn(protocol, p.saddr, p.sport, p.daddr, p.dport);
  if (cp === undefined) return undefined;
  if (protocol === IPPROTO_TCP && p.tcpFlags?.syn === true) {
    const resched =
      (d.sysctl.expireNodestConn && cp.dest !== undefined && cp.dest.weight === 0) ||
      (d.sysctl.connReuseMode !== 0 && isNewConnExpected(cp, d.sysctl.connReuseMode));
    if (resched) {
      if (cp.nControl === 0) d.table.expireNow(cp, now);
      return undefined;
    }
  }
  if (cp.dest !== undefined && (cp.dest.flags & IP_VS_DEST_F_AVAILABLE) === 0) {
    if (!d.sysctl.expireNodestConn) {
      const service = cp.service?.key ?? '';
      return { kind: 'drop', reason: { code: 'dest-unavailable', service, dest: cp.dest.name }, answer: 'none' };
    }
    d.table.expireNow(cp, now);
    cp = undefined;
  }
  return cp;
}

/** `tcp_conn_schedule` / `udp_conn_schedule`: create an entry for a packet that has none. */
function scheduleEntry(d: Director, protocol: number, p: DirectorPacket, now: number): Conn | InVerdict {
  const flags = p.tcpFlags;
  const isTcp = protocol === IPPROTO_TCP;
  const s = findService(d, protocol, p.daddr, p.dport, p.fwmark ?? 0);
  if (isTcp && (flags?.rst === true || !(d.sysctl.sloppyTcp || flags?.syn === true))) {
    // The kernel returns before looking for a service; the verdict names it when there is one.
    // The director's own stack gets the packet; nothing listens on the VIP, so it resets (but never answers a RST).
    const answer = flags?.rst === true ? 'none' : 'tcp-rst';
    return { kind: 'local', reason: s === undefined ? { code: 'no-service' } : { code: 'not-a-new-connection', service: s.key }, answer };
  }
  if (s === undefined) return isTcp ? LOCAL_NO_SERVICE_TCP : LOCAL_NO_SERVICE_UDP;
  const outcome = scheduleNew(d, s, protocol, p, now);
  switch (outcome.kind) {
    case 'conn':
      return outcome.conn;
    case 'local':
      return { kind: 'local', reason: outcome.reason, answer: isTcp ? 'tcp-rst' : 'icmp-port-unreachable' };
    case 'drop':
      // ip_vs_leave: "the TCP RST packet cannot be sent, instead ICMP_PORT_UNREACH is sent".
      return { kind: 'drop', reason: outcome.reason, answer: 'icmp-port-unreachable' };
  }
}

/** `ip_vs_set_state` for TCP and UDP, then the new idle timeout. */
function transition(d: Director, cp: Conn, p: DirectorPacket, output: boolean): void {
  if (cp.protocol !== IPPROTO_TCP) {
    cp.timeoutUs = d.udpTimeoutUs;
    return;
  }
  let direction: 'input' | 'output' | 'input-only' = output ? 'output' : 'input';
  if ((cp.flags & IP_VS_CONN_F_NOOUTPUT) !== 0) {
    if (output) cp.flags &= ~IP_VS_CONN_F_NOOUTPUT;
    else direction = 'input-only';
  }
  setConnState(cp, nextTcpState(cp.state, direction, tcpStateIndex(p.tcpFlags), d.sysctl.secureTcp));
  cp.timeoutUs = d.tcpTimeoutsUs[cp.state] as number;
}

/** A client's packet reaches the director (`ip_vs_in`). */
export function directorPacketIn(d: Director, packet: DirectorPacket, now: Instant): InVerdict {
  const protocol = protocolNumber(packet.proto);
  const found = existingEntry(d, protocol, packet, now);
  let cp: Conn;
  let created = false;
  if (found === undefined) {
    const scheduled = scheduleEntry(d, protocol, packet, now);
    if (!(scheduled instanceof Conn)) return scheduled;
    cp = scheduled;
    created = true;
  } else if (found instanceof Conn) {
    cp = found;
  } else {
    return found;
  }
  transition(d, cp, packet, false);
  const pkts = ++cp.inPkts;
  if (d.syncState === 'master') syncConn(cp, pkts, d.sysctl, d.sync, now);
  d.table.put(cp, now);
  return {
    kind: 'forward',
    service: cp.service?.key ?? '',
    dest: cp.dest?.name,
    method: methodOfFlags(cp.flags),
    rewrite: cp.rewrite as NonNullable<Conn['rewrite']>,
    state: cp.stateName,
    created,
  };
}

/** A real server's reply passes through the director (`ip_vs_out`): NAT's return path. */
export function directorPacketOut(d: Director, packet: DirectorPacket, now: Instant): OutVerdict {
  const protocol = protocolNumber(packet.proto);
  const cp = d.table.lookupOut(protocol, packet.saddr, packet.sport, packet.daddr, packet.dport);
  if (cp === undefined) return NOT_IPVS;
  const nat = methodOfFlags(cp.flags) === 'nat';
  transition(d, cp, packet, true);
  d.table.put(cp, now);
  return {
    kind: 'reply',
    service: cp.service?.key ?? '',
    dest: cp.dest?.name,
    rewrite: nat ? { saddr: cp.vaddr, sport: cp.vport } : undefined,
    state: cp.stateName,
  };
}

// ------------------------------------------------------------------ time

/** Fires every timer due at `now` (`ip_vs_conn_expire`). Returns how many entries were removed. */
export function directorTick(d: Director, now: Instant): number {
  let removed = 0;
  for (let cp = d.table.peek(); cp !== undefined && cp.expiresAt <= now; cp = d.table.peek()) {
    if (cp.nControl > 0) {
      // "do I control anybody?" — try again in 60 s, and tell the backup the template lives on.
      const firedAt = cp.expiresAt;
      cp.timeoutUs = CONTROLLED_REARM_US;
      if (d.syncState === 'master') syncConn(cp, d.sysctl.syncThreshold, d.sysctl, d.sync, firedAt);
      d.table.arm(cp, firedAt + CONTROLLED_REARM_US);
    } else {
      d.table.remove(cp);
      removed++;
    }
  }
  return removed;
}

/**
 * The earliest moment something is due: an entry's timer, or — on a sync master —
 * a sync datagram. At that moment call `directorTick`, then `directorSyncOut`.
 */
export function directorNextDeadline(d: Director): Instant | undefined {
  const conn = d.table.nextDeadline() as Instant | undefined;
  return d.syncState === 'master' ? minInstant(conn, d.sync.nextDeadline() as Instant | undefined) : conn;
}

// ------------------------------------------------------------------ sync

/**
 * Starts or stops the sync threads the way keepalived does on VRRP transitions
 * (`ipvs_syncd_master`: stop backup, start master; `ipvs_syncd_backup`: the
 * reverse). Stopping the master drops unsent buffers.
 */
export function setSyncState(d: Director, state: SyncState): void {
  if (d.syncState === 'master' && state !== 'master') d.sync.clear();
  d.syncState = state;
}

/** The sync datagrams the master has sent by `now` (empty unless this director is the sync master). */
export function directorSyncOut(d: Director, now: Instant): SyncMessage[] {
  if (d.syncState !== 'master') return [];
  return d.sync.take(now, d.syncid);
}

/** A backup receives sync datagrams (`ip_vs_process_message`). */
export function applySyncMessages(d: Director, messages: readonly SyncMessage[], now: Instant): SyncApplyResult {
  return applySync(d, messages, now);
}

// ------------------------------------------------------------------ observation

function destStats(s: DirectorService, dest: Dest): DestStats {
  const overloaded = (dest.flags & IP_VS_DEST_F_OVERLOAD) !== 0;
  return {
    name: dest.name,
    addr: dest.addr,
    port: dest.port,
    method: s.methods.get(dest) ?? 'dr',
    weight: dest.weight,
    active: dest.activeconns,
    inactive: dest.inactconns,
    persist: dest.persistconns,
    overloaded,
    available: (dest.flags & IP_VS_DEST_F_AVAILABLE) !== 0 && dest.weight > 0 && !overloaded,
  };
}

/** `ipvsadm -L -n --persistent-conn`: per-dest counters, dests in kernel list order. */
export function directorStats(d: Director): DirectorStats {
  const services: ServiceStats[] = d.services.map((s) => ({
    key: s.key,
    scheduler: s.svc.scheduler.name,
    persistent: s.persistent,
    dests: s.svc.dests.map((dest) => destStats(s, dest)),
  }));
  return { services, connections: d.table.connections, templates: d.table.templates };
}

/** `ipvsadm -L -c`: every entry and template, soonest expiry first. */
export function directorConnections(d: Director): ConnEntry[] {
  const conns = [...d.table.entries()].sort((a, b) => a.expiresAt - b.expiresAt || a.id - b.id);
  return conns.map((c) => ({
    proto: c.protocol === IPPROTO_TCP ? 'tcp' : c.protocol === IPPROTO_UDP ? 'udp' : 'ip',
    caddr: c.caddr, cport: c.cport, vaddr: c.vaddr, vport: c.vport, daddr: c.daddr, dport: c.dport,
    state: c.stateName, template: c.isTemplate, dest: c.dest?.name, service: c.service?.key,
    active: c.isActive, expiresAt: c.expiresAt, controlled: c.nControl,
  }));
}

