/**
 * keepalived's checker process on a simulated director: the checker engine
 * behind core's Host, its probes carried over the simulated network, and its
 * verdicts recorded.
 *
 * Theory of operation
 * -------------------
 * - Probes. A `probe` output becomes a TCP connect from the director's own
 *   address to the real server: SYN-ACK → connected (HTTP_GET: status 200;
 *   MISC_CHECK: exit 0), RST → refused (HTTP: connect failed; MISC: exit 1),
 *   silence → the engine's own timeout. A MISC_CHECK script is taken to test its
 *   real server, the usual use. keepalived closes a checked connection at once
 *   (an RST here, so the server forgets it).
 * - Table. `ipvs` outputs go to the director's table through `apply`.
 * - Verdicts. After every step the engine's status says which servers keepalived
 *   counts alive (all their checkers up); a change is an `lvs-check`
 *   observation, with the step's log line about that server as the reason.
 * - Pause. A paused keepalived (SIGSTOP) checks nothing: a deadline that comes
 *   is kept for the resume, and probe answers wait for it too, in order.
 *
 * Rules: one instance per keepalived start; `stop` makes everything it queued a
 * no-op, so a restart needs no cleanup of the event queue.
 */
import { Host, type HostPorts } from '../../core/host.js';
import { formatIpv4, parseIpv4 } from '../../core/ipv4.js';
import type { NodeId } from '../../core/ids.js';
import { hashString } from '../../core/rng.js';
import type { Instant } from '../../core/time.js';
import type { CheckerConfig, CheckerInput, CheckerOutput, ProbeResult, ServiceStatus } from '../../ipvs/checkers/types.js';
import type { EventQueue } from '../event-queue.js';
import { reply, RST, segment, SYN, type TcpSegment } from './packet.js';
import type { CheckerEngineLike, IpvsCommand, LvsServerMapping } from '../../ipvs/director-port.js';
import { Wake } from './wake.js';
import type { LvsWire } from './wire.js';
import type { Attachment } from '../network.js';
import type { ObservationLog } from '../observations.js';

/** What a checker process needs from the simulation around it. */
export interface CheckerWorld {
  readonly seed: number;
  readonly queue: EventQueue;
  readonly wire: LvsWire;
  readonly log: ObservationLog;
  readonly checkerEngine: CheckerEngineLike;
  /** keepalived's view of its real servers, read from the checker engine's state. */
  checkerStatus(state: unknown): readonly ServiceStatus[];
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
}

export class SimCheckerProcess {
  private host: Host<CheckerConfig, unknown, CheckerInput, CheckerOutput> | undefined;
  private stopped = false;
  private paused = false;
  private overdue = false;
  private held: CheckerInput[] = [];
  private readonly probes = new Map<number, Probe>();
  private nextProbe = 0;
  private readonly alive = new Map<string, boolean>();
  /** The log lines of the step in progress: the reason given when a server goes in or out. */
  private stepLogs: string[] = [];
  private readonly wake: Wake;

  constructor(
    private readonly node: NodeId,
    private readonly config: CheckerConfig,
    /** Real servers by `checkerService \0 checkerServer`. */
    private readonly servers: ReadonlyMap<string, LvsServerMapping>,
    private readonly attachments: ReadonlyMap<string, Attachment>,
    private readonly world: CheckerWorld,
    /** Carries out an `ipvs` output on the director's table. */
    private readonly apply: (command: IpvsCommand, server: LvsServerMapping, now: Instant) => void,
  ) {
    this.wake = new Wake(world.queue, () => world.now(), () => this.onDeadline());
  }

  /** keepalived starts its checkers: the engine's `init` (without alpha, every server goes in). */
  start(): void {
    const ports: HostPorts<CheckerOutput> = {
      clock: this.world,
      alarm: { wakeAt: (at) => !this.stopped && this.wake.set(at) },
      perform: (output, at) => !this.stopped && this.perform(output, at),
    };
    const seed = hashString(`${this.world.seed}/checkers/${this.node}`);
    this.drive(() => {
      this.host = new Host(this.world.checkerEngine, { ...this.config, seed }, ports);
    });
  }

  /** The process is gone: nothing it queued acts any more. */
  stop(): void {
    this.stopped = true;
    this.wake.cancel();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    if (this.overdue) {
      this.overdue = false;
      this.drive(() => this.host?.fire());
    }
    for (const input of held) this.deliver(input);
  }

  /** ha_suspend: whether this host holds the virtual servers' addresses. */
  vrrpState(master: boolean): void {
    this.deliver({ kind: 'vrrp-state', master });
  }

  /** A segment to the director's own address: the answer to a probe in flight, if it is one. */
  onAnswer(packet: TcpSegment): void {
    const probe = this.probes.get(packet.dport);
    if (probe === undefined || this.stopped) return;
    this.probes.delete(packet.dport);
    const connected = packet.tcpFlags.syn && packet.tcpFlags.ack;
    if (connected) {
      const to = formatIpv4(packet.saddr);
      const from = this.routeTo(to);
      if (from !== undefined) this.world.wire.send(from, to, reply(packet, RST));
    }
    this.deliver({ kind: 'probe-result', probeId: probe.probeId, result: probeResult(probe.type, connected) });
  }

  // ---------------------------------------------------------------- driving the engine

  private onDeadline(): void {
    if (this.paused) {
      this.overdue = true;
      return;
    }
    this.drive(() => this.host?.fire());
  }

  private deliver(input: CheckerInput): void {
    const host = this.host;
    if (host === undefined || this.stopped) return;
    if (this.paused) {
      this.held.push(input);
      return;
    }
    this.drive(() => host.deliver(input));
  }

  /** One step of the engine, then what it changed about which servers are alive. */
  private drive(step: () => void): void {
    this.stepLogs = [];
    this.world.guard(this.node, () => {
      step();
      this.reviewAlive();
    });
  }

  /** keepalived's own verdict (`alive`: every checker of the server up) after a step; changes become `lvs-check`. */
  private reviewAlive(): void {
    const host = this.host;
    if (host === undefined) return;
    const now = this.world.now();
    for (const service of this.world.checkerStatus(host.state)) {
      for (const server of service.servers) {
        const m = this.servers.get(`${service.service}\u0000${server.server}`);
        if (m === undefined || m.sorry) continue;
        const key = `${m.service}\u0000${m.realServer}`;
        if (this.alive.get(key) === server.alive) continue;
        this.alive.set(key, server.alive);
        const logs = [...this.stepLogs].reverse();
        const reason = logs.find((l) => l.includes(`[${m.address}]`)) ?? logs.find((l) => l.includes(m.address)) ?? logs[0] ?? (server.alive ? 'alive' : 'not alive');
        this.world.log.record({ kind: 'lvs-check', at: now, node: this.node, service: m.service, server: m.realServer, up: server.alive, reason });
      }
    }
  }

  private perform(output: CheckerOutput, now: Instant): void {
    switch (output.kind) {
      case 'probe':
        return this.startProbe(output);
      case 'ipvs': {
        const m = this.servers.get(`${output.service}\u0000${output.server}`);
        if (m !== undefined) this.apply(output, m, now);
        return;
      }
      case 'log':
        this.stepLogs.push(output.text);
        return;
      case 'notify':
      case 'quorum':
        return;
    }
  }

  // ---------------------------------------------------------------- probes

  private startProbe(probe: Extract<CheckerOutput, { kind: 'probe' }>): void {
    const target = this.probeTarget(probe);
    if (target === undefined) return; // nothing to connect to: the engine times the probe out
    const from = this.routeTo(target.address);
    if (from === undefined) return;
    const localPort = PROBE_PORT_FIRST + (this.nextProbe++ % PROBE_PORT_COUNT);
    this.probes.set(localPort, { probeId: probe.probeId, type: probe.type });
    const own = parseIpv4(from.address) ?? 0;
    this.world.wire.send(from, target.address, segment(own, localPort, parseIpv4(target.address) ?? 0, target.port, SYN));
  }

  /** Where a probe connects: its own target, or for MISC_CHECK the real server it checks. */
  private probeTarget(probe: Extract<CheckerOutput, { kind: 'probe' }>): { address: string; port: number } | undefined {
    if (probe.type !== 'misc') return { address: probe.address, port: probe.port };
    const m = this.servers.get(`${probe.service}\u0000${probe.server}`);
    return m === undefined ? undefined : { address: m.address, port: m.port };
  }

  /** The interface whose segment has `address` on it. */
  private routeTo(address: string): Attachment | undefined {
    for (const at of this.attachments.values()) if (this.world.wire.reachable(at, address)) return at;
    return undefined;
  }
}

function probeResult(type: Probe['type'], connected: boolean): ProbeResult {
  if (type === 'tcp') return { type, outcome: connected ? 'connected' : 'refused' };
  if (type === 'http') return connected ? { type, outcome: 'response', status: 200 } : { type, outcome: 'connect-failed' };
  return { type, outcome: 'exited', code: connected ? 0 : 1 };
}
