/**
 * Simulated clients: a population behind a router on the virtual services'
 * segment, opening TCP connections to a VIP at a rate (`T clients RATE …`).
 *
 * Theory of operation
 * -------------------
 * Connection k of a load starts at `from + round(k × 1 s / rate)`: evenly spaced,
 * so `clients 10 30` opens exactly 300. Each comes from its own client address
 * (a documentation /24 off the segment) and an ephemeral port, drawn from the
 * seeded `lvs/clients` stream. A connection's life, as a TCP client lives it:
 *
 *   SYN ──(SYN-ACK: opened)──▶ ACK, then one data segment every second, each
 *   acknowledged by the server ──(hold time over)──▶ FIN ──(FIN-ACK: completed)
 *
 * A SYN unanswered is sent again at 1, 3 and 7 s; at 15 s the connect gives up
 * (`timed-out`). An RST or an ICMP port unreachable to the SYN: `refused`. Once
 * open, an RST is `broken`, and so is data unacknowledged for 15 s (each new
 * data segment also carries the unacknowledged ones) or a FIN unanswered after
 * its retransmissions at 1, 3 and 7 s (the peer or the path is gone). Each segment goes to the segment's ARP view of
 * the VIP — whichever director last announced it — so a failover shows: during
 * the takeover segments are lost and retransmitted; after it, a director that
 * knows the connection (lvs_sync_daemon) forwards it, one that does not answers
 * RST and the transfer breaks.
 *
 * Rules
 * -----
 * - A new `clients` event replaces the load (rate 0 stops it); connections
 *   already open run their course.
 * - Every outcome is an `lvs-client` observation: `opened`, then `completed` or
 *   `broken`; never opened: `refused` or `timed-out`.
 * - Timers are queue entries stamped with the connection's generation; a stale
 *   one (the connection moved on) does nothing when it pops.
 */
import { CLIENT_DATA_INTERVAL_US, CLIENT_DEFAULT_HOLD_US, CLIENT_GIVE_UP_US, type LvsClientOutcome } from '../../core/backend.js';
import { formatIpv4, type Ipv4 } from '../../core/ipv4.js';
import type { NodeId } from '../../core/ids.js';
import type { Rng } from '../../core/rng.js';
import { US_PER_SECOND, type DurationUs, type Instant } from '../../core/time.js';
import type { EventQueue, Scheduled } from '../event-queue.js';
import { ACK, FIN_ACK, reply, RST, segment, SYN, sourceKey, type LvsPacket, type TcpSegment } from './packet.js';
import type { LvsEndpoint, LvsWire } from './wire.js';
import type { Attachment } from '../network.js';
import type { ObservationLog } from '../observations.js';

/** How long a connection stays open when the event gives no `hold`. */
export const DEFAULT_HOLD_US: DurationUs = CLIENT_DEFAULT_HOLD_US;
/** One data segment a second while a connection is open. */
export const DATA_INTERVAL_US: DurationUs = CLIENT_DATA_INTERVAL_US;
/** SYN and FIN retransmissions after the first: Linux's 1 s initial RTO, doubling (1, 2, 4 s apart). */
const RETRY_AT_US: readonly DurationUs[] = [1 * US_PER_SECOND, 3 * US_PER_SECOND, 7 * US_PER_SECOND];
/** A connect, a data segment or a FIN unanswered this long gives up. */
export const GIVE_UP_US: DurationUs = CLIENT_GIVE_UP_US;
const FIRST_EPHEMERAL_PORT = 32768;
const LAST_EPHEMERAL_PORT = 60999;

/** A virtual service clients can be sent to. */
export interface ClientTarget {
  /** "VIP:PORT", as scenario files write it. */
  readonly key: string;
  readonly vip: Ipv4;
  readonly vipText: string;
  readonly port: number;
}

export interface Load {
  readonly rate: number;
  readonly from: Instant;
  /** Exclusive; undefined = until the run ends. */
  readonly until: Instant | undefined;
  readonly holdUs: DurationUs;
  readonly target: ClientTarget;
}

type Phase = 'connecting' | 'open' | 'closing' | 'done';

interface ClientConn {
  readonly key: number;
  readonly saddr: Ipv4;
  readonly sport: number;
  readonly target: ClientTarget;
  readonly holdUs: DurationUs;
  /** When the current phase's first segment went out (the SYN, then the FIN). */
  startedAt: Instant;
  phase: Phase;
  /** Stamps this connection's live timer; bumped whenever the timer is replaced. */
  generation: number;
  openedAt: Instant;
  /** Data segments sent and acknowledged (cumulative). */
  sent: number;
  acked: number;
  server: NodeId | undefined;
}

export interface SimClientsOptions {
  readonly id: NodeId;
  readonly attachment: Attachment;
  /** The first address of the /24 the clients' addresses come from (off the segment). */
  readonly pool: Ipv4;
  readonly wire: LvsWire;
  readonly queue: EventQueue;
  readonly log: ObservationLog;
  readonly rng: Rng;
  readonly now: () => Instant;
}

export class SimClients implements LvsEndpoint {
  readonly id: NodeId;
  readonly counts: Record<LvsClientOutcome, number> = { opened: 0, completed: 0, broken: 0, refused: 0, 'timed-out': 0 };
  private readonly conns = new Map<number, ClientConn>();
  private load: Load | undefined;
  private loadGeneration = 0;

  constructor(private readonly options: SimClientsOptions) {
    this.id = options.id;
    options.wire.register(options.attachment, this);
    options.wire.plug(options.attachment);
  }

  /** Connections not yet completed, broken, refused or timed out. */
  get inFlight(): number {
    return this.conns.size;
  }

  /** Replace the load (see the header); `rate` 0 stops new connections. */
  setLoad(load: Omit<Load, 'from'> | undefined): void {
    const generation = ++this.loadGeneration;
    const now = this.options.now();
    this.load = load === undefined || load.rate <= 0 ? undefined : { ...load, from: now };
    if (this.load !== undefined) this.scheduleArrival(0, generation);
  }

  private scheduleArrival(k: number, generation: number): void {
    const load = this.load as Load;
    const at = (load.from + Math.round((k * US_PER_SECOND) / load.rate)) as Instant;
    if (load.until !== undefined && at >= load.until) return;
    this.options.queue.push(new ArrivalEntry(at, this.options.queue.takeSeq(), this, k, generation));
  }

  /** Called by an ArrivalEntry. */
  onArrival(k: number, generation: number): void {
    if (generation !== this.loadGeneration || this.load === undefined) return;
    this.open(this.load);
    this.scheduleArrival(k + 1, generation);
  }

  private open(load: Load): void {
    const { saddr, sport, key } = this.freshSource();
    const now = this.options.now();
    const conn: ClientConn = { key, saddr, sport, target: load.target, holdUs: load.holdUs, startedAt: now, phase: 'connecting', generation: 0, openedAt: now, sent: 0, acked: 0, server: undefined };
    this.conns.set(key, conn);
    this.sendToVip(conn, SYN);
    this.arm(conn, (now + (RETRY_AT_US[0] as number)) as Instant);
  }

  /** A client address and port no open connection uses. */
  private freshSource(): { saddr: Ipv4; sport: number; key: number } {
    const rng = this.options.rng;
    for (;;) {
      const saddr = this.options.pool + rng.int(1, 254);
      const sport = rng.int(FIRST_EPHEMERAL_PORT, LAST_EPHEMERAL_PORT);
      const key = sourceKey({ saddr, sport });
      if (!this.conns.has(key)) return { saddr, sport, key };
    }
  }

  // ---------------------------------------------------------------- timers

  private arm(conn: ClientConn, at: Instant): void {
    conn.generation++;
    this.options.queue.push(new ConnTimer(at, this.options.queue.takeSeq(), this, conn, conn.generation));
  }

  /** Called by a ConnTimer. */
  onTimer(conn: ClientConn, generation: number): void {
    if (generation !== conn.generation || conn.phase === 'done') return;
    const now = this.options.now();
    if (conn.phase === 'connecting') return this.retrySyn(conn, now);
    if (conn.phase === 'closing') return this.retryFin(conn, now);
    this.tick(conn, now);
  }

  private retrySyn(conn: ClientConn, now: Instant): void {
    const waited = now - conn.startedAt;
    if (waited >= GIVE_UP_US) return this.finish(conn, 'timed-out', `no answer to SYN within ${GIVE_UP_US / US_PER_SECOND} s`);
    this.sendToVip(conn, SYN);
    const next = RETRY_AT_US.find((t) => t > waited) ?? GIVE_UP_US;
    this.arm(conn, (conn.startedAt + next) as Instant);
  }

  /** Open: send the next data segment, or the FIN when the hold time is over. */
  private tick(conn: ClientConn, now: Instant): void {
    if (this.unansweredFor(conn, now) >= GIVE_UP_US) return this.finish(conn, 'broken', `data unacknowledged for ${GIVE_UP_US / US_PER_SECOND} s`);
    const closeAt = conn.openedAt + conn.holdUs;
    if (now >= closeAt) return this.close(conn, now);
    conn.sent++;
    this.sendToVip(conn, ACK, conn.sent);
    this.arm(conn, Math.min(now + DATA_INTERVAL_US, closeAt) as Instant);
  }

  /** How long the oldest unacknowledged data segment has waited (0 when all are acknowledged). */
  private unansweredFor(conn: ClientConn, now: Instant): number {
    return conn.acked >= conn.sent ? 0 : now - (conn.openedAt + (conn.acked + 1) * DATA_INTERVAL_US);
  }

  private close(conn: ClientConn, now: Instant): void {
    conn.phase = 'closing';
    conn.startedAt = now;
    this.sendToVip(conn, FIN_ACK, conn.sent);
    this.arm(conn, (now + (RETRY_AT_US[0] as number)) as Instant);
  }

  private retryFin(conn: ClientConn, now: Instant): void {
    const waited = now - conn.startedAt;
    if (waited >= GIVE_UP_US) return this.finish(conn, 'broken', `no answer to FIN within ${GIVE_UP_US / US_PER_SECOND} s`);
    this.sendToVip(conn, FIN_ACK, conn.sent);
    this.arm(conn, (conn.startedAt + (RETRY_AT_US.find((t) => t > waited) ?? GIVE_UP_US)) as Instant);
  }

  // ---------------------------------------------------------------- packets in

  receive(packet: LvsPacket, _at: Attachment, _nextHop: string, from: Attachment): void {
    if (packet.kind === 'icmp-unreachable') return this.onUnreachable(packet.about, from);
    if (packet.kind !== 'tcp') return;
    const conn = this.conns.get(sourceKey({ saddr: packet.daddr, sport: packet.dport }));
    const flags = packet.tcpFlags;
    if (conn === undefined || packet.saddr !== conn.target.vip || packet.sport !== conn.target.port) {
      // A late answer to a connection given up: reset it, as a TCP stack does, so the server forgets it too.
      if (!flags.rst) this.options.wire.send(this.options.attachment, formatIpv4(packet.saddr), reply(packet, RST));
      return;
    }
    const by = packet.origin ?? from.node;
    if (flags.rst) {
      const who = `reset by ${by}`;
      return conn.phase === 'connecting' ? this.finish(conn, 'refused', who) : this.finish(conn, 'broken', who);
    }
    if (flags.syn && flags.ack && conn.phase === 'connecting') return this.onEstablished(conn, by);
    if (flags.fin && conn.phase === 'closing') {
      this.sendToVip(conn, ACK);
      return this.finish(conn, 'completed', `closed after ${(this.options.now() - conn.openedAt) / US_PER_SECOND} s`);
    }
    if (flags.ack && packet.ackData > conn.acked) conn.acked = Math.min(packet.ackData, conn.sent);
  }

  private onEstablished(conn: ClientConn, server: NodeId): void {
    const now = this.options.now();
    conn.phase = 'open';
    conn.openedAt = now;
    conn.server = server;
    this.record(conn, 'opened', `handshake with ${server} after ${(now - conn.startedAt) / US_PER_SECOND} s`);
    this.sendToVip(conn, ACK);
    this.tick(conn, now);
  }

  private onUnreachable(about: TcpSegment, from: Attachment): void {
    const conn = this.conns.get(sourceKey(about));
    // Linux reports a port unreachable to a connect(); an open connection treats it as a soft error.
    if (conn !== undefined && conn.phase === 'connecting') this.finish(conn, 'refused', `ICMP port unreachable from ${from.node}`);
  }

  // ---------------------------------------------------------------- bookkeeping

  private finish(conn: ClientConn, outcome: LvsClientOutcome, reason: string): void {
    conn.phase = 'done';
    conn.generation++;
    this.conns.delete(conn.key);
    this.record(conn, outcome, reason);
  }

  private record(conn: ClientConn, outcome: LvsClientOutcome, reason: string): void {
    this.counts[outcome]++;
    const log = this.options.log;
    if (!log.wants('lvs-client')) return;
    log.record({
      kind: 'lvs-client',
      at: this.options.now(),
      node: this.id,
      outcome,
      service: conn.target.key,
      client: `${formatIpv4(conn.saddr)}:${conn.sport}`,
      ...(conn.server === undefined ? {} : { server: conn.server }),
      reason,
    });
  }

  private sendToVip(conn: ClientConn, flags: TcpSegment['tcpFlags'], data = 0): void {
    const s = segment(conn.saddr, conn.sport, conn.target.vip, conn.target.port, flags, flags === ACK && data > 0 ? data : 0, 0);
    this.options.wire.send(this.options.attachment, conn.target.vipText, s);
  }
}

class ArrivalEntry implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly clients: SimClients,
    private readonly k: number,
    private readonly generation: number,
  ) {}

  run(): void {
    this.clients.onArrival(this.k, this.generation);
  }
}

class ConnTimer implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly clients: SimClients,
    private readonly conn: ClientConn,
    private readonly generation: number,
  ) {}

  run(): void {
    this.clients.onTimer(this.conn, this.generation);
  }
}
