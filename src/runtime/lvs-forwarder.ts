/**
 * A director's load balancing in a lab container whose kernel has no IPVS: the
 * IPVS model (src/ipvs) decides, real sockets carry the traffic, and
 * keepalived's checker engine (src/ipvs/checkers) probes the real servers for
 * real.
 *
 *     node /opt/vrrp-lab/src/runtime/lvs-forwarder.js [--standby] /lab/lvs.json
 *
 * Theory of operation
 * -------------------
 * - Traffic. One listener per virtual service port, on every address; a
 *   connection counts only when it was made to a virtual service's VIP, which
 *   only the VRRP master holds. The model sees what the kernel's IPVS would see
 *   of it: the client's SYN when it connects (the scheduling decision), its
 *   ACK once the real server answered, an ACK per data segment, its FIN or RST
 *   — and, for NAT only, the server's side too (DR and TUN replies bypass the
 *   director). A forward verdict opens a connection to the chosen real server
 *   and joins the two; anything else resets the client, as the kernel's RST or
 *   ICMP unreachable would end its connect.
 * - A user-space forwarder ends the client's TCP connection on the director
 *   itself: unlike IPVS, the real server sees the director as its peer, and a
 *   connection cannot survive its director (no connection sync).
 * - Checks. Probe outputs become a TCP connect (TCP_CHECK; a MISC_CHECK stands
 *   for a check of its real server, as in the simulator) or an HTTP GET with
 *   the body's MD5 (HTTP_GET); `ipvs` outputs change the model's table. After
 *   each step, servers keepalived now counts alive or dead are written as
 *   `lvs-check` lines. ha_suspend follows whether a VIP is on this host.
 * - Counters. Every `sampleMs` the table's ActiveConn/InActConn per real server
 *   are written as `lvs-conns` lines when they changed.
 * - Signals. SIGTERM: keepalived's shutdown (servers leave the table), then
 *   exit. SIGTSTP / SIGCONT: keepalived paused / resumed — its checkers freeze,
 *   forwarding goes on as the kernel's would.
 *
 * Lines in /lab/events.log:
 *   <t> lvs-conns <service> <server> <active> <inactive>
 *   <t> lvs-check <service> <server> up|down <reason>
 *
 * Plain ESM for the image's Node 18.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Host } from '../core/host.js';
import { parseIpv4 } from '../core/ipv4.js';
import { hashString } from '../core/rng.js';
import { instant, type Instant } from '../core/time.js';
import { checkerEngine, checkerStatus, type CheckerConfig, type CheckerEngineState, type CheckerInput, type CheckerOutput, type ProbeResult } from '../ipvs/checkers/index.js';
import { ipvsDirectorFactory, type DirectorPort, type LvsServerMapping } from '../ipvs/director-port.js';
import type { DirectorPacket, InVerdict, TcpFlags } from '../ipvs/director-types.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import { recordEvent } from './events-log.js';
import { runNowOrOnSignal } from './standby.js';

export interface ForwarderConfig {
  readonly node: string;
  readonly lvs: DirectorNodeConfig;
  /** Scenario address → the lab's address for it (segments the lab moved off the host's routes). */
  readonly moved: Readonly<Record<string, string>>;
  readonly seed: number;
  readonly sampleMs: number;
}

const flags = (f: Partial<TcpFlags>): TcpFlags => ({ syn: false, ack: false, fin: false, rst: false, ...f });
const SYN = flags({ syn: true });
const ACK = flags({ ack: true });
const FIN_ACK = flags({ fin: true, ack: true });
const RST = flags({ rst: true });
const SYN_ACK = flags({ syn: true, ack: true });
const VIP_POLL_MS = 100;

let startedAt = performance.now();
const now = (): Instant => instant(Math.round((performance.now() - startedAt) * 1000));

export class Forwarder {
  private readonly port: DirectorPort;
  private readonly checker: Host<CheckerConfig, CheckerEngineState, CheckerInput, CheckerOutput>;
  private readonly byChecker = new Map<string, LvsServerMapping>();
  private readonly byDest = new Map<string, LvsServerMapping>();
  private readonly alive = new Map<string, boolean>();
  private readonly sampled = new Map<string, string>();
  private readonly servers: Server[] = [];
  private readonly intervals: NodeJS.Timeout[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private checkerTimer: NodeJS.Timeout | undefined;
  private stepLogs: string[] = [];
  private paused = false;
  private overdue = false;
  private held: CheckerInput[] = [];
  private holdsVip: boolean | undefined;

  constructor(private readonly config: ForwarderConfig) {
    for (const m of config.lvs.servers) {
      this.byChecker.set(`${m.checkerService}\u0000${m.checkerServer}`, m);
      this.byDest.set(`${m.directorService}\u0000${m.dest}`, m);
    }
    this.port = ipvsDirectorFactory(config.lvs.director, config.seed);
    // keepalived starts its checkers: without alpha every server goes in at once.
    this.checker = new Host(checkerEngine, { ...config.lvs.checker, seed: hashString(`${config.seed}/checkers/${config.node}`) }, {
      clock: { now },
      alarm: { wakeAt: (at) => this.armChecker(at) },
      perform: (o) => this.perform(o),
    });
    this.reviewAlive();
    this.afterDirector();
  }

  /** Listen on every virtual service port; sample the counters; follow the VIPs. */
  listen(): void {
    // TCP services only: UDP and fwmark services get no client traffic in the lab (as in the simulator).
    const tcp = this.config.lvs.services.filter((s) => s.key.startsWith('tcp:') && s.port > 0);
    for (const p of new Set(tcp.map((s) => s.port))) {
      const server = createServer((socket) => this.accept(socket));
      server.on('error', (e) => recordEvent(`lvs-error ${this.config.node} port ${p}: ${e.message}`));
      server.listen({ port: p, host: '0.0.0.0', backlog: 4096 });
      this.servers.push(server);
    }
    this.intervals.push(setInterval(() => this.sample(), this.config.sampleMs));
    this.intervals.push(setInterval(() => this.followVips(), VIP_POLL_MS));
    this.followVips();
  }

  /** Stop listening and every timer (open connections are left to their ends). */
  close(): void {
    for (const s of this.servers) s.close();
    for (const i of this.intervals) clearInterval(i);
    for (const t of [this.tickTimer, this.checkerTimer]) if (t) clearTimeout(t);
  }

  // ---------------------------------------------------------------- traffic

  private accept(client: Socket): void {
    client.pause();
    client.on('error', () => undefined);
    const local = (client.localAddress ?? '').replace(/^::ffff:/, '');
    const service = this.config.lvs.services.find((s) => s.key.startsWith('tcp:') && s.vip === local && s.port === client.localPort);
    const saddr = parseIpv4((client.remoteAddress ?? '').replace(/^::ffff:/, ''));
    if (service === undefined || saddr === undefined) return void client.resetAndDestroy();
    const packet = (tcpFlags: TcpFlags): DirectorPacket => ({ proto: 'tcp', saddr, sport: client.remotePort ?? 0, daddr: parseIpv4(service.vip) ?? 0, dport: service.port, tcpFlags });
    const verdict = this.packetIn(packet(SYN));
    if (verdict?.kind !== 'forward') return void client.resetAndDestroy();
    const target = this.targetOf(verdict, service.port);
    const nat = verdict.method === 'nat';
    const reply = (tcpFlags: TcpFlags): void => {
      if (!nat || target === undefined) return;
      this.guard(() => this.port.packetOut({ proto: 'tcp', saddr: parseIpv4(target.address) ?? 0, sport: target.port, daddr: saddr, dport: client.remotePort ?? 0, tcpFlags }, now()));
      this.afterDirector();
    };
    if (target === undefined) return void client.resetAndDestroy();
    const upstream = connect({ host: this.config.moved[target.address] ?? target.address, port: target.port });
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    let joined = false;
    // Once the real server has reset the connection the client sends nothing more:
    // its kernel got the RST (from the server directly in DR and TUN).
    let reset = false;
    const fromClient = (tcpFlags: TcpFlags): void => void (reset || this.packetIn(packet(tcpFlags)));
    upstream.on('connect', () => {
      joined = true;
      reply(SYN_ACK);
      fromClient(ACK);
      client.on('data', (chunk) => {
        fromClient(ACK);
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => client.write(chunk));
      client.resume();
    });
    client.on('end', () => {
      fromClient(FIN_ACK);
      upstream.end();
    });
    client.on('close', (hadError) => {
      if (!hadError) return;
      fromClient(RST);
      upstream.resetAndDestroy();
    });
    upstream.on('end', () => {
      reply(FIN_ACK);
      client.end();
    });
    upstream.on('error', () => {
      // Refused or reset: the client sees the real server's RST.
      reply(RST);
      reset = true;
      client.resetAndDestroy();
    });
    upstream.on('close', () => {
      if (!joined) client.resetAndDestroy();
    });
  }

  /** Where a forward verdict sends the connection: DR and TUN keep the service's port, NAT maps it. */
  private targetOf(verdict: Extract<InVerdict, { kind: 'forward' }>, servicePort: number): { address: string; port: number } | undefined {
    const m = verdict.dest === undefined ? undefined : this.byDest.get(`${verdict.service}\u0000${verdict.dest}`);
    if (m === undefined) return undefined;
    const rw = verdict.rewrite;
    return rw.method === 'nat' ? { address: m.address, port: rw.dport } : { address: m.address, port: servicePort };
  }

  private packetIn(packet: DirectorPacket): InVerdict | undefined {
    let verdict: InVerdict | undefined;
    this.guard(() => (verdict = this.port.packetIn(packet, now())));
    this.afterDirector();
    return verdict;
  }

  private afterDirector(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    const at = this.port.nextDeadline();
    this.tickTimer = at === undefined ? undefined : setTimeout(() => {
      this.guard(() => this.port.tick(now()));
      this.afterDirector();
    }, Math.max(0, Math.ceil((at - now()) / 1000)));
  }

  private sample(): void {
    const listed = new Set<string>();
    for (const service of this.port.stats().services) {
      for (const d of service.dests) {
        const m = this.byDest.get(`${service.key}\u0000${d.name}`);
        const key = `${m?.service ?? service.key} ${m?.realServer ?? d.name}`;
        listed.add(key);
        this.recordConns(key, d.active, d.inactive);
      }
    }
    for (const key of this.sampled.keys()) if (!listed.has(key)) this.recordConns(key, 0, 0);
  }

  private recordConns(key: string, active: number, inactive: number): void {
    const value = `${active} ${inactive}`;
    if (this.sampled.get(key) === value) return;
    this.sampled.set(key, value);
    recordEvent(`lvs-conns ${key} ${value}`);
  }

  // ---------------------------------------------------------------- checks

  private armChecker(at: Instant | undefined): void {
    if (this.checkerTimer) clearTimeout(this.checkerTimer);
    this.checkerTimer = at === undefined ? undefined : setTimeout(() => this.onCheckerDeadline(), Math.max(0, Math.ceil((at - now()) / 1000)));
  }

  private onCheckerDeadline(): void {
    if (this.paused) {
      this.overdue = true;
      return;
    }
    this.drive(() => this.checker.fire());
  }

  deliver(input: CheckerInput): void {
    if (this.paused) return void this.held.push(input);
    this.drive(() => this.checker.deliver(input));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.overdue) {
      this.overdue = false;
      this.drive(() => this.checker.fire());
    }
    for (const input of this.held.splice(0)) this.deliver(input);
  }

  /** keepalived's shutdown: the checker takes its servers out of the table; then the process leaves. */
  shutdown(): void {
    this.paused = false;
    this.deliver({ kind: 'shutdown' });
    this.sample();
    this.close();
  }

  private drive(step: () => void): void {
    this.stepLogs = [];
    this.guard(step);
    this.reviewAlive();
  }

  private reviewAlive(): void {
    for (const service of checkerStatus(this.checker.state)) {
      for (const server of service.servers) {
        const m = this.byChecker.get(`${service.service}\u0000${server.server}`);
        if (m === undefined || m.sorry) continue;
        const key = `${m.service} ${m.realServer}`;
        if (this.alive.get(key) === server.alive) continue;
        this.alive.set(key, server.alive);
        const logs = [...this.stepLogs].reverse();
        const reason = logs.find((l) => l.includes(`[${m.address}]`)) ?? logs.find((l) => l.includes(m.address)) ?? logs[0] ?? (server.alive ? 'alive' : 'not alive');
        recordEvent(`lvs-check ${key} ${server.alive ? 'up' : 'down'} ${reason}`);
      }
    }
  }

  private perform(output: CheckerOutput): void {
    switch (output.kind) {
      case 'probe':
        return this.probe(output);
      case 'ipvs': {
        const m = this.byChecker.get(`${output.service}\u0000${output.server}`);
        if (m !== undefined) this.guard(() => this.port.command(output, m, now()));
        this.afterDirector();
        return;
      }
      case 'log':
        this.stepLogs.push(output.text);
        return;
      default:
        return;
    }
  }

  private probe(probe: Extract<CheckerOutput, { kind: 'probe' }>): void {
    const done = (result: ProbeResult): void => this.deliver({ kind: 'probe-result', probeId: probe.probeId, result });
    const timeoutMs = Math.ceil(probe.timeoutUs / 1000);
    if (probe.type === 'http') return httpProbe(this.config.moved[probe.address] ?? probe.address, probe.port, probe.path, probe.host, timeoutMs, done);
    const target = probe.type === 'tcp' ? { address: probe.address, port: probe.port } : this.byChecker.get(`${probe.service}\u0000${probe.server}`);
    if (target === undefined) return; // nothing to connect to: the engine times the probe out
    const socket = connect({ host: this.config.moved[target.address] ?? target.address, port: target.port });
    // The engine declares the timeout itself; a late answer is stale and ignored.
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.resetAndDestroy(); // keepalived closes a checked connection at once
      done(probe.type === 'tcp' ? { type: 'tcp', outcome: 'connected' } : { type: 'misc', outcome: 'exited', code: 0 });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code !== 'ECONNREFUSED') return; // unreachable: let the engine time it out
      done(probe.type === 'tcp' ? { type: 'tcp', outcome: 'refused' } : { type: 'misc', outcome: 'exited', code: 1 });
    });
  }

  // ---------------------------------------------------------------- ha_suspend

  private followVips(): void {
    const local = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
    const holds = this.config.lvs.services.some((s) => local.has(s.vip));
    if (holds === this.holdsVip) return;
    this.holdsVip = holds;
    this.deliver({ kind: 'vrrp-state', master: holds });
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      recordEvent(`lvs-error ${this.config.node} ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function httpProbe(address: string, port: number, path: string, host: string, timeoutMs: number, done: (r: ProbeResult) => void): void {
  const req = request({ host: address, port, path, method: 'GET', headers: { Host: host, Connection: 'close' }, timeout: timeoutMs }, (res) => {
    const hash = createHash('md5');
    res.on('data', (c: Buffer) => hash.update(c));
    res.on('end', () => done({ type: 'http', outcome: 'response', status: res.statusCode ?? 0, digest: hash.digest('hex') }));
    res.on('error', () => undefined);
  });
  req.on('timeout', () => req.destroy());
  req.on('error', (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED' && done({ type: 'http', outcome: 'connect-failed' }));
  req.end();
}

function main(path: string): void {
  startedAt = performance.now();
  const forwarder = new Forwarder(JSON.parse(readFileSync(path, 'utf8')) as ForwarderConfig);
  forwarder.listen();
  process.on('SIGTERM', () => {
    forwarder.shutdown();
    setTimeout(() => process.exit(0), 100);
  });
  process.on('SIGTSTP', () => forwarder.pause());
  process.on('SIGCONT', () => forwarder.resume());
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runNowOrOnSignal('lvs', process.argv.slice(2), 'lvs-forwarder.js [--standby] CONFIG.json', ([path]) => main(path as string));
}
