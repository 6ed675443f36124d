/**
 * One keepalived node's LVS side in the simulator: the kernel's IPVS table
 * (a DirectorPort over src/ipvs) and keepalived's checker process (the checker
 * engine behind core's Host), wired to the simulated network.
 *
 * Theory of operation
 * -------------------
 * - Packets. A client segment that reaches this node (it holds the VIP, so the
 *   segment's ARP view sends it here) goes to `packetIn`. A forward verdict sends
 *   it on to the real server: unchanged to the RIP's interface for DR (MAC
 *   rewrite) and TUN (the IPIP wrapper is not drawn), with the destination
 *   rewritten for NAT. A packet IPVS does not take is answered as the kernel
 *   would: RST from the local stack, or ICMP port unreachable when no real server
 *   is available. Replies for clients leave through the clients' router.
 * - Checks. keepalived's checker process (checker.ts) probes the real
 *   servers from this node's own address and changes the table with its `ipvs`
 *   outputs; answers to its probes arrive at that address.
 * - Sync. With `lvs_sync_daemon`, the named VRRP instance's state picks the sync
 *   thread, as keepalived does: MASTER runs the master thread, every other state
 *   the backup thread. The master's datagrams are multicast on the sync
 *   interface to the other directors; a backup applies them.
 * - Lifecycle. `boot` (keepalived starts) builds an empty table and starts the
 *   checkers; `halt` (stop, or a crash of the host) throws both away — the
 *   table lives in the kernel of a machine that is gone, and a graceful stop
 *   makes keepalived remove its virtual servers. A paused keepalived (SIGSTOP)
 *   freezes the checkers, but the kernel keeps forwarding and syncing.
 * - Counters. Every `sampleUs` (aligned to whole multiples of it) the table's
 *   ActiveConn/InActConn per real server are recorded when they changed, as
 *   `lvs-conns` observations; a halt records zeros.
 *
 * Rules
 * -----
 * - Nothing queued before a halt acts after it: the wake-ups are cancelled
 *   (Wake generations) and the checker process is stopped.
 * - Engine and model failures become a SimulationFailure naming the seed, node
 *   and time.
 */
import { formatIpv4, parseIpv4 } from '../../core/ipv4.js';
import type { NodeId } from '../../core/ids.js';
import type { DurationUs, Instant } from '../../core/time.js';
import type { ClientAnswer, InVerdict, SyncState } from '../../ipvs/director-types.js';
import { SimCheckerProcess, type CheckerWorld } from './checker.js';
import { reply, RST, type LvsPacket, type TcpSegment } from './packet.js';
import type { DirectorFactory, DirectorPort, IpvsCommand, LvsServerMapping } from '../../ipvs/director-port.js';
import type { DirectorNodeConfig } from '../../ipvs/director-node-config.js';
import { Wake } from './wake.js';
import type { LvsEndpoint } from './wire.js';
import type { Attachment } from '../network.js';

/** What a director needs from the simulation around it. */
export interface DirectorWorld extends CheckerWorld {
  readonly makeDirector: DirectorFactory;
  /** The clients' router: packets for addresses off the segment go there. */
  readonly gateway: string;
  readonly sampleUs: DurationUs;
}

export class SimDirector implements LvsEndpoint {
  private port: DirectorPort | undefined;
  private checker: SimCheckerProcess | undefined;
  private syncState: SyncState = 'none';
  private readonly byChecker = new Map<string, LvsServerMapping>();
  private readonly byDest = new Map<string, LvsServerMapping>();
  private readonly vipOf = new Map<number, string>();
  private readonly sampled = new Map<string, number>();
  private readonly directorWake: Wake;
  private readonly sampleWake: Wake;

  constructor(
    readonly id: NodeId,
    private readonly config: DirectorNodeConfig,
    private readonly attachments: ReadonlyMap<string, Attachment>,
    private readonly world: DirectorWorld,
  ) {
    for (const m of config.servers) {
      this.byChecker.set(`${m.checkerService}\u0000${m.checkerServer}`, m);
      this.byDest.set(`${m.directorService}\u0000${m.dest}`, m);
    }
    for (const s of config.services) {
      const vip = parseIpv4(s.vip); // fwmark services have none: no client packet is addressed to them
      if (vip !== undefined) this.vipOf.set(vip, s.vip);
    }
    for (const at of attachments.values()) world.wire.register(at, this);
    const now = (): Instant => world.now();
    this.directorWake = new Wake(world.queue, now, () => this.guard(() => this.onDirectorDeadline()));
    this.sampleWake = new Wake(world.queue, now, () => this.guard(() => this.sample(true)));
  }

  // ---------------------------------------------------------------- lifecycle

  /** keepalived starts: an empty table, fresh checkers. */
  boot(): void {
    this.halt(undefined);
    const now = this.world.now();
    this.guard(() => {
      this.port = this.world.makeDirector(this.config.director, this.world.seed);
      if (this.config.sync !== undefined) this.setSync('backup');
      this.checker = new SimCheckerProcess(this.id, this.config.checker, this.byChecker, this.attachments, this.world, (command, server, at) => this.command(command, server, at));
      this.checker.start();
      this.afterDirector();
    });
    this.sampleWake.set(nextMultiple(now, this.world.sampleUs));
  }

  /** keepalived is gone (`reason` set: record it), or about to restart. */
  halt(reason: 'stop' | 'crash' | undefined): void {
    if (this.port === undefined) return;
    for (const w of [this.directorWake, this.sampleWake]) w.cancel();
    this.checker?.stop();
    this.port = undefined;
    this.checker = undefined;
    this.syncState = 'none';
    if (reason !== undefined) this.recordZeros();
  }

  pause(): void {
    this.checker?.pause();
  }

  resume(): void {
    this.checker?.resume();
  }

  /** A VRRP instance of this node changed state: the sync thread and ha_suspend follow. */
  onTransition(instance: string, to: string): void {
    if (this.port === undefined) return;
    if (this.config.sync?.instance === instance) this.setSync(to === 'MASTER' ? 'master' : 'backup');
    this.checker?.vrrpState(to === 'MASTER');
  }

  private setSync(state: SyncState): void {
    const port = this.port;
    if (port === undefined || state === this.syncState) return;
    this.syncState = state;
    this.guard(() => port.setSyncState(state, this.world.now()));
    this.afterDirector();
  }

  // ---------------------------------------------------------------- packets

  receive(packet: LvsPacket, at: Attachment, nextHop: string): void {
    const port = this.port;
    if (port === undefined) return; // a down host's kernel takes nothing
    if (packet.kind === 'ipvs-sync') {
      if (this.syncState === 'backup') this.guard(() => port.applySync(packet.messages, this.world.now()));
      return this.afterDirector();
    }
    if (packet.kind !== 'tcp') return;
    if (nextHop === at.address && packet.daddr === parseIpv4(at.address)) return this.checker?.onAnswer(packet);
    if (this.vipOf.has(packet.daddr)) return this.guard(() => this.forward(port, packet, at));
    this.guard(() => this.forwardReply(port, packet, at));
  }

  private forward(port: DirectorPort, packet: TcpSegment, at: Attachment): void {
    const verdict = port.packetIn(packet, this.world.now());
    if (verdict.kind === 'forward') this.sendToServer(packet, verdict, at);
    else this.answer(packet, verdict.answer, at);
    this.afterDirector();
  }

  private sendToServer(packet: TcpSegment, verdict: Extract<InVerdict, { kind: 'forward' }>, at: Attachment): void {
    const rw = verdict.rewrite;
    if (rw.method === 'dr') this.world.wire.send(at, formatIpv4(rw.nextHop), packet);
    else if (rw.method === 'tun') this.world.wire.send(at, formatIpv4(rw.outerDaddr), packet);
    else this.world.wire.send(at, formatIpv4(rw.daddr), { ...packet, daddr: rw.daddr, dport: rw.dport });
  }

  /**
   * A real server's reply routed through this director (NAT): rewritten to come
   * from the VIP and passed on to the clients. Anything else is not IPVS's and
   * this host routes nothing else.
   */
  private forwardReply(port: DirectorPort, packet: TcpSegment, at: Attachment): void {
    const verdict = port.packetOut(packet, this.world.now());
    if (verdict.kind === 'reply') {
      const out = verdict.rewrite === undefined ? packet : { ...packet, saddr: verdict.rewrite.saddr, sport: verdict.rewrite.sport };
      this.world.wire.send(at, this.world.gateway, out);
    }
    this.afterDirector();
  }

  /** What the client sees when IPVS does not forward its packet. */
  private answer(packet: TcpSegment, answer: ClientAnswer, at: Attachment): void {
    if (answer === 'tcp-rst' && !packet.tcpFlags.rst) this.world.wire.send(at, this.world.gateway, reply(packet, RST, 0, this.id));
    if (answer === 'icmp-port-unreachable') {
      this.world.wire.send(at, this.world.gateway, { kind: 'icmp-unreachable', saddr: packet.daddr, daddr: packet.saddr, about: packet });
    }
  }

  // ---------------------------------------------------------------- the table's deadlines, sync and counters

  /** After the table changed: send what the sync thread has, and re-arm. */
  private afterDirector(): void {
    const port = this.port;
    if (port === undefined) return;
    if (this.syncState === 'master') {
      const messages = port.takeSync(this.world.now());
      const from = this.config.sync === undefined ? undefined : this.attachments.get(this.config.sync.interface);
      if (messages.length > 0 && from !== undefined) this.world.wire.multicast(from, { kind: 'ipvs-sync', messages }, () => true);
    }
    this.directorWake.set(port.nextDeadline());
  }

  private onDirectorDeadline(): void {
    this.port?.tick(this.world.now());
    this.afterDirector();
  }

  private sample(again: boolean): void {
    const port = this.port;
    if (port === undefined) return;
    const listed = new Set<string>();
    for (const service of port.stats().services) {
      for (const d of service.dests) {
        const m = this.byDest.get(`${service.key}\u0000${d.name}`);
        listed.add(this.recordConns(m?.service ?? service.key, m?.realServer ?? d.name, d.active, d.inactive));
      }
    }
    // A deleted real server is no longer listed (ipvsadm shows nothing): its counters read 0.
    for (const key of this.sampled.keys()) if (!listed.has(key)) this.recordKey(key, 0, 0);
    if (again) this.sampleWake.set((this.world.now() + this.world.sampleUs) as Instant);
  }

  /** Record the counters when they changed; returns the key they are kept under. */
  private recordConns(service: string, server: string, active: number, inactive: number): string {
    const key = `${service}\u0000${server}`;
    this.recordKey(key, active, inactive);
    return key;
  }

  private recordKey(key: string, active: number, inactive: number): void {
    const packed = active * 1_000_000_000 + inactive;
    if (this.sampled.get(key) === packed) return;
    this.sampled.set(key, packed);
    const log = this.world.log;
    const [service, server] = key.split('\u0000') as [string, string];
    if (log.wants('lvs-conns')) log.record({ kind: 'lvs-conns', at: this.world.now(), node: this.id, service, server, active, inactive });
  }

  private recordZeros(): void {
    for (const key of [...this.sampled.keys()]) this.recordKey(key, 0, 0);
  }

  /** An `ipvs` output of the checker process, carried out on the table. */
  private command(command: IpvsCommand, server: LvsServerMapping, now: Instant): void {
    const port = this.port;
    if (port === undefined) return;
    port.command(command, server, now);
    this.afterDirector();
  }

  private guard(body: () => void): void {
    this.world.guard(this.id, body);
  }
}

/** The first multiple of `step` at or after `t` (at least `step`, so sampling starts after boot settles). */
function nextMultiple(t: number, step: number): Instant {
  return (Math.floor(t / step) * step + step) as Instant;
}

/** Each node's checkers draw their warmup delays from their own seed. */