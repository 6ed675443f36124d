/**
 * Connection synchronisation between directors (`lvs_sync_daemon`,
 * net/netfilter/ipvs/ip_vs_sync.c, protocol version 1).
 *
 * Theory of operation — what the kernel does, and this module follows:
 * - Master side. After forwarding a client's packet, `ip_vs_in` counts it
 *   (`in_pkts`) and calls `ip_vs_sync_conn`, which asks `ip_vs_sync_conn_needed`:
 *   a TCP entry is synced only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT or
 *   TIME_WAIT; a change into one of those states other than ESTABLISHED is sent
 *   at once; otherwise (ESTABLISHED, UDP) only when the packet count modulo
 *   `sync_period` (50) equals `sync_threshold` (3) — the 3rd, 53rd, 103rd packet.
 *   SYN_RECV is never synced, so a connection that has not yet carried data does
 *   not survive a failover. Whether or not the entry itself is sent, its
 *   controlling template is considered next (its own packet counter bumped) —
 *   and templates pass the packet-count test, so a template is sent with every
 *   packet of every connection it controls (the kernel's comment: only
 *   `sync_refresh_period` thins that out).
 *   A template re-armed at expiry because it still controls entries is synced
 *   too. `sync_refresh_period` and `sync_retries` (both 0 by default) and version
 *   0 messages are not modelled.
 * - Entries are appended to the current buffer (8-byte header + 36 bytes per
 *   IPv4 entry, up to `sync_maxlen`, 1472 for a 1500 MTU). A full buffer is
 *   queued and the master thread is woken 20 ms later (`IPVS_SYNC_SEND_DELAY`),
 *   or at once when 8 are queued. A partly filled buffer is sent once it is 2 s
 *   old (`IPVS_SYNC_FLUSH_TIME`; the kernel's thread looks once a second, so a
 *   real one may leave up to 1 s later). Stopping the master drops what is
 *   unsent.
 * - Backup side (`ip_vs_process_message`, `ip_vs_proc_sync_conn`,
 *   `ip_vs_proc_conn`): messages with another syncid are ignored (unless the
 *   backup's syncid is 0). Each entry keeps only the flags a backup accepts,
 *   gains SYNC, and is created — bound to the dest that has its address and port
 *   in the matching service, or left unbound when there is none — without any
 *   scheduling decision; an existing entry gets its INACTIVE bit (moving the
 *   counters) and state. Its timeout is the one the master sent, armed from the
 *   moment of receipt. Synced entries are not linked to their templates.
 *
 * Rules: the director decides when to call in; this module allocates one record
 * per synced entry (the message is data on the wire), nothing per packet otherwise.
 */
import type { SyncConn, SyncMessage } from './director-types.js';
import {
  Conn,
  IP_VS_CONN_F_BACKUP_MASK,
  IP_VS_CONN_F_BACKUP_UPD_MASK,
  IP_VS_CONN_F_INACTIVE,
  IP_VS_CONN_F_ONE_PACKET,
  IP_VS_CONN_F_SYNC,
  IP_VS_CONN_F_TEMPLATE,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from './conn.js';
import {
  IP_VS_TCP_S_CLOSE,
  IP_VS_TCP_S_CLOSE_WAIT,
  IP_VS_TCP_S_ESTABLISHED,
  IP_VS_TCP_S_FIN_WAIT,
  IP_VS_TCP_S_LAST,
  IP_VS_TCP_S_TIME_WAIT,
} from './tcp-state.js';

export const SYNC_HEADER_BYTES = 8;
export const SYNC_CONN_V4_BYTES = 36;
/** 1500-byte MTU minus IP and UDP headers. */
export const DEFAULT_SYNC_MAXLEN_BYTES = 1500 - 20 - 8;
export const IPVS_SYNC_SEND_DELAY_US = 20_000;
export const IPVS_SYNC_FLUSH_TIME_US = 2_000_000;
export const IPVS_SYNC_WAKEUP_RATE = 8;
/** `ip_vs_proc_conn`: a synced template without a timeout lives 3 minutes. */
export const SYNC_DEFAULT_TEMPLATE_TIMEOUT_US = 180_000_000;

const SYNCED_TCP_STATES =
  (1 << IP_VS_TCP_S_ESTABLISHED) | (1 << IP_VS_TCP_S_FIN_WAIT) | (1 << IP_VS_TCP_S_CLOSE) | (1 << IP_VS_TCP_S_CLOSE_WAIT) | (1 << IP_VS_TCP_S_TIME_WAIT);

export interface SyncRules {
  readonly syncThreshold: number;
  readonly syncPeriod: number;
}

/** `ip_vs_sync_conn_needed` with `sync_refresh_period` = 0. Records the synced state. */
export function syncConnNeeded(cp: Conn, pkts: number, rules: SyncRules): boolean {
  const template = cp.isTemplate;
  if (!template && cp.protocol === IPPROTO_TCP) {
    if (((1 << cp.state) & SYNCED_TCP_STATES) === 0) return false;
    const changed = cp.state !== cp.oldState;
    if (changed && cp.state !== IP_VS_TCP_S_ESTABLISHED) {
      cp.oldState = cp.state;
      return true;
    }
  }
  if (rules.syncPeriod > 0) {
    if (!template && pkts % rules.syncPeriod !== rules.syncThreshold) return false;
  } else if (pkts !== rules.syncThreshold) {
    return false;
  }
  cp.oldState = cp.state;
  return true;
}

/** What the kernel puts on the wire for one entry (`ip_vs_sync_conn`, v4). */
export function encodeSyncConn(cp: Conn): SyncConn {
  return {
    protocol: cp.protocol,
    caddr: cp.caddr,
    cport: cp.cport,
    vaddr: cp.vaddr,
    vport: cp.vport,
    daddr: cp.daddr,
    dport: cp.dport,
    flags: cp.flags,
    state: cp.state,
    fwmark: cp.fwmark,
    timeoutS: Math.floor(cp.timeoutUs / 1_000_000),
  };
}

interface QueuedBuffer {
  readonly conns: SyncConn[];
}

/** The master's sync buffers: the one being filled and the full ones waiting for the thread. */
export class SyncSender {
  private current: SyncConn[] | undefined;
  private currentFirstUse = 0;
  private readonly queue: QueuedBuffer[] = [];
  private wakeAt: number | undefined;
  readonly perMessage: number;

  constructor(maxlenBytes: number) {
    this.perMessage = Math.max(1, Math.floor((maxlenBytes - SYNC_HEADER_BYTES) / SYNC_CONN_V4_BYTES));
  }

  add(conn: SyncConn, now: number): void {
    if (this.current !== undefined && this.current.length >= this.perMessage) this.queueCurrent(now);
    if (this.current === undefined) {
      this.current = [];
      this.currentFirstUse = now;
    }
    this.current.push(conn);
  }

  /** `sb_queue_tail`: the thread wakes after the send delay, or at once when enough are queued. */
  private queueCurrent(now: number): void {
    if (this.current === undefined) return;
    if (this.queue.length === 0) this.wakeAt = now + IPVS_SYNC_SEND_DELAY_US;
    this.queue.push({ conns: this.current });
    if (this.queue.length >= IPVS_SYNC_WAKEUP_RATE) this.wakeAt = now;
    this.current = undefined;
  }

  nextDeadline(): number | undefined {
    const flushAt = this.current === undefined ? undefined : this.currentFirstUse + IPVS_SYNC_FLUSH_TIME_US;
    if (this.wakeAt === undefined) return flushAt;
    return flushAt === undefined || this.wakeAt < flushAt ? this.wakeAt : flushAt;
  }

  /** The datagrams the master thread has sent by `now`, oldest first. */
  take(now: number, syncid: number): SyncMessage[] {
    const out: SyncMessage[] = [];
    if (this.wakeAt !== undefined && this.wakeAt <= now) {
      for (const b of this.queue) out.push(message(syncid, b.conns));
      this.queue.length = 0;
      this.wakeAt = undefined;
    }
    if (this.current !== undefined && now - this.currentFirstUse >= IPVS_SYNC_FLUSH_TIME_US) {
      out.push(message(syncid, this.current));
      this.current = undefined;
    }
    return out;
  }

  /** The master thread stopped: queued and current buffers are released unsent. */
  clear(): void {
    this.current = undefined;
    this.queue.length = 0;
    this.wakeAt = undefined;
  }

  get pending(): number {
    return (this.current?.length ?? 0) + this.queue.reduce((n, b) => n + b.conns.length, 0);
  }
}

function message(syncid: number, conns: readonly SyncConn[]): SyncMessage {
  return { version: 1, syncid, conns, sizeBytes: SYNC_HEADER_BYTES + SYNC_CONN_V4_BYTES * conns.length };
}

/**
 * `ip_vs_sync_conn`: sync an entry if the rules say so, then walk up its
 * controlling chain (its template), each with its own packet count.
 */
export function syncConn(cp: Conn, pkts: number, rules: SyncRules, sender: SyncSender, now: number): void {
  let c: Conn | undefined = cp;
  let n = pkts;
  while (c !== undefined) {
    if ((c.flags & IP_VS_CONN_F_ONE_PACKET) === 0 && syncConnNeeded(c, n, rules)) sender.add(encodeSyncConn(c), now);
    c = c.control;
    if (c === undefined) return;
    n = c.isTemplate ? ++c.inPkts : rules.syncThreshold;
  }
}

/** Why a backup skipped one synced entry (`ip_vs_proc_sync_conn` return codes). */
export type SyncConnRejection = 'unsupported-protocol' | 'invalid-state' | 'replaced';

/** The flags and validity checks of `ip_vs_proc_sync_conn`. */
export function acceptSyncConn(s: SyncConn): { flags: number } | SyncConnRejection {
  const flags = (s.flags & IP_VS_CONN_F_BACKUP_MASK) | IP_VS_CONN_F_SYNC;
  if ((flags & IP_VS_CONN_F_TEMPLATE) === 0) {
    if (s.protocol !== IPPROTO_TCP && s.protocol !== IPPROTO_UDP) return 'unsupported-protocol';
    const states = s.protocol === IPPROTO_TCP ? IP_VS_TCP_S_LAST : 1;
    if (!Number.isInteger(s.state) || s.state < 0 || s.state >= states) return 'invalid-state';
  }
  return { flags };
}

/**
 * `ip_vs_proc_conn` on an existing entry: take the master's INACTIVE bit (moving
 * the dest's counters when it differs) and keep the rest of the local flags.
 */
export function updateFromSync(cp: Conn, flags: number): void {
  const dest = cp.dest;
  if (((cp.flags ^ flags) & IP_VS_CONN_F_INACTIVE) !== 0 && (flags & IP_VS_CONN_F_TEMPLATE) === 0 && dest !== undefined) {
    if ((flags & IP_VS_CONN_F_INACTIVE) !== 0) {
      dest.activeconns--;
      dest.inactconns++;
    } else {
      dest.activeconns++;
      dest.inactconns--;
    }
  }
  cp.flags = (flags & IP_VS_CONN_F_BACKUP_UPD_MASK) | (cp.flags & ~IP_VS_CONN_F_BACKUP_UPD_MASK);
}
