/**
 * Choosing a real server for a new connection (net/netfilter/ipvs/ip_vs_core.c
 * `ip_vs_schedule`, `ip_vs_sched_persist`; ip_vs_ctl.c `ip_vs_service_find`).
 *
 * Theory of operation — what the kernel does, and this module follows:
 * - Service lookup: a packet's fwmark finds a fwmark service first; then
 *   protocol + VIP + port; then a port-0 (catch-all) service on that VIP. (The
 *   FTP-data fallback to a port-21 service is not modelled.)
 * - Source port 20 (active FTP data) is never scheduled: the packet is accepted
 *   to the local stack.
 * - Non-persistent: a service not keyed by fwmark only schedules packets to its
 *   own port (port-0 services must be persistent); the scheduler's pick — or
 *   nothing, which becomes ICMP port unreachable (`ip_vs_leave`) — is bound to a
 *   new entry whose destination port is the dest's, or the packet's if 0.
 * - Persistent: a template keyed (protocol, client & netmask, 0, VIP, port) —
 *   port 0 for FTP (21) and port-0 services, (IPPROTO_IP, client, 0, fwmark, 0)
 *   for fwmark services — pins the client. If none is valid (`ip_vs_check_template`:
 *   its dest was deleted, or is weight 0 with `expire_quiescent_template`), the
 *   scheduler picks and a new template is bound to the pick (persistconns++),
 *   with the service's persistence timeout. The new entry is controlled by the
 *   template (n_control++) and the template's timer restarts at now + its
 *   timeout. A weight-0 or overloaded dest keeps receiving the clients it has
 *   templates for: only the scheduler looks at weight and OVERLOAD.
 *
 * Rules: returns data, never throws for a packet; allocates only the entries it
 * creates.
 */
import type { Ipv4 } from '../core/ipv4.js';
import { bindDest, Conn, ConnTable, destConnFlags, IP_VS_CONN_F_TEMPLATE, IPPROTO_IP } from './conn.js';
import type { Director, DirectorService } from './director-state.js';
import type { DirectorPacket, DropReason, PassReason } from './director-types.js';
import { rewriteFor } from './forwarding.js';
import { IP_VS_DEST_F_AVAILABLE, type Dest } from './types.js';

const FTPPORT = 21;
const FTPDATA = 20;

/** `ip_vs_service_find`. Linear over the director's few services; allocates nothing. */
export function findService(d: Director, protocol: number, vaddr: Ipv4, vport: number, fwmark: number): DirectorService | undefined {
  const services = d.services;
  if (fwmark !== 0) {
    for (const s of services) if (s.fwmark === fwmark) return s;
  }
  let catchAll: DirectorService | undefined;
  for (const s of services) {
    if (s.fwmark !== 0 || s.protocol !== protocol || s.vip !== vaddr) continue;
    if (s.port === vport) return s;
    if (s.port === 0) catchAll = s;
  }
  return catchAll;
}

/** The outcome of trying to schedule: a new entry, a drop, or a pass to the local stack. */
export type ScheduleOutcome =
  | { readonly kind: 'conn'; readonly conn: Conn }
  | { readonly kind: 'drop'; readonly reason: DropReason }
  | { readonly kind: 'local'; readonly reason: PassReason };

/** `ip_vs_check_template`: false (and the template invalidated) when its dest cannot take clients. */
export function checkTemplate(d: Director, ct: Conn): boolean {
  const dest = ct.dest;
  const quiescent = d.sysctl.expireQuiescentTemplate && dest !== undefined && dest.weight === 0;
  if (dest === undefined || (dest.flags & IP_VS_DEST_F_AVAILABLE) === 0 || quiescent) {
    d.table.invalidateTemplate(ct);
    return false;
  }
  return true;
}

/** Creates an entry and binds it to `dest` with that dest's forwarding method. */
export function newBoundConn(
  d: Director, s: DirectorService, protocol: number, caddr: Ipv4, cport: number, vaddr: Ipv4, vport: number,
  dest: Dest, dport: number, flags: number, fwmark: number,
): Conn {
  const method = s.methods.get(dest) ?? 'dr';
  const cp = d.table.create(protocol, caddr, cport, vaddr, vport, dest.addr, dport, flags, fwmark);
  bindDest(cp, dest, destConnFlags(method));
  cp.service = s;
  cp.rewrite = rewriteFor(method, dest.addr, dport, d.address);
  return cp;
}

function pick(d: Director, s: DirectorService, packet: DirectorPacket, now: number): Dest | undefined {
  d.schedCtx.now = now;
  return s.svc.scheduler.schedule(s.svc, packet, d.schedCtx);
}

/** `ip_vs_schedule`. */
export function scheduleNew(d: Director, s: DirectorService, protocol: number, packet: DirectorPacket, now: number): ScheduleOutcome {
  if (packet.sport === FTPDATA) return { kind: 'local', reason: { code: 'ftp-data-not-scheduled', service: s.key } };
  if (s.persistent) return schedulePersistent(d, s, protocol, packet, now);
  if (s.fwmark === 0 && packet.dport !== s.port) return { kind: 'drop', reason: { code: 'port-mismatch', service: s.key } };
  const dest = pick(d, s, packet, now);
  if (dest === undefined) return { kind: 'drop', reason: { code: 'no-dest-available', service: s.key } };
  const dport = dest.port !== 0 ? dest.port : packet.dport;
  const cp = newBoundConn(d, s, protocol, packet.saddr, packet.sport, packet.daddr, packet.dport, dest, dport, 0, packet.fwmark ?? 0);
  return { kind: 'conn', conn: cp };
}

/** `ip_vs_sched_persist`. */
function schedulePersistent(d: Director, s: DirectorService, protocol: number, packet: DirectorPacket, now: number): ScheduleOutcome {
  const snet = (packet.saddr & s.netmask) >>> 0;
  const toServicePort = packet.dport === s.port;
  const tplProtocol = !toServicePort && s.fwmark !== 0 ? IPPROTO_IP : protocol;
  const tplVaddr = !toServicePort && s.fwmark !== 0 ? s.fwmark : packet.daddr;
  const tplVport = toServicePort && s.port !== FTPPORT ? packet.dport : 0;
  const fwmark = packet.fwmark ?? 0;

  let ct = d.table.lookupTemplate(tplProtocol, snet, tplVaddr, tplVport);
  let dest: Dest | undefined;
  if (ct === undefined || !checkTemplate(d, ct)) {
    dest = pick(d, s, packet, now);
    if (dest === undefined) return { kind: 'drop', reason: { code: 'no-dest-available', service: s.key } };
    const tplDport = toServicePort && s.port !== FTPPORT ? dest.port : 0;
    ct = newBoundConn(d, s, tplProtocol, snet, 0, tplVaddr, tplVport, dest, tplDport, IP_VS_CONN_F_TEMPLATE, fwmark);
    ct.timeoutUs = s.persistenceTimeoutUs;
  } else {
    dest = ct.dest as Dest;
  }
  const dport = toServicePort && dest.port !== 0 ? dest.port : packet.dport;
  const cp = newBoundConn(d, s, protocol, packet.saddr, packet.sport, packet.daddr, packet.dport, dest, dport, 0, fwmark);
  ConnTable.controlAdd(cp, ct);
  d.table.put(ct, now);
  return { kind: 'conn', conn: cp };
}
