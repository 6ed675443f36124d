/**
 * The clients' router's ARP cache: Linux's neighbour cache (net/core/neighbour.c,
 * net/ipv4/arp.c) for the addresses it sends client traffic to — the VIPs.
 *
 * Theory of operation
 * -------------------
 * Each address has an entry in one NUD state. Sending a packet (`output`):
 *   - no entry, or FAILED: INCOMPLETE — the packet waits in the entry's queue
 *     and a broadcast "who-has" goes out, again every retrans_time (1 s), three
 *     in all (mcast_solicit); the first reply makes the entry REACHABLE and the
 *     queue leaves for the replier; no reply: FAILED, the queue is dropped;
 *   - REACHABLE, DELAY, PROBE: the packet goes to the cached owner;
 *   - STALE: the packet goes to the cached owner and the entry turns DELAY.
 * Timers (`neigh_timer_handler`):
 *   - REACHABLE ends reachable_time after the last confirmation: DELAY when the
 *     entry was used in the last delay_first_probe_time (5 s), else STALE;
 *   - DELAY ends after delay_first_probe_time: PROBE (nothing confirms a
 *     forwarding router's entry — no local TCP rides on it);
 *   - PROBE sends a unicast "who-has" to the cached owner every retrans_time,
 *     three in all (ucast_solicit); a reply makes it REACHABLE, none FAILED.
 * What it hears (`arp_process`, arp_accept 0):
 *   - a reply to its own request (unicast): REACHABLE with the replier — unless
 *     another owner updated the entry within locktime (1 s): the first reply of
 *     several wins;
 *   - a gratuitous ARP (a request with sender = target = the address, as
 *     keepalived sends them): STALE with the sender, whatever locktime says —
 *     but only for an address it already has an entry for; the same owner
 *     announcing again changes nothing.
 * reachable_time is drawn uniformly in [base/2, 3·base/2) from
 * base_reachable_time (30 s), and drawn again when 300 s have passed since the
 * last draw (the kernel redraws in its periodic work). gc_stale_time (60 s)
 * never acts here: the periodic collector skips tables smaller than gc_thresh1
 * (128 entries), and this router knows a handful of addresses.
 *
 * Who answers a "who-has": every other interface on the segment that is up and
 * has the address — a paused keepalived's host still does (its kernel runs and
 * the VIP stays on the interface); a crashed or stopped one has lost it; a
 * real server's loopback VIP never answers (arp_ignore). Replies come back
 * after twice the segment's smallest latency, in segment order.
 *
 * Rules
 * -----
 * - Only client traffic resolves through this cache; the directors, real servers
 *   and VRRP keep the segment's ARP view (network.ts).
 * - The queue of an INCOMPLETE entry is bounded as the kernel bounds it
 *   (unres_qlen_bytes 212 992, charged at each packet's truesize); the oldest
 *   packet is dropped first.
 * - Each change of owner, and each FAILED, is an `lvs-arp` observation with
 *   its reason, so an outage after a failover reads from the timeline.
 */
import type { NodeId } from '../../core/ids.js';
import type { Rng } from '../../core/rng.js';
import { US_PER_SECOND, type DurationUs, type Instant } from '../../core/time.js';
import type { EventQueue, Scheduled } from '../event-queue.js';
import type { Attachment } from '../network.js';
import type { ObservationLog } from '../observations.js';
import { datagramTruesize } from '../socket-buffer.js';
import type { LvsPacket } from './packet.js';

/** net.ipv4.neigh.default.* on Linux, in microseconds where they are times. */
export const NEIGH_DEFAULTS = {
  baseReachableTimeUs: 30 * US_PER_SECOND,
  delayFirstProbeTimeUs: 5 * US_PER_SECOND,
  retransTimeUs: 1 * US_PER_SECOND,
  locktimeUs: 1 * US_PER_SECOND,
  ucastSolicit: 3,
  mcastSolicit: 3,
  unresQlenBytes: 212_992,
} as const;

/** How often the kernel redraws reachable_time (neigh_periodic_work). */
const REDRAW_US = 300 * US_PER_SECOND;
/** An IPv4 + TCP header: what a client segment's truesize is charged for. */
const TCP_SEGMENT_BYTES = 40;

export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED';

/** One address's neighbour entry (struct neighbour). */
export interface NeighbourEntry {
  readonly address: string;
  state: NudState;
  owner: Attachment | undefined;
  confirmed: Instant;
  used: Instant;
  updated: Instant;
  probes: number;
  /** Stamps the live timer; a popped timer with an older stamp does nothing. */
  generation: number;
  queue: { readonly nextHop: string; readonly packet: LvsPacket }[];
  queuedBytes: number;
}

/** What the cache needs from the wire: put a packet on it for a known owner. */
export interface NeighbourPorts {
  transmit(to: Attachment, nextHop: string, packet: LvsPacket): void;
}

export class NeighbourCache {
  private readonly entries = new Map<string, NeighbourEntry>();
  private reachableTimeUs: DurationUs;
  private lastDrawAt: Instant;

  constructor(
    private readonly host: NodeId,
    private readonly at: Attachment,
    private readonly queue: EventQueue,
    private readonly now: () => Instant,
    private readonly rng: Rng,
    private readonly log: ObservationLog,
    private readonly ports: NeighbourPorts,
  ) {
    this.reachableTimeUs = this.drawReachableTime();
    this.lastDrawAt = now();
  }

  /** The entry's state and owner, for tests and the timeline. */
  peek(address: string): { readonly state: NudState; readonly owner: NodeId | undefined } | undefined {
    const e = this.entries.get(address);
    return e === undefined ? undefined : { state: e.state, owner: e.owner?.node };
  }

  /** Send `packet` to `nextHop` through the cache (neigh_event_send, then the output). */
  output(nextHop: string, packet: LvsPacket): void {
    const now = this.now();
    let e = this.entries.get(nextHop);
    if (e === undefined) {
      e = { address: nextHop, state: 'FAILED', owner: undefined, confirmed: now, used: now, updated: now, probes: 0, generation: 0, queue: [], queuedBytes: 0 };
      this.entries.set(nextHop, e);
    }
    e.used = now;
    switch (e.state) {
      case 'REACHABLE': case 'DELAY': case 'PROBE':
        return this.ports.transmit(e.owner as Attachment, nextHop, packet);
      case 'STALE':
        this.enter(e, 'DELAY', now, now + NEIGH_DEFAULTS.delayFirstProbeTimeUs);
        return this.ports.transmit(e.owner as Attachment, nextHop, packet);
      case 'FAILED':
        this.enqueue(e, nextHop, packet);
        e.probes = NEIGH_DEFAULTS.ucastSolicit;
        this.enter(e, 'INCOMPLETE', now, now + NEIGH_DEFAULTS.retransTimeUs);
        return this.probe(e);
      case 'INCOMPLETE':
        return this.enqueue(e, nextHop, packet);
    }
  }

  /** A gratuitous ARP for `address` from `from` (a request, sender = target). */
  heardGratuitous(from: Attachment, address: string): void {
    const e = this.entries.get(address);
    if (e === undefined || from === this.at) return; // arp_accept 0: unsolicited ARP creates no entry
    this.update(e, from, 'STALE', true, `gratuitous ARP from ${from.node}`);
  }

  private heardReply(from: Attachment, address: string): void {
    const e = this.entries.get(address);
    if (e === undefined) return;
    const override = this.now() > e.updated + NEIGH_DEFAULTS.locktimeUs;
    this.update(e, from, 'REACHABLE', override, `${from.node} answered ${e.state === 'INCOMPLETE' ? 'the broadcast' : 'a probe'}`);
  }

  /** neigh_update: a new owner and state, or a confirmation of the old ones. */
  private update(e: NeighbourEntry, owner: Attachment, wanted: NudState, override: boolean, reason: string): void {
    const now = this.now();
    let state = wanted;
    if (state === 'REACHABLE') e.confirmed = now;
    const valid = isValid(e.state);
    if (valid && owner !== e.owner && !override) return; // within locktime: the first answer stands
    if (valid && owner === e.owner && state === 'STALE') state = e.state; // an announcement of what is known changes nothing
    const moved = owner !== e.owner;
    if (moved) {
      e.owner = owner;
      e.updated = now;
      this.record(e.address, owner.node, reason);
    }
    if (state !== e.state) this.enter(e, state, now, state === 'REACHABLE' ? now + this.reachableTime(now) : undefined);
    if (!valid) this.flush(e);
  }

  private enter(e: NeighbourEntry, state: NudState, now: Instant, timerAt: number | undefined): void {
    e.state = state;
    e.updated = now;
    if (state === 'PROBE') e.probes = 0;
    e.generation++;
    if (timerAt !== undefined) this.queue.push(new NeighbourTimer(timerAt as Instant, this.queue.takeSeq(), this, e, e.generation));
  }

  /** neigh_timer_handler. */
  onTimer(e: NeighbourEntry, generation: number): void {
    if (generation !== e.generation) return;
    const now = this.now();
    const { delayFirstProbeTimeUs: delay, retransTimeUs: retrans } = NEIGH_DEFAULTS;
    // The kernel compares with time_before_eq and then waits at least HZ/100 more; in exact
    // virtual time a deadline reached is a deadline passed (strict comparisons, no 10 ms slack).
    if (e.state === 'REACHABLE') {
      if (now < e.confirmed + this.reachableTimeUs) return this.rearm(e, e.confirmed + this.reachableTimeUs);
      return now < e.used + delay ? this.enter(e, 'DELAY', now, now + delay) : this.enter(e, 'STALE', now, undefined);
    }
    if (e.state === 'DELAY') {
      if (now < e.confirmed + delay) return this.enter(e, 'REACHABLE', now, e.confirmed + this.reachableTime(now));
      this.enter(e, 'PROBE', now, undefined);
    }
    if (e.state !== 'INCOMPLETE' && e.state !== 'PROBE') return;
    const max = NEIGH_DEFAULTS.ucastSolicit + (e.state === 'INCOMPLETE' ? NEIGH_DEFAULTS.mcastSolicit : 0);
    if (e.probes >= max) return this.fail(e, now);
    this.rearm(e, now + retrans);
    this.probe(e);
  }

  private rearm(e: NeighbourEntry, at: number): void {
    e.generation++;
    this.queue.push(new NeighbourTimer(at as Instant, this.queue.takeSeq(), this, e, e.generation));
  }

  private fail(e: NeighbourEntry, now: Instant): void {
    const probes = e.state === 'PROBE' ? `no answer to ${NEIGH_DEFAULTS.ucastSolicit} probes to ${e.owner?.node ?? '?'}` : `no answer to ${NEIGH_DEFAULTS.mcastSolicit} broadcasts`;
    this.enter(e, 'FAILED', now, undefined);
    e.queue = [];
    e.queuedBytes = 0;
    this.record(e.address, undefined, `${probes}; the next packet asks again`);
  }

  /** One "who-has": unicast to the owner below ucast_solicit probes, else broadcast (arp_solicit). */
  private probe(e: NeighbourEntry): void {
    const unicast = e.probes < NEIGH_DEFAULTS.ucastSolicit && e.owner !== undefined;
    e.probes++;
    const candidates = unicast ? [e.owner as Attachment] : this.at.segment.members;
    const rtt = 2 * this.at.segment.link.latencyUsMin;
    for (const to of candidates) {
      if (to === this.at || !to.up || !to.local.has(e.address)) continue;
      this.queue.push(new ArpReply((this.now() + rtt) as Instant, this.queue.takeSeq(), () => this.heardReply(to, e.address)));
    }
  }

  private enqueue(e: NeighbourEntry, nextHop: string, packet: LvsPacket): void {
    const size = datagramTruesize(TCP_SEGMENT_BYTES);
    while (e.queue.length > 0 && e.queuedBytes + size > NEIGH_DEFAULTS.unresQlenBytes) {
      e.queue.shift();
      e.queuedBytes -= size;
    }
    e.queue.push({ nextHop, packet });
    e.queuedBytes += size;
  }

  private flush(e: NeighbourEntry): void {
    const waiting = e.queue;
    e.queue = [];
    e.queuedBytes = 0;
    for (const w of waiting) this.output(w.nextHop, w.packet);
  }

  private reachableTime(now: Instant): DurationUs {
    if (now >= this.lastDrawAt + REDRAW_US) {
      this.reachableTimeUs = this.drawReachableTime();
      this.lastDrawAt = now;
    }
    return this.reachableTimeUs;
  }

  /** neigh_rand_reach_time: uniform in [base/2, 3·base/2). */
  private drawReachableTime(): DurationUs {
    const base = NEIGH_DEFAULTS.baseReachableTimeUs;
    return (base / 2 + this.rng.int(0, base - 1)) as DurationUs;
  }

  /** `owner` undefined: the entry FAILED. */
  private record(address: string, owner: NodeId | undefined, reason: string): void {
    if (!this.log.wants('lvs-arp')) return;
    this.log.record({ kind: 'lvs-arp', at: this.now(), node: this.host, address, ...(owner === undefined ? {} : { owner }), reason });
  }
}

const isValid = (s: NudState): boolean => s === 'REACHABLE' || s === 'STALE' || s === 'DELAY' || s === 'PROBE';

class NeighbourTimer implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly cache: NeighbourCache,
    private readonly entry: NeighbourEntry,
    private readonly generation: number,
  ) {}

  run(): void {
    this.cache.onTimer(this.entry, this.generation);
  }
}

class ArpReply implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    readonly run: () => void,
  ) {}
}
