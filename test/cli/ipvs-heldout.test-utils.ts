/**
 * A second model of the kernel's IPVS schedulers, kept apart from src/ipvs so
 * the two can check each other: `vrrp-lab ipvs pick --json` must choose what
 * this one chooses, pick for pick.
 *
 * Theory of operation: a straight transcription of the kernel, not of our
 * model. The destination list is include/linux/list.h's circular doubly linked
 * list with a head sentinel; `ipvsadm -a` links a dest right after the head
 * (`list_add_rcu`), `-d` unlinks it leaving its `next` pointer as `list_del_rcu`
 * does (ip_vs_rr_del_dest relies on that) and parks it in the trash, where a
 * later add of the same address:port revives it, counters and all
 * (ip_vs_ctl.c `__ip_vs_update_dest`, `ip_vs_trash_get_dest`). Each scheduler
 * is its ip_vs_<name>.c loop with the kernel's variable names; the hashes are
 * written anew (hash_32 in BigInt, hsiphash as SipHash-1-3 on 32-bit halves),
 * not imported.
 *
 * The CLI's own rules (documented in `vrrp-lab ipvs --help`) are applied on
 * top: servers are added in the order given; ADDR defaults to 10.0.0.N for the
 * N-th --server, to 10.0.0.(100+K) for the K-th --change (0-based), or, for a
 * --change add naming a deleted server, to that server's address; initial
 * ACTIVE:INACTIVE counts stand for connections bound earlier (so a fresh server
 * starts overloaded when they reach U_THRESHOLD); each pick is bound (inactive,
 * overload check) and, unless --close, made active by its SYN; client N
 * (0-based) is 198.51.100.1 + N with source port 40000 + N, and the
 * destination address is the same sequence unless --dest (--client likewise).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// ------------------------------------------------------------------ the kernel list and dests

interface ListNode {
  next: ListNode;
  prev: ListNode;
  readonly dest: KDest | null; // null: the list head
}

interface KDest {
  readonly name: string;
  readonly addr: number;
  readonly port: number;
  weight: number;
  lastWeight: number;
  uThreshold: number;
  lThreshold: number;
  available: boolean;
  overload: boolean;
  activeconns: number;
  inactconns: number;
  readonly node: ListNode;
}

function listHead(): ListNode {
  const head = { dest: null } as ListNode;
  head.next = head;
  head.prev = head;
  return head;
}

/** `list_add_rcu(new, head)`: right after the head. */
function listAdd(node: ListNode, head: ListNode): void {
  node.next = head.next;
  node.prev = head;
  head.next.prev = node;
  head.next = node;
}

/** `list_del_rcu`: neighbours bypass the node; the node keeps its `next`. */
function listDel(node: ListNode): void {
  node.prev.next = node.next;
  node.next.prev = node.prev;
}

function* entries(head: ListNode): Generator<KDest> {
  for (let p = head.next; p !== head; p = p.next) yield p.dest as KDest;
}

function newDest(name: string, addr: number): KDest {
  const dest = {
    name, addr, port: 80, weight: 0, lastWeight: 0, uThreshold: 0, lThreshold: 0,
    available: false, overload: false, activeconns: 0, inactconns: 0,
  } as Omit<KDest, 'node'> as KDest;
  const node = { dest } as ListNode;
  node.next = node;
  node.prev = node;
  (dest as { node: ListNode }).node = node;
  return dest;
}

/** `ip_vs_dest_conn_overhead`. */
const conn_overhead = (d: KDest): number => d.activeconns * 256 + d.inactconns;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

// ------------------------------------------------------------------ hashes, written independently

/** include/linux/hash.h `hash_32`, in BigInt. */
export function hash_32(val: number, bits: number): number {
  return Number((((BigInt(val >>> 0) * 0x61c88647n) & 0xffffffffn) >> BigInt(32 - bits)));
}

/**
 * lib/siphash.c `hsiphash` of one u32 on a 64-bit kernel: SipHash-1-3 over the
 * 4 little-endian bytes, truncated to 32 bits. 64-bit words are (hi, lo) pairs.
 */
export function hsiphash_u32(v: number, key: readonly [number, number, number, number]): number {
  const [k0h, k0l, k1h, k1l] = key;
  const s = [0x736f6d65 ^ k0h, 0x70736575 ^ k0l, 0x646f7261 ^ k1h, 0x6e646f6d ^ k1l, 0x6c796765 ^ k0h, 0x6e657261 ^ k0l, 0x74656462 ^ k1h, 0x79746573 ^ k1l];
  const add = (a: number, b: number): void => {
    const lo = (s[a + 1]! >>> 0) + (s[b + 1]! >>> 0);
    s[a] = (s[a]! + s[b]! + (lo > 0xffffffff ? 1 : 0)) | 0;
    s[a + 1] = lo | 0;
  };
  const rotl = (a: number, n: number): void => {
    const [h, l] = [s[a]!, s[a + 1]!];
    if (n === 32) [s[a], s[a + 1]] = [l, h];
    else [s[a], s[a + 1]] = [(h << n) | (l >>> (32 - n)), (l << n) | (h >>> (32 - n))];
  };
  const xor = (a: number, b: number): void => {
    s[a] = s[a]! ^ s[b]!;
    s[a + 1] = s[a + 1]! ^ s[b + 1]!;
  };
  const sipround = (): void => {
    add(0, 2); rotl(2, 13); xor(2, 0); rotl(0, 32);
    add(4, 6); rotl(6, 16); xor(6, 4);
    add(0, 6); rotl(6, 21); xor(6, 0);
    add(4, 2); rotl(2, 17); xor(2, 4); rotl(4, 32);
  };
  const bh = 4 << 24; // len << 56, high half
  const bl = v >>> 0; // the 4 message bytes, low half
  s[6] = s[6]! ^ bh; s[7] = s[7]! ^ bl;
  sipround();
  s[0] = s[0]! ^ bh; s[1] = s[1]! ^ bl;
  s[5] = s[5]! ^ 0xff;
  sipround(); sipround(); sipround();
  return (s[1]! ^ s[3]! ^ s[5]! ^ s[7]!) >>> 0;
}

/** ip_vs_mh.c `generate_hash_secret`: fixed keys, so tables are reproducible. */
const MH_HASH1 = [0, 2654435761 | 0, 0, 2654435761 | 0] as const;
const MH_HASH2 = [0, 2654446892 | 0, 0, 2654446892 | 0] as const;
const MH_PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

// ------------------------------------------------------------------ the service

export type RefScheduler = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sed' | 'nq' | 'fo' | 'ovf' | 'sh' | 'dh' | 'mh' | 'lblc' | 'lblcr';

interface Conn { saddr: number; sport: number; daddr: number }

export interface RefOptions {
  readonly fallback?: boolean;
  readonly hashPort?: boolean;
  readonly mhTableSize?: number;
}

export class KernelService {
  private readonly head = listHead();
  private readonly trash = new Map<number, KDest>();
  private num_dests = 0;
  // rr: the last chosen list element (or the head)
  private rrP: ListNode = this.head;
  // wrr: ip_vs_wrr_mark
  private mark = { cl: this.head, cw: 0, mw: 0, di: 1 };
  private shBuckets: (KDest | null)[] = new Array<KDest | null>(256).fill(null);
  private dhBuckets: (KDest | null)[] = new Array<KDest | null>(256).fill(null);
  private readonly mhSize: number;
  private mhLookup: (KDest | null)[];
  private readonly lblc = new Map<number, { dest: KDest }>();
  private readonly lblcr = new Map<number, { set: KDest[] }>();

  constructor(readonly sched: RefScheduler, readonly opts: RefOptions = {}) {
    this.mhSize = opts.mhTableSize ?? 4093;
    this.mhLookup = new Array<KDest | null>(this.mhSize).fill(null);
    this.wrrInit();
  }

  names(): string[] {
    return [...entries(this.head)].map((d) => d.name);
  }

  private find(name: string): KDest {
    for (const d of entries(this.head)) if (d.name === name) return d;
    throw new Error(`reference: no live server ${name} (the generated case is wrong)`);
  }

  /** ipvsadm -a; initial counts stand for earlier connections (fresh dests only). */
  add(spec: { name: string; addr: number; weight: number; u: number; l: number; active: number; inactive: number }): void {
    const revived = this.trash.get(spec.addr);
    this.trash.delete(spec.addr);
    const dest = revived ?? newDest(spec.name, spec.addr);
    this.update(dest, spec.weight, spec.u, spec.l, true);
    const fresh = revived === undefined;
    if (fresh) {
      for (let i = 0; i < spec.inactive + spec.active; i++) this.bind(dest);
      for (let i = 0; i < spec.active; i++) this.activate(dest);
    }
  }

  /** ipvsadm -e. */
  edit(name: string, weight: number, u: number, l: number): void {
    this.update(this.find(name), weight, u, l, false);
  }

  /** ipvsadm -d: `__ip_vs_unlink_dest` then the trash. */
  del(name: string): void {
    const dest = this.find(name);
    dest.available = false;
    listDel(dest.node);
    this.num_dests--;
    this.delDestHook(dest);
    this.trash.set(dest.addr, dest);
  }

  /** `__ip_vs_update_dest` (the parts a scheduler can see). */
  private update(dest: KDest, weight: number, u: number, l: number, add: boolean): void {
    if (add || weight !== 0) dest.lastWeight = weight;
    dest.weight = weight;
    dest.available = true;
    if (u === 0 || u > dest.uThreshold) dest.overload = false;
    dest.uThreshold = u;
    dest.lThreshold = l;
    if (add) {
      listAdd(dest.node, this.head);
      this.num_dests++;
      this.addDestHook();
    } else this.updDestHook();
  }

  /** `ip_vs_bind_dest` of a new, inactive connection. */
  bind(dest: KDest): void {
    dest.inactconns++;
    if (dest.uThreshold !== 0 && dest.activeconns + dest.inactconns >= dest.uThreshold) dest.overload = true;
  }

  /** The SYN: NONE → SYN_RECV, an active state (`set_tcp_state`). */
  activate(dest: KDest): void {
    dest.inactconns--;
    dest.activeconns++;
  }

  private addDestHook(): void {
    if (this.sched === 'wrr') this.wrrDestChanged();
    if (this.sched === 'sh') this.shReassign();
    if (this.sched === 'dh') this.dhReassign();
    if (this.sched === 'mh') this.mhReassign();
  }

  private updDestHook(): void {
    if (this.sched === 'wrr') this.wrrDestChanged();
    if (this.sched === 'sh') this.shReassign();
    if (this.sched === 'mh') this.mhReassign();
  }

  private delDestHook(dest: KDest): void {
    if (this.sched === 'rr' && this.rrP === dest.node) this.rrP = dest.node.next.prev;
    this.addDestHook();
  }

  schedule(c: Conn): KDest | null {
    switch (this.sched) {
      case 'rr': return this.rrSchedule();
      case 'wrr': return this.wrrSchedule();
      case 'lc': return this.lcSchedule();
      case 'wlc': return wlcLike(this.head, conn_overhead);
      case 'sed': return wlcLike(this.head, (d) => d.activeconns + 1);
      case 'nq': return this.nqSchedule();
      case 'fo': return this.foSchedule();
      case 'ovf': return this.ovfSchedule();
      case 'sh': return this.shSchedule(c);
      case 'dh': return this.dhSchedule(c);
      case 'mh': return this.mhSchedule(c);
      case 'lblc': return this.lblcSchedule(c);
      case 'lblcr': return this.lblcrSchedule(c);
    }
  }

  // ---------------------------------------------------------------- ip_vs_rr.c

  private rrSchedule(): KDest | null {
    const p = this.rrP;
    let pos = p;
    let pass = 0;
    do {
      for (pos = pos.next; pos !== this.head; pos = pos.next) {
        const dest = pos.dest as KDest;
        if (!dest.overload && dest.weight > 0) {
          this.rrP = pos;
          return dest;
        }
        if (pos === p) return null;
      }
      pass++;
    } while (pass < 2 && p !== this.head);
    return null;
  }

  // ---------------------------------------------------------------- ip_vs_wrr.c

  private wrrGcd(): number {
    let g = 0;
    for (const d of entries(this.head)) if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
    return g || 1;
  }

  private wrrMax(): number {
    let w = 0;
    for (const d of entries(this.head)) if (d.weight > w) w = d.weight;
    return w;
  }

  private wrrInit(): void {
    this.mark.cl = this.head;
    this.mark.di = this.wrrGcd();
    this.mark.mw = this.wrrMax() - (this.mark.di - 1);
    this.mark.cw = this.mark.mw;
  }

  private wrrDestChanged(): void {
    const mark = this.mark;
    mark.cl = this.head;
    mark.di = this.wrrGcd();
    mark.mw = this.wrrMax() - (mark.di - 1);
    if (mark.cw > mark.mw || !mark.cw) mark.cw = mark.mw;
    else if (mark.di > 1) mark.cw = Math.trunc(mark.cw / mark.di) * mark.di + 1;
  }

  private wrrSchedule(): KDest | null {
    const mark = this.mark;
    let pos = mark.cl;
    let stop: ListNode | null = null;
    let last_pass = false;
    let restarted = false;
    if (mark.mw === 0) return null;
    const last = pos;
    while (true) {
      for (pos = pos.next; pos !== this.head; pos = pos.next) {
        const dest = pos.dest as KDest;
        if (!dest.overload && dest.weight >= mark.cw) {
          mark.cl = pos;
          return dest;
        }
        if (pos === stop) {
          mark.cl = pos;
          return null;
        }
      }
      mark.cw -= mark.di;
      if (mark.cw <= 0) {
        mark.cw = mark.mw;
        if (last_pass || last === this.head) {
          mark.cl = pos; // the head
          return null;
        }
        restarted = true;
      }
      last_pass = mark.cw <= mark.di;
      if (last_pass && restarted && last !== this.head) stop = last;
    }
  }

  // ---------------------------------------------------------------- ip_vs_lc.c, _nq.c, _fo.c, _ovf.c

  private lcSchedule(): KDest | null {
    let least: KDest | null = null;
    let loh = 0;
    for (const dest of entries(this.head)) {
      if (dest.overload || dest.weight === 0) continue;
      const doh = conn_overhead(dest);
      if (!least || doh < loh) {
        least = dest;
        loh = doh;
      }
    }
    return least;
  }

  private nqSchedule(): KDest | null {
    let least: KDest | null = null;
    let loh = 0;
    for (const dest of entries(this.head)) {
      if (dest.overload || !dest.weight) continue;
      const doh = dest.activeconns + 1;
      if (dest.activeconns === 0) return dest;
      if (!least || loh * dest.weight > doh * least.weight) {
        least = dest;
        loh = doh;
      }
    }
    return least;
  }

  private foSchedule(): KDest | null {
    let hweight: KDest | null = null;
    let hw = 0;
    for (const dest of entries(this.head)) {
      if (!dest.overload && dest.weight > hw) {
        hweight = dest;
        hw = dest.weight;
      }
    }
    return hweight;
  }

  private ovfSchedule(): KDest | null {
    let h: KDest | null = null;
    let hw = 0;
    for (const dest of entries(this.head)) {
      const w = dest.weight;
      if (dest.overload || dest.activeconns > w || w === 0) continue;
      if (!h || w > hw) {
        h = dest;
        hw = w;
      }
    }
    return h;
  }

  // ---------------------------------------------------------------- ip_vs_sh.c

  private shReassign(): void {
    let p = this.head;
    const empty = this.head.next === this.head;
    let d_count = 0;
    for (let i = 0; i < 256; i++) {
      if (empty) {
        this.shBuckets[i] = null;
        continue;
      }
      if (p === this.head) p = p.next;
      const dest = p.dest as KDest;
      this.shBuckets[i] = dest;
      if (++d_count >= dest.weight) {
        p = p.next;
        d_count = 0;
      }
    }
  }

  private shHashkey(addr: number, port: number, offset: number): number {
    return (offset + hash_32((port + addr) >>> 0, 8)) & 255;
  }

  private shSchedule(c: Conn): KDest | null {
    const port = this.opts.hashPort ? c.sport : 0;
    const unavailable = (d: KDest): boolean => d.weight <= 0 || d.overload;
    const ihash = this.shHashkey(c.saddr, port, 0);
    let dest = this.shBuckets[ihash] ?? null;
    if (!this.opts.fallback) return !dest || unavailable(dest) ? null : dest;
    if (!dest) return null;
    if (!unavailable(dest)) return dest;
    for (let offset = 0; offset < 256; offset++) {
      const roffset = (offset + ihash) % 256;
      dest = this.shBuckets[this.shHashkey(c.saddr, port, roffset)] ?? null;
      if (!dest) break;
      if (!unavailable(dest)) return dest;
    }
    return null;
  }

  // ---------------------------------------------------------------- ip_vs_dh.c

  private dhReassign(): void {
    let p = this.head;
    const empty = this.head.next === this.head;
    for (let i = 0; i < 256; i++) {
      if (empty) {
        this.dhBuckets[i] = null;
        continue;
      }
      if (p === this.head) p = p.next;
      this.dhBuckets[i] = p.dest;
      p = p.next;
    }
  }

  private dhSchedule(c: Conn): KDest | null {
    const dest = this.dhBuckets[hash_32(c.daddr, 8)] ?? null;
    if (!dest || !dest.available || dest.weight <= 0 || dest.overload) return null;
    return dest;
  }

  // ---------------------------------------------------------------- ip_vs_mh.c

  private mhHashkey(addr: number, port: number, key: typeof MH_HASH1, offset: number): number {
    return hsiphash_u32((offset + port + addr) >>> 0, key);
  }

  private mhReassign(): void {
    const M = this.mhSize;
    const TAB_BITS = (MH_PRIMES.indexOf(M) + 8) >> 1; // CONFIG_IP_VS_MH_TAB_INDEX / 2
    let g = 0;
    let maxw = 0;
    for (const d of entries(this.head)) {
      if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight;
      if (d.lastWeight > maxw) maxw = d.lastWeight;
    }
    if (g < 1) {
      this.mhLookup = new Array<KDest | null>(M).fill(null);
      return;
    }
    const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));
    const rshift = Math.max(0, fls(Math.trunc(maxw / g)) - TAB_BITS);
    const ds = [...entries(this.head)].map((dest) => {
      const offset = this.mhHashkey(dest.addr, dest.port, MH_HASH1, 0) % M;
      const skip = (this.mhHashkey(dest.addr, dest.port, MH_HASH2, 0) % (M - 1)) + 1;
      const lw = dest.lastWeight;
      return { dest, perm: offset, skip, turns: (Math.trunc(lw / g) >> rshift) || (lw !== 0 ? 1 : 0) };
    });
    const table = new Uint8Array(M);
    let n = 0;
    let i = 0;
    let dt_count = 0;
    while (n < M) {
      const e = ds[i]!;
      if (e.turns < 1) {
        i = (i + 1) % ds.length;
        continue;
      }
      while (table[e.perm]) {
        e.perm += e.skip;
        if (e.perm >= M) e.perm -= M;
      }
      table[e.perm] = 1;
      this.mhLookup[e.perm] = e.dest;
      n++;
      if (++dt_count >= e.turns) {
        dt_count = 0;
        i = (i + 1) % ds.length;
      }
    }
  }

  private mhSchedule(c: Conn): KDest | null {
    const M = this.mhSize;
    const port = this.opts.hashPort ? c.sport : 0;
    const unavailable = (d: KDest): boolean => d.weight <= 0 || d.overload;
    const ihash = this.mhHashkey(c.saddr, port, MH_HASH1, 0) % M;
    let dest = this.mhLookup[ihash] ?? null;
    if (!this.opts.fallback) return !dest || unavailable(dest) ? null : dest;
    if (!dest) return null;
    if (!unavailable(dest)) return dest;
    for (let offset = 0; offset < M; offset++) {
      const roffset = (offset + ihash) % M;
      dest = this.mhLookup[this.mhHashkey(c.saddr, port, MH_HASH1, roffset) % M] ?? null;
      if (!dest) break;
      if (!unavailable(dest)) return dest;
    }
    return null;
  }

  // ---------------------------------------------------------------- ip_vs_lblc.c, ip_vs_lblcr.c

  private lblcOverloaded(dest: KDest): boolean {
    if (dest.activeconns > dest.weight) {
      for (const d of entries(this.head)) if (d.activeconns * 2 < d.weight) return true;
    }
    return false;
  }

  private lblcSchedule(c: Conn): KDest | null {
    const en = this.lblc.get(c.daddr);
    if (en) {
      const dest = en.dest;
      if (dest.available && dest.weight > 0 && !this.lblcOverloaded(dest)) return dest;
    }
    const dest = wlcLike(this.head, conn_overhead);
    if (!dest) return null;
    this.lblc.set(c.daddr, { dest });
    return dest;
  }

  private lblcrSchedule(c: Conn): KDest | null {
    const en = this.lblcr.get(c.daddr);
    if (en) {
      // ip_vs_dest_set_min; the expiry pruning never runs here: the CLI's clock stays at 0.
      let least: KDest | null = null;
      let loh = 0;
      for (const dest of en.set) {
        if (dest.overload) continue;
        if (least === null) {
          if (dest.weight > 0 && dest.available) {
            least = dest;
            loh = conn_overhead(dest);
          }
          continue;
        }
        const doh = conn_overhead(dest);
        if (loh * dest.weight > doh * least.weight && dest.available) {
          least = dest;
          loh = doh;
        }
      }
      if (least && !this.lblcOverloaded(least)) return least;
      const dest = wlcLike(this.head, conn_overhead);
      if (!dest) return null;
      if (!en.set.includes(dest)) en.set.unshift(dest);
      return dest;
    }
    const dest = wlcLike(this.head, conn_overhead);
    if (!dest) return null;
    this.lblcr.set(c.daddr, { set: [dest] });
    return dest;
  }
}

/** ip_vs_wlc.c (and sed's, lblc's and lblcr's fallback): first candidate, then strict cross-multiplied `>`. */
function wlcLike(head: ListNode, overhead: (d: KDest) => number): KDest | null {
  let least: KDest | null = null;
  let loh = 0;
  for (const dest of entries(head)) {
    if (dest.overload) continue;
    if (least === null) {
      if (dest.weight > 0) {
        least = dest;
        loh = overhead(dest);
      }
      continue;
    }
    const doh = overhead(dest);
    if (loh * dest.weight > doh * least.weight) {
      least = dest;
      loh = doh;
    }
  }
  return least;
}

// ------------------------------------------------------------------ cases: generated, rendered as argv, replayed

export interface ServerCase {
  readonly name: string;
  readonly addr?: number;
  readonly weight: number;
  readonly active: number;
  readonly inactive: number;
  readonly u: number;
  readonly l: number;
}

export type ChangeCase =
  | { readonly after: number; readonly op: 'add'; readonly server: ServerCase }
  | { readonly after: number; readonly op: 'edit'; readonly name: string; readonly weight: number; readonly u: number; readonly l: number }
  | { readonly after: number; readonly op: 'del'; readonly name: string };

export interface PickCase {
  readonly scheduler: RefScheduler;
  readonly servers: readonly ServerCase[];
  readonly count: number;
  readonly changes: readonly ChangeCase[];
  readonly close: boolean;
  readonly client?: number;
  readonly dest?: number;
  readonly fallback: boolean;
  readonly hashPort: boolean;
  readonly mhTableSize?: number;
}

const fmtAddr = (a: number): string => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

function serverSpec(s: ServerCase): string {
  const head = `${s.name}${s.addr !== undefined ? `@${fmtAddr(s.addr)}` : ''}:${s.weight}`;
  if (s.active === 0 && s.inactive === 0 && s.u === 0 && s.l === 0) return head;
  return `${head}:${s.active}:${s.inactive}${s.u || s.l ? `:${s.u}${s.l ? `:${s.l}` : ''}` : ''}`;
}

export function argvOf(c: PickCase): string[] {
  const argv = ['ipvs', 'pick', '--json', '--scheduler', c.scheduler, '--count', String(c.count)];
  for (const s of c.servers) argv.push('--server', serverSpec(s));
  for (const ch of c.changes) {
    if (ch.op === 'add') argv.push('--change', `${ch.after} add ${serverSpec(ch.server)}`);
    else if (ch.op === 'edit') argv.push('--change', `${ch.after} edit ${ch.name}:${ch.weight}${ch.u || ch.l ? `:${ch.u}${ch.l ? `:${ch.l}` : ''}` : ''}`);
    else argv.push('--change', `${ch.after} del ${ch.name}`);
  }
  if (c.close) argv.push('--close');
  if (c.client !== undefined) argv.push('--client', fmtAddr(c.client));
  if (c.dest !== undefined) argv.push('--dest', fmtAddr(c.dest));
  if (c.fallback) argv.push('--fallback');
  if (c.hashPort) argv.push('--hash-port');
  if (c.mhTableSize !== undefined) argv.push('--mh-table-size', String(c.mhTableSize));
  return argv;
}

/** A command line a person can paste to reproduce a case. */
export const shellLine = (argv: readonly string[]): string =>
  ['vrrp-lab', ...argv].map((a) => (/^[\w@.:/=-]+$/.test(a) ? a : `'${a}'`)).join(' ');

/** What the reference chooses for the case, as `pick --json` would print it. */
export function referencePicks(c: PickCase): (string | null)[] {
  const opts: RefOptions = { fallback: c.fallback, hashPort: c.hashPort, ...(c.mhTableSize !== undefined ? { mhTableSize: c.mhTableSize } : {}) };
  const svc = new KernelService(c.scheduler, opts);
  const deleted = new Map<string, number>();
  c.servers.forEach((s, i) => svc.add({ ...s, addr: s.addr ?? ip(10, 0, 0, i + 1) }));
  const addrOf = new Map(c.servers.map((s, i) => [s.name, s.addr ?? ip(10, 0, 0, i + 1)]));
  const out: (string | null)[] = [];
  for (let n = 0; n < c.count; n++) {
    c.changes.forEach((ch, k) => {
      if (ch.after !== n) return;
      if (ch.op === 'del') {
        svc.del(ch.name);
        deleted.set(ch.name, addrOf.get(ch.name)!);
      } else if (ch.op === 'edit') svc.edit(ch.name, ch.weight, ch.u, ch.l);
      else {
        const addr = ch.server.addr ?? deleted.get(ch.server.name) ?? ip(10, 0, 0, 100 + k);
        addrOf.set(ch.server.name, addr);
        svc.add({ ...ch.server, addr });
      }
    });
    const seq = (ip(198, 51, 100, 1) + n) >>> 0;
    const dest = svc.schedule({ saddr: c.client ?? seq, sport: 40000 + n, daddr: c.dest ?? seq });
    out.push(dest?.name ?? null);
    if (!dest) continue;
    svc.bind(dest);
    if (!c.close) svc.activate(dest);
  }
  return out;
}

/** mulberry32: a tiny seeded generator, so every case is reproducible from its seed. */
export function seeded(seed: number): { int(lo: number, hi: number): number; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), chance: (p) => next() < p };
}

type Gen = ReturnType<typeof seeded>;

function genWeight(g: Gen): number {
  if (g.chance(0.15)) return 0;
  if (g.chance(0.1)) return g.int(6, 65535);
  return g.int(1, 5);
}

function genServer(g: Gen, name: string, counts: boolean): ServerCase {
  const withCounts = counts && g.chance(0.4);
  const u = g.chance(0.2) ? g.int(1, 8) : 0;
  return {
    name,
    weight: genWeight(g),
    active: withCounts ? g.int(0, 6) : 0,
    inactive: withCounts ? g.int(0, 40) : 0,
    u,
    l: u > 0 && g.chance(0.5) ? g.int(0, u) : 0,
  };
}

/** A random but valid case: every change names a server that is there (or was deleted, for a re-add). */
export function generateCase(scheduler: RefScheduler, seed: number): PickCase {
  const g = seeded(seed);
  const servers = Array.from({ length: g.int(1, 7) }, (_, i) => genServer(g, `s${i + 1}`, true));
  const count = g.int(1, 40);
  const live = servers.map((s) => s.name);
  const gone: string[] = [];
  let fresh = servers.length;
  const changes: ChangeCase[] = [];
  let after = 0;
  for (let k = g.int(0, 4); k > 0; k--) {
    after = Math.min(count - 1, after + g.int(0, Math.ceil(count / 3)));
    const roll = g.int(0, 9);
    if (roll < 3 && live.length > 0) {
      const name = live.splice(g.int(0, live.length - 1), 1)[0]!;
      gone.push(name);
      changes.push({ after, op: 'del', name });
    } else if (roll < 6 && live.length > 0) {
      const s = genServer(g, live[g.int(0, live.length - 1)]!, false);
      changes.push({ after, op: 'edit', name: s.name, weight: s.weight, u: s.u, l: s.l });
    } else if (roll < 8 && gone.length > 0) {
      const name = gone.splice(g.int(0, gone.length - 1), 1)[0]!;
      live.push(name);
      changes.push({ after, op: 'add', server: genServer(g, name, false) }); // revives the old entry
    } else {
      const name = `n${++fresh}`;
      live.push(name);
      const s = genServer(g, name, true);
      changes.push({ after, op: 'add', server: g.chance(0.3) ? { ...s, addr: ip(10, 0, 1, fresh) } : s });
    }
  }
  return {
    scheduler,
    servers,
    count,
    changes,
    close: g.chance(0.25),
    ...(g.chance(0.3) ? { client: ip(203, 0, 113, g.int(1, 254)) } : {}),
    ...(g.chance(0.4) ? { dest: ip(192, 0, 2, g.int(1, 20)) } : {}),
    fallback: g.chance(0.5),
    hashPort: g.chance(0.3),
    ...(scheduler === 'mh' ? { mhTableSize: [251, 509, 4093][g.int(0, 2)]! } : {}),
  };
}

// ------------------------------------------------------------------ the built CLI

const ROOT = join(import.meta.dirname, '..', '..');
const DIST_MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DIST_IO = join(ROOT, 'dist', 'src', 'cli', 'io.js');
export const BIN = join(ROOT, 'bin', 'vrrp-lab.js');
export const built = existsSync(DIST_MAIN) && existsSync(DIST_IO);

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The built command (dist/), run in this process: the code `bin/vrrp-lab.js` loads, without a process per case. */
export async function runBuilt(argv: readonly string[]): Promise<CliRun> {
  const { main } = (await import(pathToFileURL(DIST_MAIN).href)) as typeof import('../../src/cli/main.js');
  const { captureIo } = (await import(pathToFileURL(DIST_IO).href)) as typeof import('../../src/cli/io.js');
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
