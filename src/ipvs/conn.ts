/**
 * The IPVS connection table (net/netfilter/ipvs/ip_vs_conn.c): one entry per
 * client connection the director forwards, plus persistence templates.
 *
 * Theory of operation — what the kernel does, and this module follows:
 * - Entries are hashed on the client side (protocol, caddr, cport): a client's
 *   packet (in) matches on the VIP side too (vaddr, vport), a real server's reply
 *   (out) on the real-server side (daddr, dport). Templates live in the same
 *   table with cport 0 and are only found by template lookups.
 * - `ip_vs_conn_new` creates an entry in state 0 with a 3 s timeout and binds it
 *   to its dest (`ip_vs_bind_dest`): the dest's connection flags (forwarding
 *   method, NOOUTPUT for DR/TUN, INACTIVE) are OR-ed in and the dest counts it —
 *   templates in `persistconns`, other entries in `inactconns` (or `activeconns`
 *   when a synced entry arrives active) — then OVERLOAD is set when
 *   active + inactive reaches `u_threshold`.
 * - Every packet "puts" the entry back, re-arming its timer at now + timeout:
 *   timeouts are idle timeouts. Here a timer is a deadline (`expiresAt`) kept in
 *   an intrusive binary heap ordered by (deadline, creation order), so equal
 *   deadlines fire in a fixed order.
 * - `ip_vs_unbind_dest` at expiry undoes the count and re-evaluates OVERLOAD
 *   against `l_threshold` (or 3/4 of `u_threshold`). What to do when a timer
 *   fires (the 60 s re-arm of a template that still controls entries) is the
 *   director's decision: see director.ts.
 * - A template is invalidated (`ip_vs_check_template`) by rewriting its ports to
 *   0xffff so it no longer matches; it lives on until its timer removes it.
 *
 * Rules: no allocation per packet — buckets are an array of intrusive chains and
 * keys are 32-bit hashes, never strings or boxed numbers; pushing a deadline
 * later (what almost every packet does) leaves the heap alone. Entries are
 * mutated in place. Counters never go negative: an invariant check says "this is a bug".
 */
import { assert } from '../core/assert.js';
import type { Ipv4 } from '../core/ipv4.js';
import type { ConnStateName, ForwardingMethod, Rewrite, ServiceKey } from './director-types.js';
import { tcpStateActive, tcpStateName } from './tcp-state.js';
import { IP_VS_DEST_F_OVERLOAD, type Dest } from './types.js';

// include/uapi/linux/ip_vs.h
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IP_VS_CONN_F_MASQ = 0x0000;
export const IP_VS_CONN_F_LOCALNODE = 0x0001;
export const IP_VS_CONN_F_TUNNEL = 0x0002;
export const IP_VS_CONN_F_DROUTE = 0x0003;
export const IP_VS_CONN_F_BYPASS = 0x0004;
export const IP_VS_CONN_F_SYNC = 0x0020;
export const IP_VS_CONN_F_HASHED = 0x0040;
export const IP_VS_CONN_F_NOOUTPUT = 0x0080;
export const IP_VS_CONN_F_INACTIVE = 0x0100;
export const IP_VS_CONN_F_SEQ_MASK = 0x0600;
export const IP_VS_CONN_F_NO_CPORT = 0x0800;
export const IP_VS_CONN_F_TEMPLATE = 0x1000;
export const IP_VS_CONN_F_ONE_PACKET = 0x2000;
/** Flags a backup accepts from a sync message. */
export const IP_VS_CONN_F_BACKUP_MASK =
  IP_VS_CONN_F_FWD_MASK | IP_VS_CONN_F_NOOUTPUT | IP_VS_CONN_F_INACTIVE | IP_VS_CONN_F_SEQ_MASK | IP_VS_CONN_F_NO_CPORT | IP_VS_CONN_F_TEMPLATE;
/** Flags a sync update may change on an existing entry. */
export const IP_VS_CONN_F_BACKUP_UPD_MASK = IP_VS_CONN_F_INACTIVE | IP_VS_CONN_F_SEQ_MASK;

export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** `ip_vs_conn_new`: the timeout before the first state transition. */
export const CONN_INITIAL_TIMEOUT_US = 3_000_000;
/** `ip_vs_conn_expire`: a template that still controls entries is re-armed for 60 s. */
export const CONTROLLED_REARM_US = 60_000_000;

/** The dest's `conn_flags` for a forwarding method (`__ip_vs_update_dest`). */
export function destConnFlags(method: ForwardingMethod): number {
  switch (method) {
    case 'nat':
      return IP_VS_CONN_F_MASQ | IP_VS_CONN_F_INACTIVE;
    case 'dr':
      return IP_VS_CONN_F_DROUTE | IP_VS_CONN_F_NOOUTPUT | IP_VS_CONN_F_INACTIVE;
    case 'tun':
      return IP_VS_CONN_F_TUNNEL | IP_VS_CONN_F_NOOUTPUT | IP_VS_CONN_F_INACTIVE;
  }
}

/** The forwarding method an entry's flags carry (LOCALNODE/BYPASS are not modelled and read as DR). */
export function methodOfFlags(flags: number): ForwardingMethod {
  const fwd = flags & IP_VS_CONN_F_FWD_MASK;
  return fwd === IP_VS_CONN_F_MASQ ? 'nat' : fwd === IP_VS_CONN_F_TUNNEL ? 'tun' : 'dr';
}

/** What an entry knows of its virtual service. */
export interface ConnService {
  readonly key: ServiceKey;
}

export class Conn {
  /** Creation order; breaks ties between equal deadlines. */
  readonly id: number;
  protocol: number;
  caddr: Ipv4;
  cport: number;
  vaddr: Ipv4;
  vport: number;
  daddr: Ipv4;
  dport: number;
  fwmark: number;
  flags: number;
  state: number;
  /** The state last synced (`cp->old_state`). */
  oldState = 0;
  timeoutUs = CONN_INITIAL_TIMEOUT_US;
  expiresAt = 0;
  /** The key the timer heap orders this entry by: never later than `expiresAt` (see `ConnTable.arm`). */
  heapAt = 0;
  dest: Dest | undefined = undefined;
  service: ConnService | undefined = undefined;
  /** The template (or controlling entry) this one hangs off. */
  control: Conn | undefined = undefined;
  nControl = 0;
  inPkts = 0;
  /** `cp->sync_endtime`, µs; the low 2 bits are the sync retry count, as in the kernel. */
  syncEndtime = 0;
  /** Precomputed per binding, so forwarding a packet allocates nothing. */
  rewrite: Rewrite | undefined = undefined;
  /** Position in the timer heap; -1 when not armed. */
  heapIndex = -1;
  /** Next entry in the same hash bucket. */
  next: Conn | undefined = undefined;

  constructor(id: number, protocol: number, caddr: Ipv4, cport: number, vaddr: Ipv4, vport: number, daddr: Ipv4, dport: number, flags: number, fwmark: number) {
    this.id = id;
    this.protocol = protocol;
    this.caddr = caddr;
    this.cport = cport;
    this.vaddr = vaddr;
    this.vport = vport;
    this.daddr = daddr;
    this.dport = dport;
    this.flags = flags;
    this.fwmark = fwmark;
    this.state = 0;
  }

  get isTemplate(): boolean {
    return (this.flags & IP_VS_CONN_F_TEMPLATE) !== 0;
  }

  get isActive(): boolean {
    return !this.isTemplate && (this.flags & IP_VS_CONN_F_INACTIVE) === 0;
  }

  get stateName(): ConnStateName {
    return this.protocol === IPPROTO_TCP ? tcpStateName(this.state) : this.protocol === IPPROTO_UDP ? 'UDP' : 'NONE';
  }
}

// ------------------------------------------------------------------ dest binding

const totalConns = (d: Dest): number => d.activeconns + d.inactconns;

/** `ip_vs_bind_dest`. */
export function bindDest(cp: Conn, dest: Dest, connFlags: number): void {
  let destFlags = connFlags;
  let flags = cp.flags;
  if (cp.protocol !== IPPROTO_UDP) destFlags &= ~IP_VS_CONN_F_ONE_PACKET;
  if ((flags & IP_VS_CONN_F_SYNC) !== 0) {
    // A synced entry keeps the activity the master reported, and takes the
    // forwarding method of this director's dest.
    if ((flags & IP_VS_CONN_F_TEMPLATE) === 0) destFlags &= ~IP_VS_CONN_F_INACTIVE;
    flags &= ~(IP_VS_CONN_F_FWD_MASK | IP_VS_CONN_F_NOOUTPUT);
  }
  flags |= destFlags;
  cp.flags = flags;
  cp.dest = dest;
  if ((flags & IP_VS_CONN_F_TEMPLATE) !== 0) dest.persistconns++;
  else if ((flags & IP_VS_CONN_F_INACTIVE) !== 0) dest.inactconns++;
  else dest.activeconns++;
  if (dest.uThreshold !== 0 && totalConns(dest) >= dest.uThreshold) dest.flags |= IP_VS_DEST_F_OVERLOAD;
}

/** `ip_vs_unbind_dest`. */
export function unbindDest(cp: Conn): void {
  const dest = cp.dest;
  if (dest === undefined) return;
  if ((cp.flags & IP_VS_CONN_F_TEMPLATE) !== 0) dest.persistconns--;
  else if ((cp.flags & IP_VS_CONN_F_INACTIVE) !== 0) dest.inactconns--;
  else dest.activeconns--;
  assert(dest.activeconns >= 0 && dest.inactconns >= 0 && dest.persistconns >= 0, `counters of ${dest.name} went negative`);
  const total = totalConns(dest);
  if (dest.lThreshold !== 0) {
    if (total < dest.lThreshold) dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  } else if (dest.uThreshold !== 0) {
    if (total * 4 < dest.uThreshold * 3) dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  } else {
    dest.flags &= ~IP_VS_DEST_F_OVERLOAD;
  }
  cp.dest = undefined;
}

/**
 * A TCP state change crossing the active/inactive line (`set_tcp_state`). The
 * counters move only when the entry has a dest; OVERLOAD is not re-evaluated.
 */
export function setConnState(cp: Conn, newState: number): void {
  if (newState === cp.state) return;
  const dest = cp.dest;
  if (dest !== undefined && cp.protocol === IPPROTO_TCP) {
    const inactive = (cp.flags & IP_VS_CONN_F_INACTIVE) !== 0;
    const active = tcpStateActive(newState);
    if (!inactive && !active) {
      dest.activeconns--;
      dest.inactconns++;
      cp.flags |= IP_VS_CONN_F_INACTIVE;
    } else if (inactive && active) {
      dest.inactconns--;
      dest.activeconns++;
      cp.flags &= ~IP_VS_CONN_F_INACTIVE;
    }
  }
  cp.state = newState;
}

// ------------------------------------------------------------------ the table

const INITIAL_BITS = 12; // the kernel's default conn_tab_bits

function clientHash(protocol: number, caddr: number, cport: number): number {
  let h = Math.imul(caddr ^ (protocol << 24), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h ^ cport, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

export class ConnTable {
  private bits = INITIAL_BITS;
  private buckets: (Conn | undefined)[] = new Array<Conn | undefined>(1 << INITIAL_BITS).fill(undefined);
  private readonly heap: Conn[] = [];
  private nextId = 1;
  /** Entries other than templates, and templates. */
  connections = 0;
  templates = 0;

  get size(): number {
    return this.connections + this.templates;
  }

  private bucketOf(protocol: number, caddr: number, cport: number): number {
    return clientHash(protocol, caddr, cport) >>> (32 - this.bits);
  }

  /** `ip_vs_conn_new` without binding: creates, hashes, and leaves the timer unarmed. */
  create(protocol: number, caddr: Ipv4, cport: number, vaddr: Ipv4, vport: number, daddr: Ipv4, dport: number, flags: number, fwmark: number): Conn {
    const cp = new Conn(this.nextId++, protocol, caddr, cport, vaddr, vport, daddr, dport, flags, fwmark);
    this.hash(cp);
    if (cp.isTemplate) this.templates++;
    else this.connections++;
    if (this.size > 2 << this.bits) this.grow();
    return cp;
  }

  private hash(cp: Conn): void {
    const b = this.bucketOf(cp.protocol, cp.caddr, cp.cport);
    cp.next = this.buckets[b];
    this.buckets[b] = cp;
  }

  private unhash(cp: Conn): void {
    const b = this.bucketOf(cp.protocol, cp.caddr, cp.cport);
    let prev: Conn | undefined;
    for (let c = this.buckets[b]; c !== undefined; prev = c, c = c.next) {
      if (c !== cp) continue;
      if (prev === undefined) this.buckets[b] = c.next;
      else prev.next = c.next;
      cp.next = undefined;
      return;
    }
    assert(false, `connection ${cp.id} was not in its bucket`);
  }

  private grow(): void {
    const old = this.buckets;
    this.bits++;
    this.buckets = new Array<Conn | undefined>(1 << this.bits).fill(undefined);
    for (let head of old) {
      while (head !== undefined) {
        const next = head.next;
        this.hash(head);
        head = next;
      }
    }
  }

  /** `__ip_vs_conn_in_get`: a client's packet to vaddr:vport. */
  lookupIn(protocol: number, caddr: Ipv4, cport: number, vaddr: Ipv4, vport: number): Conn | undefined {
    for (let c = this.buckets[this.bucketOf(protocol, caddr, cport)]; c !== undefined; c = c.next) {
      if (c.caddr === caddr && c.cport === cport && c.vport === vport && c.vaddr === vaddr && c.protocol === protocol && !c.isTemplate) return c;
    }
    return undefined;
  }

  /**
   * `ip_vs_conn_out_get`: a reply from saddr:sport to the client. A NAT reply
   * comes from the real server's address and port; a DR/TUN reply that happens
   * to pass the director comes from the VIP and virtual port.
   */
  lookupOut(protocol: number, saddr: Ipv4, sport: number, caddr: Ipv4, cport: number): Conn | undefined {
    for (let c = this.buckets[this.bucketOf(protocol, caddr, cport)]; c !== undefined; c = c.next) {
      if (c.caddr !== caddr || c.cport !== cport || c.protocol !== protocol || c.isTemplate) continue;
      const masq = (c.flags & IP_VS_CONN_F_FWD_MASK) === IP_VS_CONN_F_MASQ;
      if (masq ? c.daddr === saddr && c.dport === sport : c.vaddr === saddr && c.vport === sport) return c;
    }
    return undefined;
  }

  /** `ip_vs_ct_in_get`: a valid template for (protocol, client net, vaddr, vport). */
  lookupTemplate(protocol: number, snet: Ipv4, vaddr: Ipv4, vport: number): Conn | undefined {
    for (let c = this.buckets[this.bucketOf(protocol, snet, 0)]; c !== undefined; c = c.next) {
      if (c.caddr === snet && c.cport === 0 && c.vport === vport && c.vaddr === vaddr && c.protocol === protocol && c.isTemplate) return c;
    }
    return undefined;
  }

  /** `ip_vs_check_template` failing: re-hash with ports 0xffff so lookups miss it. */
  invalidateTemplate(ct: Conn): void {
    if (ct.vport === 0xffff) return;
    ct.dport = 0xffff;
    ct.vport = 0xffff;
    ct.cport = 0;
  }

  /** Removes an entry whose timer fired: unlinks it from its template, unbinds, unhashes. */
  remove(cp: Conn): void {
    this.heapRemove(cp);
    this.unhash(cp);
    const ct = cp.control;
    if (ct !== undefined) {
      ct.nControl--;
      assert(ct.nControl >= 0, 'n_control went negative');
      cp.control = undefined;
    }
    unbindDest(cp);
    if (cp.isTemplate) this.templates--;
    else this.connections--;
  }

  /** `ip_vs_control_add`. */
  static controlAdd(cp: Conn, ct: Conn): void {
    cp.control = ct;
    ct.nControl++;
  }

  /** Every entry, in bucket order (for listings and checks, not the packet path). */
  *entries(): IterableIterator<Conn> {
    for (const head of this.buckets) for (let c = head; c !== undefined; c = c.next) yield c;
  }

  // ---------------------------------------------------------------- timers

  /** `ip_vs_conn_put`: the idle timer restarts at now + timeout. */
  put(cp: Conn, now: number): void {
    this.arm(cp, now + cp.timeoutUs);
  }

  /** `ip_vs_conn_expire_now`: fire as soon as the director ticks (never later than already due). */
  expireNow(cp: Conn, now: number): void {
    if (cp.heapIndex < 0 || cp.expiresAt > now) this.arm(cp, now);
  }

  /**
   * Sets the entry's deadline. Moving it later — what nearly every packet does —
   * only records the new deadline: the heap keeps the old, earlier key until
   * that entry reaches the top (`settle`), so a packet costs O(1), not O(log n).
   */
  arm(cp: Conn, at: number): void {
    cp.expiresAt = at;
    if (cp.heapIndex < 0) {
      cp.heapAt = at;
      cp.heapIndex = this.heap.length;
      this.heap.push(cp);
      this.siftUp(cp.heapIndex);
    } else if (at < cp.heapAt) {
      cp.heapAt = at;
      this.siftUp(cp.heapIndex);
    }
  }

  /** Re-keys entries at the top whose deadline moved later, until the top is exact. */
  private settle(): void {
    const h = this.heap;
    for (let top = h[0]; top !== undefined && top.heapAt !== top.expiresAt; top = h[0]) {
      top.heapAt = top.expiresAt;
      this.siftDown(0);
    }
  }

  /** The entry whose timer fires first, if any. */
  peek(): Conn | undefined {
    this.settle();
    return this.heap[0];
  }

  nextDeadline(): number | undefined {
    this.settle();
    return this.heap[0]?.expiresAt;
  }

  private heapRemove(cp: Conn): void {
    const i = cp.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop() as Conn;
    cp.heapIndex = -1;
    if (last === cp) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  private static before(a: Conn, b: Conn): boolean {
    return a.heapAt < b.heapAt || (a.heapAt === b.heapAt && a.id < b.id);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const item = h[i] as Conn;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Conn;
      if (!ConnTable.before(item, p)) break;
      h[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i] as Conn;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && ConnTable.before(h[r] as Conn, h[l] as Conn) ? r : l;
      const c = h[child] as Conn;
      if (!ConnTable.before(c, item)) break;
      h[i] = c;
      c.heapIndex = i;
      i = child;
    }
    h[i] = item;
    item.heapIndex = i;
  }
}
