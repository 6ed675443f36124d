/**
 * The simulated network: L2 segments that carry real IPv4 datagrams.
 *
 * Theory of operation
 * -------------------
 * Each node interface is an `Attachment` on one `Segment` (a broadcast domain).
 * `send` takes the bytes the engine produced and decides, per receiving
 * interface, what happens to them:
 *
 *   1. where it goes — multicast (224.0.0.0/4) to every other attachment on the
 *      segment; unicast to the attachment the segment's ARP view maps the
 *      destination to (node primary addresses, and VIPs once added or announced
 *      by a gratuitous ARP);
 *   2. the rules, in order (turmoil's Rule → Verdict): the first rule with an
 *      opinion says deliver, drop or hold; no opinion means deliver;
 *   3. loss: the link's `lossRatio` combined with the sender's own (the `loss`
 *      event), one draw per copy from the `loss` Rng stream;
 *   4. delay: `latencyUsMin..latencyUsMax`, one draw per copy from the `latency`
 *      stream — or none at all when min = max (the default, 100 µs), so runs
 *      without jitter are exact and consume no randomness.
 *
 * Delay and loss are set for the whole network and may be overridden per
 * segment (`NetworkOptions.segments`).
 *
 * The copy then becomes a queue entry; on arrival the receiving interface must
 * still be up, and the simulation (the `receive` port) decides whether its node
 * can take a packet (a paused or dead node loses it).
 *
 * Rules
 * -----
 * - Verdicts are taken when a packet is sent: a packet already in flight when a
 *   partition starts still arrives, like a frame already on the wire.
 * - `partition` replaces any earlier partition; one-way cuts accumulate; `heal`
 *   removes both. Held packets wait for `release`, then travel with a fresh delay.
 * - A partition cuts every packet between two nodes named in different groups,
 *   both ways (core's ClusterEvent says why all traffic, not only VRRP). A node
 *   named in no group keeps talking to everyone, as real keepalived's recordings
 *   were made (test/fixtures/keepalived-cases/26-partition-unnamed-node).
 * - An instance with use_vmac sends its adverts (unless vmac_xmit_base) and its
 *   VIPs' gratuitous ARPs from the virtual router MAC, as keepalived's macvlan
 *   does; the capture shows that MAC, the ARP view still names the interface.
 * - The ARP view is not cleaned when an address is removed, as real caches are
 *   not: a unicast to a moved address reaches the old holder, who drops it
 *   ('address-not-local') until a gratuitous ARP points the segment elsewhere.
 * - With `filterUnknownVrids` (default on) a VRRP multicast is only handed to
 *   interfaces with an instance of that VRID. keepalived drops other VRIDs
 *   silently (logged only with log_unknown_vrids), so nothing observable is lost,
 *   and a segment with many VRIDs stays fast.
 * - Lists walked per packet are precomputed and replaced, never mutated, so a
 *   delivery already queued keeps the member list it was sent with.
 */
import { partitionCuts } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { DurationUs, Instant } from '../core/time.js';
import type { NodeId, SegmentId } from '../core/ids.js';
import type { EventQueue, Scheduled } from './event-queue.js';
import { type Mac, multicastMac } from '../core/mac.js';
import { IPPROTO_VRRP, isMulticastIpv4 } from './ipv4.js';
import { ETHERTYPE_IPV4, ethernetFrame, gratuitousArpFrame, type PcapRecord } from '../core/pcap.js';

export interface LinkOptions {
  /** Smallest one-way delay of a copy. Default 100 µs. */
  readonly latencyUsMin?: DurationUs;
  /** Largest one-way delay; default = latencyUsMin (no jitter, no randomness drawn). */
  readonly latencyUsMax?: DurationUs;
  /** Fraction of copies lost on every link, 0..1. Default 0. */
  readonly lossRatio?: number;
}

export const DEFAULT_LATENCY_US = 100;

/** Link settings with the defaults filled in; every segment has one. */
export interface Link {
  readonly latencyUsMin: DurationUs;
  readonly latencyUsMax: DurationUs;
  readonly lossRatio: number;
}

function resolveLink(options: LinkOptions, fallback?: Link): Link {
  const latencyUsMin = options.latencyUsMin ?? fallback?.latencyUsMin ?? DEFAULT_LATENCY_US;
  const latencyUsMax = options.latencyUsMax ?? (options.latencyUsMin !== undefined ? latencyUsMin : (fallback?.latencyUsMax ?? latencyUsMin));
  const lossRatio = options.lossRatio ?? fallback?.lossRatio ?? 0;
  checkLink(latencyUsMin, latencyUsMax, lossRatio);
  return { latencyUsMin, latencyUsMax, lossRatio };
}

export type Verdict = 'deliver' | 'drop' | 'hold';

/** A filter on node-to-node traffic (turmoil style). */
export interface Rule {
  /** Names the rule; a dropped copy is reported with this as its code. */
  readonly kind: string;
  /** The verdict for a copy from `from` to `to`, or undefined to let later rules decide. */
  verdict(from: NodeId, to: NodeId): Verdict | undefined;
}

export type NetworkDropCode = 'partition' | 'oneway' | 'loss' | 'link-down' | 'no-route' | 'address-not-local' | (string & {});

/** One node interface plugged into a segment. */
export class Attachment {
  up: boolean;
  /** Addresses this interface answers for: its primary and the VIPs added to it. */
  readonly local = new Set<string>();
  /** use_vmac: the MAC an instance's adverts leave with, by VRID (absent: `mac`). */
  readonly vmacByVrid = new Map<number, Mac>();
  /** use_vmac: the MAC a VIP's gratuitous ARPs carry, by address (absent: `mac`). */
  readonly vmacByAddress = new Map<string, Mac>();

  constructor(
    readonly node: NodeId,
    /** The simulation's index of the node, for O(1) lookups on the hot path. */
    readonly nodeIndex: number,
    readonly name: string,
    readonly address: string,
    readonly segment: Segment,
    readonly mac: Mac,
    /** VRIDs of the instances on this interface (for `filterUnknownVrids`). */
    readonly vrids: ReadonlySet<number>,
    up: boolean,
  ) {
    this.up = up;
    this.local.add(address);
  }
}

export class Segment {
  members: readonly Attachment[] = [];
  byVrid = new Map<number, readonly Attachment[]>();
  /** The segment's ARP view: who answers for an address. */
  readonly arp = new Map<string, Attachment>();
  /** Hosts with an ARP cache of their own hear every gratuitous ARP on the segment (lvs/neighbour.ts). */
  readonly garpListeners: ((from: Attachment, address: string) => void)[] = [];

  constructor(
    readonly id: SegmentId,
    /** Delay and loss of every copy carried on this segment. */
    readonly link: Link,
  ) {}

  add(attachment: Attachment): void {
    this.members = [...this.members, attachment];
    for (const vrid of attachment.vrids) this.byVrid.set(vrid, [...(this.byVrid.get(vrid) ?? []), attachment]);
    if (!this.arp.has(attachment.address)) this.arp.set(attachment.address, attachment);
  }
}

/** What the network needs from the simulation that hosts it. */
export interface NetworkPorts {
  readonly queue: EventQueue;
  now(): Instant;
  /** A copy reached an up interface; the simulation hands it to the node or loses it. */
  receive(to: Attachment, bytes: Uint8Array): void;
  /** A copy was lost (only called when set: recording drops is optional). */
  drop?(at: Attachment, from: NodeId, code: NetworkDropCode): void;
  /** A frame crossed a segment (only called when capturing). */
  capture?(record: PcapRecord): void;
}

export interface NetworkOptions extends LinkOptions {
  /** Per-segment overrides of the link settings above (unset fields inherit them). */
  readonly segments?: Readonly<Record<SegmentId, LinkOptions>>;
  readonly latencyRng: Rng;
  readonly lossRng: Rng;
  readonly filterUnknownVrids?: boolean;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

interface Held {
  readonly from: Attachment;
  readonly to: Attachment;
  readonly bytes: Uint8Array;
  readonly unicast: string | undefined;
}

const NO_ATTACHMENTS: readonly Attachment[] = [];

/** The source MAC of a datagram `from` sends: its own, or an instance's VMAC for that instance's adverts. */
function sourceMac(from: Attachment, bytes: Uint8Array): Mac {
  if (from.vmacByVrid.size === 0) return from.mac;
  const vrid = vrrpVrid(bytes);
  return (vrid === undefined ? undefined : from.vmacByVrid.get(vrid)) ?? from.mac;
}

export class SimNetwork {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0 };
  private readonly segments = new Map<SegmentId, Segment>();
  private rules: readonly Rule[] = [];
  private readonly senderLoss = new Map<NodeId, number>();
  private held: Held[] = [];
  private readonly defaultLink: Link;
  private readonly filterUnknownVrids: boolean;

  constructor(
    private readonly ports: NetworkPorts,
    private readonly options: NetworkOptions,
  ) {
    this.defaultLink = resolveLink(options);
    this.filterUnknownVrids = options.filterUnknownVrids ?? true;
    for (const [id, link] of Object.entries(options.segments ?? {})) this.segments.set(id, new Segment(id, resolveLink(link, this.defaultLink)));
  }

  /** The largest one-way delay a copy can take on any segment: checkers add it to their bounds. */
  get maxLatencyUs(): DurationUs {
    let max = this.defaultLink.latencyUsMax;
    for (const segment of this.segments.values()) max = Math.max(max, segment.link.latencyUsMax);
    return max;
  }

  /** The segment named `id`, created with the default link when first named. */
  segment(id: SegmentId): Segment {
    let segment = this.segments.get(id);
    if (segment === undefined) {
      segment = new Segment(id, this.defaultLink);
      this.segments.set(id, segment);
    }
    return segment;
  }

  segmentIds(): SegmentId[] {
    return [...this.segments.keys()];
  }

  // ---------------------------------------------------------------- addresses

  addAddress(at: Attachment, address: string): void {
    at.local.add(address);
    if (!at.segment.arp.has(address)) at.segment.arp.set(address, at);
  }

  removeAddress(at: Attachment, address: string): void {
    if (address !== at.address) at.local.delete(address);
  }

  /** A gratuitous ARP: the segment now sends `address` to this interface. */
  announce(at: Attachment, address: string): void {
    if (!at.up) return;
    at.segment.arp.set(address, at);
    for (const hear of at.segment.garpListeners) hear(at, address);
    this.ports.capture?.({ at: this.ports.now(), frame: gratuitousArpFrame(at.vmacByAddress.get(address) ?? at.mac, address) });
  }

  // ---------------------------------------------------------------- faults

  /** Nodes named in different groups can no longer reach each other (core's partitionCuts). Replaces an earlier partition. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const cuts = partitionCuts(groups);
    const rule: Rule = { kind: 'partition', verdict: (from, to) => (cuts(from, to) ? 'drop' : undefined) };
    this.rules = [...this.rules.filter((r) => r.kind !== 'partition'), rule];
  }

  /** `from`'s packets no longer reach `to`. */
  oneway(from: NodeId, to: NodeId): void {
    const rule: Rule = { kind: 'oneway', verdict: (f, t) => (f === from && t === to ? 'drop' : undefined) };
    this.rules = [...this.rules, rule];
  }

  /** Undo every partition and one-way cut (holds stay until `release`). */
  heal(): void {
    this.rules = this.rules.filter((r) => r.kind !== 'partition' && r.kind !== 'oneway');
  }

  /** Keep copies matching (from, to) — either may be omitted for "any" — until `release`. */
  hold(from?: NodeId, to?: NodeId): void {
    const rule: Rule = {
      kind: 'hold',
      verdict: (f, t) => ((from === undefined || f === from) && (to === undefined || t === to) ? 'hold' : undefined),
    };
    this.rules = [...this.rules, rule];
  }

  /** Drop every hold rule and send the held copies on, each with a fresh delay. */
  release(): void {
    this.rules = this.rules.filter((r) => r.kind !== 'hold');
    const held = this.held;
    this.held = [];
    for (const h of held) this.schedule(h.from, h.to, h.bytes, h.unicast);
  }

  addRule(rule: Rule): void {
    this.rules = [...this.rules, rule];
  }

  removeRule(rule: Rule): void {
    this.rules = this.rules.filter((r) => r !== rule);
  }

  activeRules(): readonly Rule[] {
    return this.rules;
  }

  /** Lose this fraction of the copies `node` sends (on top of the link's own loss). */
  setSenderLoss(node: NodeId, lossRatio: number): void {
    checkLink(0, 0, lossRatio);
    if (lossRatio === 0) this.senderLoss.delete(node);
    else this.senderLoss.set(node, lossRatio);
  }

  /** True when no rule, hold or loss is in force: every copy is delivered. */
  isWhole(): boolean {
    return this.rules.length === 0 && this.senderLoss.size === 0 && [...this.segments.values()].every((g) => g.link.lossRatio === 0);
  }

  // ---------------------------------------------------------------- sending

  /** Put `bytes` (a whole IPv4 datagram to `destination`) on the wire from `from`. */
  send(from: Attachment, destination: string, bytes: Uint8Array): void {
    this.stats.sent++;
    if (!from.up) {
      this.lose(from, from.node, 'link-down');
      return;
    }
    if (isMulticastIpv4(destination)) {
      this.ports.capture?.({ at: this.ports.now(), frame: ethernetFrame(multicastMac(destination), sourceMac(from, bytes), ETHERTYPE_IPV4, bytes) });
      this.dispatch(from, this.multicastTargets(from.segment, bytes), bytes, undefined);
      return;
    }
    const to = from.segment.arp.get(destination);
    if (to === undefined || to === from) {
      this.lose(from, from.node, 'no-route');
      return;
    }
    this.ports.capture?.({ at: this.ports.now(), frame: ethernetFrame(to.mac, sourceMac(from, bytes), ETHERTYPE_IPV4, bytes) });
    this.dispatch(from, [to], bytes, destination);
  }

  private multicastTargets(segment: Segment, bytes: Uint8Array): readonly Attachment[] {
    if (!this.filterUnknownVrids) return segment.members;
    const vrid = vrrpVrid(bytes);
    return vrid === undefined ? segment.members : (segment.byVrid.get(vrid) ?? NO_ATTACHMENTS);
  }

  private dispatch(from: Attachment, targets: readonly Attachment[], bytes: Uint8Array, unicast: string | undefined): void {
    const link = from.segment.link;
    const fixed = link.latencyUsMin === link.latencyUsMax;
    const loss = this.lossFor(from.node, link);
    if (fixed && loss === 0 && this.rules.length === 0) {
      // The hot path: one queue entry hands the packet to the whole list.
      if (targets.length > 0) this.push(new Delivery(this.arrivalAt(link), this.ports.queue.takeSeq(), this, from, targets, bytes, unicast));
      return;
    }
    let batch: Attachment[] | undefined;
    for (const to of targets) {
      if (to === from || !this.admit(from, to, bytes, unicast, loss)) continue;
      if (fixed) (batch ??= []).push(to);
      else this.schedule(from, to, bytes, unicast);
    }
    if (batch !== undefined) this.push(new Delivery(this.arrivalAt(link), this.ports.queue.takeSeq(), this, from, batch, bytes, unicast));
  }

  /** Rules and loss for one copy; false when it does not travel now. */
  private admit(from: Attachment, to: Attachment, bytes: Uint8Array, unicast: string | undefined, loss: number): boolean {
    for (const rule of this.rules) {
      const verdict = rule.verdict(from.node, to.node);
      if (verdict === undefined || verdict === 'deliver') {
        if (verdict === 'deliver') break;
        continue;
      }
      if (verdict === 'hold') this.held.push({ from, to, bytes, unicast });
      else this.lose(to, from.node, rule.kind);
      return false;
    }
    if (loss > 0 && this.options.lossRng.next() < loss) {
      this.lose(to, from.node, 'loss');
      return false;
    }
    return true;
  }

  private schedule(from: Attachment, to: Attachment, bytes: Uint8Array, unicast: string | undefined): void {
    this.push(new Delivery(this.arrivalAt(from.segment.link), this.ports.queue.takeSeq(), this, from, [to], bytes, unicast));
  }

  private push(delivery: Delivery): void {
    this.ports.queue.push(delivery);
  }

  private arrivalAt(link: Link): Instant {
    const { latencyUsMin: min, latencyUsMax: max } = link;
    const delay = min === max ? min : this.options.latencyRng.int(min, max);
    return (this.ports.now() + delay) as Instant;
  }

  private lossFor(node: NodeId, link: Link): number {
    const own = this.senderLoss.get(node) ?? 0;
    return own === 0 ? link.lossRatio : 1 - (1 - link.lossRatio) * (1 - own);
  }

  /** Called by a Delivery when its time comes. */
  arrive(from: Attachment, to: Attachment, bytes: Uint8Array, unicast: string | undefined): void {
    if (!to.up) return this.lose(to, from.node, 'link-down');
    if (unicast !== undefined && !to.local.has(unicast)) return this.lose(to, from.node, 'address-not-local');
    this.stats.delivered++;
    this.ports.receive(to, bytes);
  }

  private lose(at: Attachment, from: NodeId, code: NetworkDropCode): void {
    this.stats.dropped++;
    this.ports.drop?.(at, from, code);
  }
}

/** A packet (to one or many interfaces) due at `at`: a class, not a closure, to keep the hot path lean. */
class Delivery implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly network: SimNetwork,
    private readonly from: Attachment,
    private readonly targets: readonly Attachment[],
    private readonly bytes: Uint8Array,
    private readonly unicast: string | undefined,
  ) {}

  run(): void {
    for (const to of this.targets) if (to !== this.from) this.network.arrive(this.from, to, this.bytes, this.unicast);
  }
}

/** The VRID of a VRRP datagram, or undefined when it is not one (then everybody gets it). */
export function vrrpVrid(bytes: Uint8Array): number | undefined {
  const first = bytes[0];
  if (first === undefined || first >> 4 !== 4 || bytes[9] !== IPPROTO_VRRP) return undefined;
  return bytes[(first & 15) * 4 + 1];
}

function checkLink(min: number, max: number, lossRatio: number): void {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) {
    throw new ScenarioError('sim-latency-invalid', `latency must be whole microseconds with 0 <= min <= max, got ${min}..${max}`);
  }
  if (!(lossRatio >= 0 && lossRatio <= 1)) throw new ScenarioError('sim-loss-invalid', `lossRatio must be within 0..1, got ${lossRatio}`);
}
