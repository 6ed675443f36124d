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
 * - Checks. A `probe` output becomes a TCP connect from this node's own address
 *   to the real server: SYN-ACK → connected (HTTP_GET: status 200; MISC_CHECK:
 *   exit 0), RST → refused (HTTP: connect failed; MISC: exit 1), silence → the
 *   engine's own timeout. A MISC_CHECK script is taken to test its real server,
 *   the usual use. `ipvs` outputs change the table; `lvs-check` observations say
 *   when a server went in or out of service, with the checker's last log line.
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
 * - Every queue entry carries the incarnation it was made in (Wake generations);
 *   nothing from before a halt acts after it.
 * - Engine and model failures become a SimulationFailure naming the seed, node
 *   and time.
 */
import { Host, type HostPorts } from '../core/host.js';
import { formatIpv4, parseIpv4 } from '../core/ipv4.js';
import type { NodeId } from '../core/ids.js';
import { hashString } from '../core/rng.js';
import type { DurationUs, Instant } from '../core/time.js';
import type { CheckerInput, CheckerOutput, CheckerConfig, ProbeResult, ServiceStatus } from '../ipvs/checkers/types.js';
import type { ClientAnswer, InVerdict, SyncState } from '../ipvs/director-types.js';
import type { EventQueue } from './event-queue.js';
import { reply, RST, segment, SYN, type LvsPacket, type TcpSegment } from './lvs-packet.js';
import type { CheckerEngineLike, DirectorFactory, DirectorPort, IpvsCommand, LvsServerMapping, SimLvsDirectorConfig } from './lvs-types.js';
import { Wake } from './lvs-wake.js';
import type { LvsEndpoint, LvsWire } from './lvs-wire.js';
import type { Attachment } from './network.js';
import type { ObservationLog } from './observations.js';

/** What a director needs from the simulation around it. */
export interface DirectorWorld {
  readonly seed: number;
  readonly queue: EventQueue;
  readonly wire: LvsWire;
  readonly log: ObservationLog;
  readonly checkerEngine: CheckerEngineLike;
  /** keepalived's view of its real servers, read from the checker engine's state. */
  checkerStatus(state: unknown): readonly ServiceStatus[];
  readonly makeDirector: DirectorFactory;
  /** The clients' router: packets for addresses off the segment go there. */
  readonly gateway: string;
  readonly sampleUs: DurationUs;
  now(): Instant;
  /** Run `body`, turning a model's exception into a SimulationFailure for `node`. */
  guard(node: NodeId, body: () => void): void;
}

/** Checker connects come from these local ports, one per probe in flight. */
const PROBE_PORT_FIRST = 40000;
const PROBE_PORT_COUNT = 20000;

interface Probe {
  readonly probeId: number;
  readonly type: 'tcp' | 'http' | 'misc';
  readonly incarnation: number;
}

export class SimDirector implements LvsEndpoint {
  private port: DirectorPort | undefined;
  private checker: Host<CheckerConfig, unknown, CheckerInput, CheckerOutput> | undefined;
  private incarnation = 0;
  private paused = false;
  private checkerOverdue = false;
  private held: CheckerInput[] = [];
  private readonly probes = new Map<number, Probe>();
  private nextProbe = 0;
  private syncState: SyncState = 'none';
  private readonly byChecker = new Map<string, LvsServerMapping>();
  private readonly byDest = new Map<string, LvsServerMapping>();
  private readonly vipOf = new Map<number, string>();
  private readonly sampled = new Map<string, number>();
  private readonly alive = new Map<string, boolean>();
  /** The checker's log lines of the step in progress: the reason given when a server goes in or out. */
  private stepLogs: string[] = [];
  private readonly directorWake: Wake;
  private readonly checkerWake: Wake;
  private readonly sampleWake: Wake;

  constructor(
    readonly id: NodeId,
    private readonly config: SimLvsDirectorConfig,
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
    this.checkerWake = new Wake(world.queue, now, () => this.onCheckerDeadline());
    this.sampleWake = new Wake(world.queue, now, () => this.guard(() => this.sample(true)));
  }

  // ---------------------------------------------------------------- lifecycle

  /** keepalived starts: an empty table, fresh checkers. */
  boot(): void {
    this.halt(undefined);
    const incarnation = ++this.incarnation;
    const now = this.world.now();
    this.guard(() => {
      this.port = this.world.makeDirector(this.config.director, this.world.seed);
      if (this.config.sync !== undefined) this.setSync('backup');
      const ports: HostPorts<CheckerOutput> = {
        clock: this.world,
        alarm: { wakeAt: (at) => incarnation === this.incarnation && this.checkerWake.set(at) },
        perform: (output, at) => incarnation === this.incarnation && this.perform(output, at),
      };
      this.drive(() => {
        this.checker = new Host(this.world.checkerEngine, { ...this.config.checker, seed: checkerSeed(this.world.seed, this.id) }, ports);
      });
      this.afterDirector();
    });
    this.sampleWake.set(nextMultiple(now, this.world.sampleUs));
  }

  /** keepalived is gone (`reason` set: record it), or about to restart. */
  halt(reason: 'stop' | 'crash' | undefined): void {
    if (this.port === undefined) return;
    this.incarnation++;
    for (const w of [this.directorWake, this.checkerWake, this.sampleWake]) w.cancel();
    this.port = undefined;
    this.checker = undefined;
    this.paused = false;
    this.checkerOverdue = false;
    this.held = [];
    this.probes.clear();
    this.syncState = 'none';
    if (reason !== undefined) this.recordZeros();
    this.alive.clear();
  }

  pause(): void {
    if (this.port !== undefined) this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    if (this.checkerOverdue) {
      this.checkerOverdue = false;
      this.drive(() => this.checker?.fire());
    }
    for (const input of held) this.deliver(input);
  }

  /** A VRRP instance of this node changed state: the sync thread and ha_suspend follow. */
  onTransition(instance: string, to: string): void {
    if (this.port === undefined) return;
    if (this.config.sync?.instance === instance) this.setSync(to === 'MASTER' ? 'master' : 'backup');
    this.deliver({ kind: 'vrrp-state', master: to === 'MASTER' });
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
    if (nextHop === at.address && packet.daddr === parseIpv4(at.address)) return this.onProbeAnswer(packet);
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

  // ---------------------------------------------------------------- the checker process

  private onCheckerDeadline(): void {
    if (this.paused) {
      this.checkerOverdue = true;
      return;
    }
    this.drive(() => this.checker?.fire());
  }

  private deliver(input: CheckerInput): void {
    if (this.checker === undefined) return;
    if (this.paused) {
      this.held.push(input);
      return;
    }
    const checker = this.checker;
    this.drive(() => checker.deliver(input));
  }

  /** One step of the checker engine, then what it changed about which servers are alive. */
  private drive(step: () => void): void {
    this.stepLogs = [];
    this.guard(() => {
      step();
      this.reviewAlive();
    });
  }

  /** keepalived's own verdict (`alive`: every checker of the server up) after a step; changes become `lvs-check`. */
  private reviewAlive(): void {
    const checker = this.checker;
    if (checker === undefined) return;
    const now = this.world.now();
    for (const service of this.world.checkerStatus(checker.state)) {
      for (const server of service.servers) {
        const m = this.byChecker.get(`${service.service}\u0000${server.server}`);
        if (m === undefined || m.sorry) continue;
        const key = `${m.service}\u0000${m.realServer}`;
        if (this.alive.get(key) === server.alive) continue;
        this.alive.set(key, server.alive);
        const reason = [...this.stepLogs].reverse().find((l) => l.includes(m.address)) ?? this.stepLogs.at(-1) ?? (server.alive ? 'alive' : 'not alive');
        this.world.log.record({ kind: 'lvs-check', at: now, node: this.id, service: m.service, server: m.realServer, up: server.alive, reason });
      }
    }
  }

  private perform(output: CheckerOutput, now: Instant): void {
    switch (output.kind) {
      case 'probe':
        return this.startProbe(output);
      case 'ipvs':
        return this.command(output, now);
      case 'log':
        this.stepLogs.push(output.text);
        return;
      case 'notify':
      case 'quorum':
        return;
    }
  }

  private command(command: IpvsCommand, now: Instant): void {
    const mapping = this.byChecker.get(`${command.service}\u0000${command.server}`);
    const port = this.port;
    if (mapping === undefined || port === undefined) return;
    port.command(command, mapping, now);
    this.afterDirector();
  }

  private startProbe(probe: Extract<CheckerOutput, { kind: 'probe' }>): void {
    const target = this.probeTarget(probe);
    if (target === undefined) return; // nothing to connect to: the engine times the probe out
    const from = this.routeTo(target.address);
    if (from === undefined) return;
    const localPort = PROBE_PORT_FIRST + (this.nextProbe++ % PROBE_PORT_COUNT);
    this.probes.set(localPort, { probeId: probe.probeId, type: probe.type, incarnation: this.incarnation });
    const own = parseIpv4(from.address) ?? 0;
    this.world.wire.send(from, target.address, segment(own, localPort, parseIpv4(target.address) ?? 0, target.port, SYN));
  }

  /** Where a probe connects: its own target, or for MISC_CHECK the real server it checks. */
  private probeTarget(probe: Extract<CheckerOutput, { kind: 'probe' }>): { address: string; port: number } | undefined {
    if (probe.type !== 'misc') return { address: probe.address, port: probe.port };
    const m = this.byChecker.get(`${probe.service}\u0000${probe.server}`);
    return m === undefined ? undefined : { address: m.address, port: m.port };
  }

  private onProbeAnswer(packet: TcpSegment): void {
    const probe = this.probes.get(packet.dport);
    if (probe === undefined || probe.incarnation !== this.incarnation) return;
    this.probes.delete(packet.dport);
    const connected = packet.tcpFlags.syn && packet.tcpFlags.ack;
    if (connected) {
      // keepalived closes the checked connection at once.
      const from = this.routeTo(formatIpv4(packet.saddr));
      if (from !== undefined) this.world.wire.send(from, formatIpv4(packet.saddr), reply(packet, RST));
    }
    this.deliver({ kind: 'probe-result', probeId: probe.probeId, result: probeResult(probe.type, connected) });
  }

  /** The interface whose segment has `address` on it. */
  private routeTo(address: string): Attachment | undefined {
    for (const at of this.attachments.values()) if (this.world.wire.reachable(at, address)) return at;
    return undefined;
  }

  private guard(body: () => void): void {
    this.world.guard(this.id, body);
  }
}

function probeResult(type: Probe['type'], connected: boolean): ProbeResult {
  if (type === 'tcp') return { type, outcome: connected ? 'connected' : 'refused' };
  if (type === 'http') return connected ? { type, outcome: 'response', status: 200 } : { type, outcome: 'connect-failed' };
  return { type, outcome: 'exited', code: connected ? 0 : 1 };
}

/** The first multiple of `step` at or after `t` (at least `step`, so sampling starts after boot settles). */
function nextMultiple(t: number, step: number): Instant {
  return (Math.floor(t / step) * step + step) as Instant;
}

/** Each node's checkers draw their warmup delays from their own seed. */
const checkerSeed = (seed: number, node: NodeId): number => hashString(`${seed}/checkers/${node}`);
