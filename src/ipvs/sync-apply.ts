/**
 * The backup side of connection sync (ip_vs_sync.c `ip_vs_process_message`,
 * `ip_vs_proc_conn`; ip_vs_ctl.c `ip_vs_find_dest`; ip_vs_conn.c
 * `ip_vs_try_bind_dest`). See sync.ts for the whole story.
 *
 * - A message is taken only by a running backup thread, and only with the
 *   backup's syncid (a backup with syncid 0 takes any).
 * - A normal entry that already exists with another real server is replaced —
 *   unless the message reports it inactive, which is the stale expiry of an
 *   entry already replaced, and is ignored.
 * - The dest is looked up in the service the entry's VIP/port (or fwmark)
 *   selects, by the real server's address and port (port 0 for fwmark DR/TUN);
 *   deleted dests are not found. An entry without a dest is still created and
 *   forwards to the address the master used.
 * - The entry's state is the master's, its idle timer the master's timeout
 *   (or the state's default when 0, 3 minutes for a template), counted from now.
 */
import type { Ipv4 } from '../core/ipv4.js';
import { bindDest, Conn, destConnFlags, IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_INACTIVE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TEMPLATE, IPPROTO_TCP, methodOfFlags } from './conn.js';
import { findService } from './director-schedule.js';
import type { Director, DirectorService } from './director-state.js';
import type { SyncApplyResult, SyncConn, SyncMessage } from './director-types.js';
import { rewriteFor } from './forwarding.js';
import { acceptSyncConn, SYNC_DEFAULT_TEMPLATE_TIMEOUT_US, updateFromSync } from './sync.js';
import type { Dest } from './types.js';

/** `ip_vs_find_dest`: the service the entry belongs to, and the dest in it. */
function findSyncDest(d: Director, s: SyncConn, flags: number): { service: DirectorService | undefined; dest: Dest | undefined } {
  const service = findService(d, s.protocol, s.vaddr, s.vport, s.fwmark);
  if (service === undefined) return { service, dest: undefined };
  const port = s.fwmark !== 0 && (flags & IP_VS_CONN_F_FWD_MASK) !== IP_VS_CONN_F_MASQ ? 0 : s.dport;
  const byAddr = (p: number): Dest | undefined => service.svc.dests.find((x) => x.addr === s.daddr && x.port === p);
  return { service, dest: byAddr(port) ?? byAddr(port ^ s.dport) };
}

function bindSynced(d: Director, cp: Conn, service: DirectorService | undefined, dest: Dest | undefined): void {
  cp.service = service;
  if (dest !== undefined && service !== undefined) bindDest(cp, dest, destConnFlags(service.methods.get(dest) ?? 'dr'));
  cp.rewrite = rewriteFor(methodOfFlags(cp.flags), cp.daddr, cp.dport, d.address);
}

function lookupExisting(d: Director, s: SyncConn, flags: number, now: number): Conn | 'ignore' | undefined {
  const t = d.table;
  if ((flags & IP_VS_CONN_F_TEMPLATE) !== 0) return t.lookupTemplate(s.protocol, s.caddr, s.vaddr, s.vport);
  const cp = t.lookupIn(s.protocol, s.caddr, s.cport, s.vaddr, s.vport);
  if (cp !== undefined && (cp.dport !== s.dport || cp.daddr !== s.daddr)) {
    if ((flags & IP_VS_CONN_F_INACTIVE) !== 0) return 'ignore';
    t.expireNow(cp, now);
    return undefined;
  }
  return cp;
}

/** `ip_vs_proc_conn` for one accepted entry. */
function procConn(d: Director, s: SyncConn, flags: number, now: number): boolean {
  const existing = lookupExisting(d, s, flags, now);
  if (existing === 'ignore') return false;
  let cp: Conn;
  if (existing !== undefined) {
    cp = existing;
    updateFromSync(cp, flags);
    if (cp.dest === undefined) {
      const found = findSyncDest(d, s, cp.flags);
      if (found.dest !== undefined) bindSynced(d, cp, found.service, found.dest);
    }
  } else {
    const found = findSyncDest(d, s, flags);
    cp = d.table.create(s.protocol, s.caddr, s.cport, s.vaddr, s.vport, s.daddr as Ipv4, s.dport, flags, s.fwmark);
    bindSynced(d, cp, found.service, found.dest);
  }
  cp.inPkts = d.sysctl.syncThreshold;
  cp.state = s.state;
  cp.oldState = s.state;
  cp.timeoutUs = syncTimeoutUs(d, s, flags);
  d.table.put(cp, now);
  return true;
}

function syncTimeoutUs(d: Director, s: SyncConn, flags: number): number {
  if (s.timeoutS > 0) return s.timeoutS * 1_000_000;
  if ((flags & IP_VS_CONN_F_TEMPLATE) !== 0) return SYNC_DEFAULT_TEMPLATE_TIMEOUT_US;
  return s.protocol === IPPROTO_TCP ? (d.tcpTimeoutsUs[s.state] as number) : d.udpTimeoutUs;
}

export function applySync(d: Director, messages: readonly SyncMessage[], now: number): SyncApplyResult {
  const total = messages.reduce((n, m) => n + m.conns.length, 0);
  if (d.syncState !== 'backup') return { applied: 0, ignored: total, reason: 'not-backup' };
  let applied = 0;
  let mismatched = 0;
  for (const m of messages) {
    if (d.syncid !== 0 && m.syncid !== d.syncid) {
      mismatched += m.conns.length;
      continue;
    }
    for (const s of m.conns) {
      const accepted = acceptSyncConn(s);
      if (typeof accepted === 'string') continue;
      if (procConn(d, s, accepted.flags, now)) applied++;
    }
  }
  const result: SyncApplyResult = { applied, ignored: total - applied };
  return mismatched > 0 ? { ...result, reason: 'syncid-mismatch' } : result;
}
