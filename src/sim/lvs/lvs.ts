/**
 * Load balancing in the simulator: the machines around the directors (real
 * servers, the clients' router) and the director side of every keepalived node
 * with `virtual_server` blocks, on the simulation's segments.
 *
 * Theory of operation
 * -------------------
 * `SimLvs` owns the LVS wire (wire.ts), one SimRealServer per real server,
 * one SimClients for the client population and one SimDirector per director
 * node. The simulation tells it what happens to the nodes (start, stop, crash,
 * pause, resume — the director's table and checkers follow) and to their VRRP
 * instances (the sync thread follows), and hands it the three LVS event words:
 * `clients` sets the load, `rsdown` / `rsup` fail and restore a real server.
 *
 * Placement: every real server, and the clients' router, is one interface on
 * the segment of the network its spec names (the same segment the nodes' `eth0`
 * are on, for network `eth0`). Clients come from a documentation /24 behind the
 * router: 203.0.113.0/24, or 198.51.100.0/24 when the router sits in the first.
 *
 * Rules
 * -----
 * - A real server may be named by its id (rs1) or its address (192.0.2.31) in
 *   events; unknown names are ScenarioErrors with a stable code, raised before
 *   anything changes.
 * - Client traffic draws from `lvs/clients`; LVS latency and loss from
 *   `lvs/latency` and `lvs/loss`: adding load never changes the VRRP run's draws.
 */
import type { ClusterEvent, LvsClusterSpec } from '../../core/backend.js';
import { ScenarioError } from '../../core/errors.js';
import type { NodeId, SegmentId } from '../../core/ids.js';
import { parseIpv4, type Ipv4 } from '../../core/ipv4.js';
import type { Rng } from '../../core/rng.js';
import { US_PER_SECOND, type DurationUs, type Instant } from '../../core/time.js';
import { DEFAULT_HOLD_US, SimClients, type ClientTarget } from './clients.js';
import { NeighbourCache } from './neighbour.js';
import type { EventQueue } from '../event-queue.js';
import { interfaceMac } from '../../core/mac.js';
import { SimDirector, type DirectorWorld } from './director.js';
import type { ServiceStatus } from '../../ipvs/checkers/types.js';
import type { CheckerEngineLike, DirectorFactory } from '../../ipvs/director-port.js';
import type { DirectorNodeConfig } from '../../ipvs/director-node-config.js';
import { LvsWire } from './wire.js';
import { Attachment, type SimNetwork } from '../network.js';
import type { ObservationLog } from '../observations.js';
import { SimRealServer } from './real-server.js';

/** The IPVS model and keepalived's checker process the directors run. */
export interface LvsEngines {
  readonly checkerEngine: CheckerEngineLike;
  /** keepalived's view of its real servers (alive or not), read from the engine's state. */
  readonly checkerStatus: (state: unknown) => readonly ServiceStatus[];
  readonly makeDirector: DirectorFactory;
  /** How often each director's connection counters are sampled. Default 1 s. */
  readonly sampleUs?: DurationUs;
}

/** What SimLvs needs from the simulation. */
export interface LvsHostWorld {
  readonly seed: number;
  readonly queue: EventQueue;
  readonly network: SimNetwork;
  readonly log: ObservationLog;
  readonly rng: Rng;
  now(): Instant;
  guard(node: NodeId, body: () => void): void;
  /** The segment a network name (an interface name) stands for. */
  segmentOf(network: string): SegmentId;
}

const CLIENT_POOLS = ['203.0.113.0', '198.51.100.0'];
/** MAC node numbers for the LVS-only hosts, clear of the keepalived nodes' (1, 2, …). */
const LVS_MAC_BASE = 0xe000;

export class SimLvs {
  readonly wire: LvsWire;
  private readonly directors = new Map<NodeId, SimDirector>();
  private readonly servers = new Map<string, SimRealServer>();
  private readonly serverList: SimRealServer[] = [];
  private clientHost: SimClients | undefined;
  private readonly targets = new Map<string, ClientTarget>();
  private defaultTarget: ClientTarget | undefined;
  private gateway = '0.0.0.0';
  private readonly directorWorld: DirectorWorld;

  constructor(
    private readonly world: LvsHostWorld,
    engines: LvsEngines,
  ) {
    this.wire = new LvsWire(world.network, world.queue, () => world.now(), world.rng.fork('latency'), world.rng.fork('loss'));
    const gateway = (): string => this.gateway;
    this.directorWorld = {
      seed: world.seed,
      queue: world.queue,
      wire: this.wire,
      log: world.log,
      checkerEngine: engines.checkerEngine,
      checkerStatus: engines.checkerStatus,
      makeDirector: engines.makeDirector,
      // Read when a packet leaves: directors may be added before the clients' router is known.
      get gateway() {
        return gateway();
      },
      sampleUs: engines.sampleUs ?? US_PER_SECOND,
      now: () => world.now(),
      guard: (id, body) => world.guard(id, body),
    };
  }

  // ---------------------------------------------------------------- building

  /** A keepalived node with virtual servers: its director side. */
  addDirector(node: NodeId, config: DirectorNodeConfig, attachments: ReadonlyMap<string, Attachment>): SimDirector {
    const director = new SimDirector(node, config, attachments, this.directorWorld);
    this.directors.set(node, director);
    return director;
  }

  /** The real servers and the clients' router. */
  setCluster(spec: LvsClusterSpec): void {
    if (this.clientHost !== undefined) throw new ScenarioError('sim-lvs-twice', 'the LVS machines were already set up');
    this.gateway = spec.clients.address;
    const vips = spec.services.map((s) => parseIpv4(s.split(':')[0] ?? '')).filter((v): v is Ipv4 => v !== undefined);
    spec.realServers.forEach((rs, i) => {
      const at = this.attachment(rs.id, rs.address, rs.network, i + 1);
      const server = new SimRealServer({ id: rs.id, attachment: at, ports: rs.ports, loopback: vips, gateway: rs.gateway ?? spec.clients.address, wire: this.wire, now: () => this.world.now() });
      this.serverList.push(server);
      this.servers.set(rs.id, server);
      this.servers.set(rs.address, server);
    });
    const router = this.attachment(spec.clients.id, spec.clients.address, spec.clients.network, spec.realServers.length + 1);
    const pool = CLIENT_POOLS.map((p) => parseIpv4(p) as Ipv4).find((p) => Math.floor((parseIpv4(spec.clients.address) ?? 0) / 256) !== p / 256) as Ipv4;
    this.clientHost = new SimClients({ id: spec.clients.id, attachment: router, pool, wire: this.wire, queue: this.world.queue, log: this.world.log, rng: this.world.rng.fork('clients'), now: () => this.world.now() });
    this.routerCache(spec.clients.id, router);
    for (const key of spec.services) {
      const [vipText = '', port = ''] = key.split(':');
      const target: ClientTarget = { key, vip: parseIpv4(vipText) ?? 0, vipText, port: Number(port) };
      this.targets.set(key, target);
      this.defaultTarget ??= target;
    }
  }

  /** The clients' router resolves the VIPs through a neighbour cache of its own, which hears the segment's gratuitous ARPs. */
  private routerCache(id: NodeId, router: Attachment): void {
    const cache = new NeighbourCache(id, router, this.world.queue, () => this.world.now(), this.world.rng.fork('neighbour'), this.world.log, {
      transmit: (to, nextHop, packet) => void this.wire.transmit(router, to, nextHop, packet),
    });
    this.wire.resolveWith(router, cache);
    router.segment.garpListeners.push((from, address) => cache.heardGratuitous(from, address));
  }

  private attachment(id: NodeId, address: string, network: string, number: number): Attachment {
    if (parseIpv4(address) === undefined) throw new ScenarioError('sim-bad-interface-address', `${id}: '${address}' is not an IPv4 address`);
    const segment = this.world.network.segment(this.world.segmentOf(network));
    // Index -1: not a keepalived node, so the network never hands it VRRP bytes.
    return new Attachment(id, -1, 'eth0', address, segment, interfaceMac(LVS_MAC_BASE + number, 1), new Set(), true);
  }

  director(node: NodeId): SimDirector | undefined {
    return this.directors.get(node);
  }

  realServers(): readonly SimRealServer[] {
    return this.serverList;
  }

  get clients(): SimClients | undefined {
    return this.clientHost;
  }

  // ---------------------------------------------------------------- events

  /** Reject an LVS event naming what does not exist, before anything changes. */
  validate(event: ClusterEvent): void {
    if (event.kind === 'rsdown' || event.kind === 'rsup') this.server(event.server);
    if (event.kind === 'clients') {
      if (!(event.rate >= 0) || !Number.isFinite(event.rate)) throw new ScenarioError('sim-clients-bad-rate', `clients: the rate must be a number >= 0, got ${event.rate}`);
      this.target(event.service);
    }
  }

  apply(event: ClusterEvent): void {
    switch (event.kind) {
      case 'rsdown':
        return this.server(event.server).down(event.mode);
      case 'rsup':
        return this.server(event.server).up();
      case 'clients': {
        const clients = this.clientHost;
        if (clients === undefined) throw new ScenarioError('sim-no-lvs', 'clients: this cluster has no virtual servers');
        const now = this.world.now();
        clients.setLoad({ rate: event.rate, until: event.durationUs === undefined ? undefined : ((now + event.durationUs) as Instant), holdUs: event.holdUs ?? DEFAULT_HOLD_US, target: this.target(event.service) });
        return;
      }
      default:
        return;
    }
  }

  private server(name: string): SimRealServer {
    const server = this.servers.get(name);
    if (server === undefined) {
      const known = this.serverList.map((s) => `${s.id} (${s.attachment.address})`).join(', ') || 'none';
      throw new ScenarioError('sim-unknown-real-server', `no real server '${name}' (real servers: ${known})`);
    }
    return server;
  }

  private target(service: string | undefined): ClientTarget {
    const target = service === undefined ? this.defaultTarget : this.targets.get(service);
    if (target === undefined) {
      const known = [...this.targets.keys()].join(', ') || 'none';
      throw new ScenarioError(service === undefined ? 'sim-no-lvs' : 'sim-unknown-service', service === undefined ? 'clients: this cluster has no virtual servers' : `no virtual service '${service}' (services: ${known})`);
    }
    return target;
  }

  // ---------------------------------------------------------------- what happens to the nodes

  onStatus(node: NodeId, what: 'start' | 'stop' | 'crash' | 'pause' | 'resume'): void {
    const director = this.directors.get(node);
    if (director === undefined) return;
    if (what === 'start') director.boot();
    else if (what === 'pause') director.pause();
    else if (what === 'resume') director.resume();
    else director.halt(what);
  }

  onTransition(node: NodeId, instance: string, to: string): void {
    this.directors.get(node)?.onTransition(instance, to);
  }
}
