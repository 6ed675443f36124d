/**
 * The Docker backend behind the Backend port (core/backend.ts): each node a
 * container on real bridge networks, running real keepalived (or our daemon).
 *
 * Theory of operation:
 * - create → start: connect to the engine, require the node image, remove what
 *   dead runs left, plan the networks off the host's routes and the engine's
 *   other networks, planning again if a parallel lab took the subnet first
 *   (lab-plan.ts, lab-networks.ts),
 *   create one network per segment and one container per node, write each
 *   node's config, start its observer (docker/observe.sh), then take the start
 *   time t0 and start the engines of the nodes that start at 0.
 * - Time is the host's realtime clock minus t0, in microseconds: the nodes
 *   stamp their notify lines and address changes on the same kernel clock.
 *   `advance` waits on the wall clock.
 * - Observations come from the nodes: keepalived's notify hook gives every
 *   transition with the priority keepalived reports; `ip monitor` gives every
 *   VIP added or removed.
 * - stop: the VIP holders are read with `ip -4 addr` and compared with what the
 *   observations say; then everything labelled with the run's id is removed.
 *   The same removal runs on failure, on SIGINT/SIGTERM, and (for runs whose
 *   process died) at the start of the next run.
 */
import { formatConfigRewrite, type CapabilityMap, type CapabilityName, type Cluster, type ClusterEvent, type ClusterSpec, type ConfigRewrite, type LvsClusterSpec, type Observation, type StartedCluster, type StateName, type StoppedCluster, type VipCheck } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { instant, type DurationUs, type Instant } from '../core/time.js';
import { CAPTURE_FILTER, captureFile, mergeCaptures } from './capture.js';
import { cleanupOnSignal } from './cleanup.js';
import { connectDocker, type Docker } from './docker-client.js';
import { formatSubnet } from './host-routes.js';
import { requireNodeImage } from './image.js';
import { KeepalivedRunner, type NodeEngineRunner } from './keepalived-node.js';
import { labelsFor, newRunId, removeRun, removeStale } from './labels.js';
import type { LabPlan } from './lab-plan.js';
import { planAndCreateNetworks } from './lab-networks.js';
import { applyNetworkFault } from './faults.js';
import { dockerNodeConfig, type DockerNodeConfig, type NodeEngineKind } from './node-config.js';
import type { NodeBackend, NodeSpec } from '../spec/node-spec.js';
import { NodeContainer, type StartedNodeContainer } from './node-container.js';
import { parseNodeLine } from './node-events.js';
import { checkLvsRunnable, ClientsHost, DirectorRunner, lvsPlanNodes, RealServerHost } from './lvs-lab.js';
import { DaemonRunner } from './ts-node.js';

export interface DockerBackendOptions {
  /** Image to run; default the node image for the current inputs (must be built). */
  readonly image?: string;
  /** Run the vrrp_script commands as written instead of the scenario-controlled stub. */
  readonly realScripts?: boolean;
  /** Progress messages (network moved, nodes up). */
  readonly log?: (line: string) => void;
  /** An engine client; default DOCKER_HOST or the local socket. */
  readonly docker?: Docker;
  /** Capture every frame the nodes send (VRRP, ARP) from before the start: the `capture` capability. */
  readonly capture?: boolean;
  /** What runs VRRP in the nodes: real keepalived (default) or our engine as a daemon. */
  readonly engine?: NodeEngineKind;
  /** Per-node engines for mixed clusters, by node id; the others run `engine`. */
  readonly engines?: Readonly<Record<NodeId, NodeEngineKind>>;
}

export interface RunnerContext {
  readonly moved: ReadonlyMap<string, string>;
  readonly ownAddresses: readonly string[];
  readonly realScripts: boolean;
}

export type { VipCheck };

export interface DockerStoppedCluster extends StoppedCluster {
  readonly vips: readonly VipCheck[];
}

export interface DockerStartedCluster extends StartedCluster {
  readonly runId: string;
  readonly plan: LabPlan;
  /** Wall-clock seconds from `start()` until every node was up (containers, observers). */
  readonly startupSeconds: number;
  /** Who holds each VIP now by `ip -4 addr` in the nodes, against what the observations say. */
  checkVips(): Promise<VipCheck[]>;
  /** A node's container, for what the port has no verb for (captures, inspection). */
  container(node: NodeId): StartedNodeContainer;
  /** With `capture`: stop the nodes' captures and merge them into one pcap on the run's clock. */
  collectCapture(): Promise<{ readonly pcap: Uint8Array; readonly frames: number }>;
  stop(): Promise<DockerStoppedCluster>;
}

export const realtimeUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

export interface DockerCluster extends Cluster {
  start(options?: { readonly deferred?: readonly NodeId[] }): Promise<DockerStartedCluster>;
}

export interface DockerBackend extends NodeBackend {
  create(spec: ClusterSpec<NodeSpec>): DockerCluster;
}

/** The backend maps each NodeSpec itself, with the engine its options name for the node. */
export function createDockerBackend(options: DockerBackendOptions = {}): DockerBackend {
  const engine = options.engine ?? 'keepalived';
  return {
    name: 'docker',
    capabilities: new Set<CapabilityName>(['lvs', 'vip-audit', 'startup-time', 'config-rewrites', ...(options.capture === true ? (['capture'] as const) : [])]),
    create: (spec) => ({
      start: (startOptions) => {
        const nodes = spec.nodes.map((n) => ({ ...n, config: dockerNodeConfig(n.id, n.config, engine, options.engines) }));
        return startCluster({ ...spec, nodes }, options, startOptions?.deferred ?? []);
      },
    }),
  };
}

interface LabNode {
  readonly id: NodeId;
  readonly config: DockerNodeConfig;
  readonly container: StartedNodeContainer;
  readonly runner: NodeEngineRunner;
  /** Container interface → scenario interface name. */
  readonly segments: ReadonlyMap<string, string>;
  readonly replaced: readonly ConfigRewrite[];
  readonly addresses: readonly string[];
  states: Map<string, StateName>;
  /** The last priority each instance reported, to turn FIFO priority lines into changes. */
  priorities: Map<string, number>;
  /** A director's last counters per "service server", to record zeros when its host goes. */
  conns: Map<string, { readonly service: string; readonly server: string; readonly active: number; readonly inactive: number }>;
  /** Why the node's addresses are going away, while they are (kill, stop). */
  reason?: string;
}

async function createNetworks(docker: Docker, runId: string, plan: LabPlan): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const s of plan.segments) {
    const name = `vrrp-lab-${runId}-${s.name}`;
    await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      // Not `internal`: Docker 20.10 then drops traffic between the network's own
      // containers when the host filters bridged packets. Without masquerading,
      // nothing from the lab is translated onto the host's networks.
      Internal: false,
      Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: formatSubnet(s.subnet), Gateway: s.gateway }] },
      Labels: labelsFor(runId),
    });
    ids.set(s.name, name);
  }
  return ids;
}

async function startCluster(spec: ClusterSpec<DockerNodeConfig>, options: DockerBackendOptions, deferred: readonly NodeId[]): Promise<DockerStartedCluster> {
  const began = performance.now();
  const docker = options.docker ?? (await connectDocker());
  const image = options.image ?? (await requireNodeImage(docker));
  const log = options.log ?? (() => undefined);
  const stale = await removeStale(docker);
  if (stale.containers + stale.networks > 0) log(`removed ${stale.containers} containers and ${stale.networks} networks left by an earlier run that was killed`);
  checkLvsRunnable(spec.nodes.map((n) => ({ id: n.id, ...(n.config.lvs === undefined ? {} : { lvs: n.config.lvs }) })));
  const directors = spec.nodes.map((n) => ({ id: n.id, interfaces: n.config.interfaces }));
  const runId = newRunId();
  const unregister = cleanupOnSignal(async () => void (await removeRun(docker, runId)));
  try {
    const planNodes = [...directors, ...(spec.lvs === undefined ? [] : lvsPlanNodes(spec.lvs, directors))];
    const vips = spec.nodes.flatMap((n) => n.config.vips.map((v) => v.address));
    const { plan, networks } = await planAndCreateNetworks(docker, planNodes, vips, (p) => createNetworks(docker, runId, p), async () => void (await removeRun(docker, runId)));
    for (const s of plan.segments) if (s.movedFrom) log(`segment ${s.name}: ${formatSubnet(s.movedFrom)} ${s.movedBecause}; the lab runs it on ${formatSubnet(s.subnet)} (VIPs unchanged)`);
    const nodes = await Promise.all(spec.nodes.map((n) => startNode(docker, image, runId, plan, networks, n, options, spec.seed)));
    const lvs = spec.lvs === undefined ? undefined : await startLvsHosts(docker, image, runId, plan, networks, spec.lvs);
    const cluster = new RunningDockerCluster(docker, runId, plan, nodes, unregister, lvs, options.capture === true);
    await cluster.begin(deferred, (performance.now() - began) / 1000);
    const hosts = lvs === undefined ? '' : ` with ${lvs.realServers.length} real servers and the clients`;
    log(`${nodes.length} nodes${hosts} up in ${cluster.startupSeconds.toFixed(1)} s (run ${runId})`);
    return cluster;
  } catch (e) {
    await removeRun(docker, runId).catch(() => undefined);
    unregister();
    throw e;
  }
}

function startContainer(docker: Docker, image: string, runId: string, plan: LabPlan, networks: ReadonlyMap<string, string>, id: NodeId, segments: readonly string[]): Promise<StartedNodeContainer> {
  const own = plan.addresses.get(id) as ReadonlyMap<string, string>;
  const attachments = segments.map((segment) => ({ segment, network: networks.get(segment) as string, address: own.get(segment) as string }));
  return new NodeContainer({ docker, image, runId, node: id, attachments }).start();
}

async function startNode(
  docker: Docker,
  image: string,
  runId: string,
  plan: LabPlan,
  networks: ReadonlyMap<string, string>,
  n: ClusterSpec<DockerNodeConfig>['nodes'][number],
  options: DockerBackendOptions,
  seed: number,
): Promise<LabNode> {
  const own = plan.addresses.get(n.id) as ReadonlyMap<string, string>;
  const container = await startContainer(docker, image, runId, plan, networks, n.id, n.config.interfaces.map((i) => i.name));
  const lab: RunnerContext = { moved: plan.moved, ownAddresses: [...own.values()], realScripts: options.realScripts === true };
  const engine: NodeEngineRunner = n.config.engine === 'keepalived' ? new KeepalivedRunner(container, n.config, lab) : new DaemonRunner(container, n.config, lab);
  const runner = n.config.lvs === undefined ? engine : new DirectorRunner(engine, container, { node: n.id, lvs: n.config.lvs, moved: plan.moved, seed });
  await runner.prepare();
  const replaced = engine instanceof KeepalivedRunner ? engine.replaced.map((r) => ({ node: n.id, ...r })) : [];
  for (const r of replaced) options.log?.(`rewrote ${formatConfigRewrite(r)}`);
  const segments = new Map([...container.interfaces].map(([segment, iface]) => [iface, segment]));
  return { id: n.id, config: n.config, container, runner, segments, replaced, addresses: [...own.values()], states: new Map(), priorities: new Map(), conns: new Map() };
}

interface LvsHosts {
  readonly realServers: readonly RealServerHost[];
  readonly clients: ClientsHost;
}

async function startLvsHosts(docker: Docker, image: string, runId: string, plan: LabPlan, networks: ReadonlyMap<string, string>, lvs: LvsClusterSpec): Promise<LvsHosts> {
  const realServers = await Promise.all(lvs.realServers.map(async (r) => new RealServerHost(r.id, await startContainer(docker, image, runId, plan, networks, r.id, [r.network]), r.ports)));
  const clients = new ClientsHost(lvs.clients.id, await startContainer(docker, image, runId, plan, networks, lvs.clients.id, [lvs.clients.network]), lvs.services);
  await clients.prepare(lvs.clients.network);
  return { realServers, clients };
}

class RunningDockerCluster implements DockerStartedCluster {
  private t0Us = 0;
  private readonly seen: Observation[] = [];
  private readonly stopObservers: (() => void)[] = [];
  private stopped: DockerStoppedCluster | undefined;
  startupSeconds = 0;

  constructor(
    private readonly docker: Docker,
    readonly runId: string,
    readonly plan: LabPlan,
    private readonly nodes: readonly LabNode[],
    private readonly unregister: () => void,
    private readonly lvs?: LvsHosts,
    private readonly capture = false,
  ) {}

  /** Start the observers, wait until each is listening, take t0 and start the engines of the nodes that start now. */
  async begin(deferred: readonly NodeId[], setupSeconds: number): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.observeHost(n.id, n.container, n)));
    if (this.capture) await Promise.all(this.nodes.map((n) => this.startCapture(n)));
    if (this.lvs !== undefined) {
      const hosts = [...this.lvs.realServers, this.lvs.clients];
      await Promise.all(hosts.map((h) => this.observeHost(h.id, h.container)));
      // The real servers' services are up before the run begins, like their hosts.
      await Promise.all(this.lvs.realServers.map((r) => r.startService()));
    }
    this.startupSeconds = setupSeconds;
    this.t0Us = realtimeUs();
    await Promise.all(this.nodes.filter((n) => !deferred.includes(n.id)).map((n) => n.runner.start()));
  }

  /** Follow what a container reports (docker/observe.sh) until it is ready; lines about VRRP count only for lab nodes. */
  private async observeHost(id: NodeId, container: StartedNodeContainer, node?: LabNode): Promise<void> {
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const stream = await container.lines(['/lab/bin/observe.sh'], (line) => {
      const parsed = parseNodeLine(line);
      if (parsed?.kind === 'ready') ready();
      else if (parsed !== undefined && this.t0Us > 0) this.record(id, node, parsed);
    });
    this.stopObservers.push(stream.stop);
    await Promise.race([isReady, new Promise((_, reject) => setTimeout(() => reject(new Error(`node ${id}: observer did not start`)), 15_000).unref())]);
  }

  private record(id: NodeId, node: LabNode | undefined, line: Exclude<ReturnType<typeof parseNodeLine>, undefined | { kind: 'ready' }>): void {
    const at = instant(Math.max(0, line.atUs - this.t0Us));
    switch (line.kind) {
      case 'lvs-conns':
        node?.conns.set(`${line.service} ${line.server}`, line);
        return this.push({ kind: 'lvs-conns', at, node: id, service: line.service, server: line.server, active: line.active, inactive: line.inactive });
      case 'lvs-check':
        return this.push({ kind: 'lvs-check', at, node: id, service: line.service, server: line.server, up: line.up, reason: line.reason });
      case 'client':
        return this.push({ kind: 'lvs-client', at, node: id, outcome: line.outcome, service: line.service, client: line.client, ...(line.server === undefined ? {} : { server: line.server }), reason: line.reason });
      default:
        if (node !== undefined) this.recordVrrp(node, at, line);
    }
  }

  /** One `tcpdump -Q out` per interface: each frame is captured once, at its sender (capture.ts). */
  private async startCapture(node: LabNode): Promise<void> {
    for (const iface of node.container.interfaces.values()) {
      const file = captureFile(iface);
      await node.container.shDetached(`exec tcpdump -i ${iface} -Q out -U -w ${file} '${CAPTURE_FILTER}' 2>>/lab/tcpdump.log`);
      await node.container.sh(`n=0; while [ ! -s ${file} ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done; [ -s ${file} ] || { cat /lab/tcpdump.log >&2; exit 1; }`);
    }
  }

  async collectCapture(): Promise<{ readonly pcap: Uint8Array; readonly frames: number }> {
    this.checkRunning('collect the capture');
    if (!this.capture) throw new ScenarioError('docker-no-capture', 'this cluster was started without capture');
    const files = await Promise.all(
      this.nodes.map(async (n) => {
        // SIGINT lets tcpdump finish its file; wait for it to go.
        await n.container.shAnyway('pkill -INT -x tcpdump; n=0; while pgrep -x tcpdump >/dev/null && [ $n -lt 200 ]; do sleep 0.01; n=$((n+1)); done; true');
        return Promise.all(
          [...n.container.interfaces.values()].map(async (iface) => ({ name: `${n.id}:${iface}`, bytes: Buffer.from((await n.container.sh(`base64 -w0 ${captureFile(iface)}`)).trim(), 'base64') })),
        );
      }),
    );
    return mergeCaptures(files.flat(), this.t0Us);
  }

  /** A director's host went away: its IPVS counters read 0 (the forwarder could not say so itself). */
  private recordZeros(node: LabNode): void {
    const at = this.now();
    for (const [key, c] of node.conns) {
      if (c.active === 0 && c.inactive === 0) continue;
      node.conns.set(key, { ...c, active: 0, inactive: 0 });
      this.push({ kind: 'lvs-conns', at, node: node.id, service: c.service, server: c.server, active: 0, inactive: 0 });
    }
  }

  private recordVrrp(node: LabNode, at: Instant, line: Extract<ReturnType<typeof parseNodeLine>, { kind: 'notify' | 'priority' | 'address' }>): void {
    if (line.kind === 'notify') {
      const to = line.state as StateName;
      if (!['BACKUP', 'MASTER', 'FAULT', 'STOP'].includes(to)) return;
      const from = node.states.get(line.instance) ?? 'INIT';
      node.states.set(line.instance, to);
      node.priorities.set(line.instance, line.priority);
      this.push({ kind: 'transitioned', at, node: node.id, instance: line.instance, from, to, priority: line.priority, reason: 'notify' });
      return;
    }
    if (line.kind === 'priority') {
      const from = node.priorities.get(line.instance);
      node.priorities.set(line.instance, line.priority);
      if (from !== undefined && from !== line.priority) this.push({ kind: 'priority-changed', at, node: node.id, instance: line.instance, from, to: line.priority, reason: 'notify fifo' });
      return;
    }
    const vip = node.config.vips.find((v) => v.address === line.address);
    if (vip === undefined) return;
    const kind = line.deleted ? 'address-removed' : 'address-added';
    const iface = node.segments.get(line.interface) ?? vip.interface;
    this.push({ kind, at, node: node.id, instance: vip.instance, interface: iface, address: line.address, prefixLength: line.prefixLength, ...(line.deleted && node.reason ? { reason: node.reason } : {}) });
  }

  /** Keep observations in time order; lines from different nodes may arrive out of order. */
  private push(o: Observation): void {
    let i = this.seen.length;
    while (i > 0 && (this.seen[i - 1] as Observation).at > o.at) i--;
    this.seen.splice(i, 0, o);
  }

  now(): Instant {
    return instant(Math.max(0, realtimeUs() - this.t0Us));
  }

  capability<K extends CapabilityName>(name: K): CapabilityMap[K] | undefined {
    const verbs: Partial<CapabilityMap> = {
      lvs: {},
      'vip-audit': { checkVips: () => this.checkVips() },
      'startup-time': { startupSeconds: this.startupSeconds },
      'config-rewrites': { rewrites: () => this.nodes.flatMap((n) => n.replaced) },
      ...(this.capture ? { capture: { collect: () => this.collectCapture() } } : {}),
    };
    return verbs[name] as CapabilityMap[K] | undefined;
  }

  async advance(duration: DurationUs): Promise<void> {
    this.checkRunning('advance');
    const until = this.now() + duration;
    // setTimeout may fire a little early; wait out the remainder.
    while (this.now() < until) await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil((until - this.now()) / 1000))));
  }

  observations(): readonly Observation[] {
    return this.seen;
  }

  container(id: NodeId): StartedNodeContainer {
    return this.node(id).container;
  }

  private node(id: NodeId): LabNode {
    const n = this.nodes.find((x) => x.id === id);
    if (n === undefined) throw new ScenarioError('event-unknown-node', `unknown node '${id}'`);
    return n;
  }

  async apply(event: ClusterEvent): Promise<void> {
    this.checkRunning('apply');
    switch (event.kind) {
      case 'start': {
        const n = this.node(event.node);
        n.reason = undefined;
        n.states.clear();
        return n.runner.start();
      }
      case 'stop':
        this.node(event.node).reason = 'stop';
        return this.node(event.node).runner.stop();
      case 'kill': {
        const n = this.node(event.node);
        n.reason = 'crash';
        await n.runner.kill();
        return this.recordZeros(n);
      }
      case 'pause':
        return this.node(event.node).runner.pause();
      case 'resume':
        return this.node(event.node).runner.resume();
      case 'clients':
        return this.lvsHosts(event.kind).clients.load(event);
      case 'rsdown':
        return this.realServer(event.server).down(event.mode);
      case 'rsup':
        return this.realServer(event.server).startService();
      default:
        return applyNetworkFault(event, this.nodes);
    }
  }

  private lvsHosts(verb: string): LvsHosts {
    if (this.lvs === undefined) throw new ScenarioError('lvs-not-configured', `${verb}: no node of this cluster has virtual_server blocks, so there are no real servers or clients`);
    return this.lvs;
  }

  private realServer(id: string): RealServerHost {
    const r = this.lvsHosts('rsdown/rsup').realServers.find((x) => x.id === id);
    if (r === undefined) throw new ScenarioError('event-unknown-node', `unknown real server '${id}'`);
    return r;
  }

  async stop(): Promise<DockerStoppedCluster> {
    if (this.stopped) return this.stopped;
    let vips: VipCheck[] = [];
    try {
      vips = await this.checkVips();
    } finally {
      for (const stopObserver of this.stopObservers) stopObserver();
      for (const c of [...this.nodes.map((n) => n.container), ...(this.lvs ? [...this.lvs.realServers, this.lvs.clients].map((h) => h.container) : [])]) c.closeControl();
      await removeRun(this.docker, this.runId);
      this.unregister();
    }
    const trace = [...this.seen];
    this.stopped = { observations: () => trace, vips };
    return this.stopped;
  }

  /** Who holds each VIP now, by `ip -4 addr`, against who the observations say holds it. */
  async checkVips(): Promise<VipCheck[]> {
    const actual = new Map<string, NodeId[]>();
    await Promise.all(
      this.nodes.map(async (n) => {
        const out = (await n.container.shAnyway('ip -o -4 addr show')).stdout;
        for (const v of n.config.vips) if (new RegExp(`inet ${v.address.replaceAll('.', '\\.')}/`).test(out)) actual.set(v.address, [...(actual.get(v.address) ?? []), n.id]);
      }),
    );
    const observed = new Map<string, Set<NodeId>>();
    for (const o of this.seen) {
      if (o.kind !== 'address-added' && o.kind !== 'address-removed') continue;
      const holders = observed.get(o.address) ?? new Set<NodeId>();
      if (o.kind === 'address-added') holders.add(o.node);
      else holders.delete(o.node);
      observed.set(o.address, holders);
    }
    const addresses = [...new Set(this.nodes.flatMap((n) => n.config.vips.map((v) => v.address)))];
    return addresses.map((address) => ({ address, actual: (actual.get(address) ?? []).sort(), observed: [...(observed.get(address) ?? [])].sort() }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private checkRunning(verb: string): void {
    if (this.stopped) throw new ScenarioError('docker-cluster-stopped', `cannot ${verb}: the Docker cluster was stopped`);
  }
}
