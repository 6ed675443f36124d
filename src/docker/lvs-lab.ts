/**
 * Load balancing in the Docker lab: the real servers and the clients as
 * containers, and each director's forwarder beside its VRRP engine.
 *
 * Theory of operation
 * -------------------
 * - Real servers run the lab's TCP service (src/runtime/lab-service.ts) on
 *   their ports from the start. `rsdown S` stops it (it resets its open
 *   connections; new ones are refused); `rsdown S crash` first drops every
 *   packet to and from the container (iptables), then kills it, so connects
 *   and checks go unanswered; `rsup S` undoes both and starts it again.
 * - Clients run in one container on the services' network (lab-clients.ts); a
 *   `clients` event stops the previous load opening connections and starts the
 *   new one. The VIPs are reached on-link from there, wherever the lab put the
 *   segment.
 * - Directors: each runs the forwarder (lvs-forwarder.ts), which applies this
 *   project's IPVS model and health checks to real connections — most hosts,
 *   CI runners included, have no IPVS in their kernel, and the lab does not
 *   drive a kernel's own IPVS. It starts, stops, crashes and pauses with the
 *   node's VRRP engine (keepalived then runs its VRRP part alone:
 *   docker/keepalived-start.sh).
 * - Not possible with a user-space forwarder: connection sync
 *   (lvs_sync_daemon). A proxied connection ends on its director, so none
 *   could move to another: such scenarios are refused before anything starts.
 */
import type { ClusterEvent, LvsClusterSpec } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import type { NodeEngineRunner } from './keepalived-node.js';
import type { PlanNode } from './lab-plan.js';
import type { StartedNodeContainer } from './node-container.js';
import { StandbyProcess } from './standby.js';

const RUNTIME = '/opt/vrrp-lab/src/runtime';
const CRASH_RULES = ['INPUT', 'OUTPUT'].map((chain) => `iptables -w -I ${chain} -m comment --comment lab-crash -j DROP`).join(' && ');
const UNCRASH_RULES = ['INPUT', 'OUTPUT'].map((chain) => `while iptables -w -D ${chain} -m comment --comment lab-crash -j DROP 2>/dev/null; do :; done`).join('; ');
/** How often a forwarder writes changed connection counters (the simulator's default sampling). */
export const LVS_SAMPLE_MS = 1000;

/** Directors with lvs_sync_daemon cannot run on a user-space forwarder. */
export function checkLvsRunnable(directors: readonly { readonly id: NodeId; readonly lvs?: DirectorNodeConfig }[]): void {
  const synced = directors.find((d) => d.lvs?.sync !== undefined);
  if (synced === undefined) return;
  throw new ScenarioError(
    'docker-lvs-sync',
    `${synced.id} runs lvs_sync_daemon: connection sync needs the kernel's IPVS, which the Docker lab does not drive. ` +
      "The lab's user-space forwarder ends each client connection on its director, so no connection could move to the other one; run this scenario on the simulator",
  );
}

/** The real servers and the clients as nodes of the lab plan, with the prefix of the directors' interface on their network. */
export function lvsPlanNodes(lvs: LvsClusterSpec, directors: readonly PlanNode[]): PlanNode[] {
  const prefixOf = (network: string): number => directors.flatMap((d) => d.interfaces).find((i) => i.name === network)?.prefixLength ?? 24;
  const host = (id: string, address: string, network: string): PlanNode => ({ id, interfaces: [{ name: network, address, prefixLength: prefixOf(network) }] });
  return [...lvs.realServers.map((r) => host(r.id, r.address, r.network)), host(lvs.clients.id, lvs.clients.address, lvs.clients.network)];
}

/** A real server's container: its service, its faults. */
export class RealServerHost {
  constructor(
    readonly id: NodeId,
    readonly container: StartedNodeContainer,
    private readonly ports: readonly number[],
  ) {}

  startService(): Promise<void> {
    return this.container.shDetached(
      `${UNCRASH_RULES}; kill -0 $(cat /run/lab-service.pid 2>/dev/null) 2>/dev/null && exit 0; echo $$ > /run/lab-service.pid; exec node ${RUNTIME}/lab-service.js ${this.id} ${this.ports.join(' ')} >> /lab/service.log 2>&1`,
    );
  }

  /** `stop`: the service resets its connections and exits (lab-service.ts); `crash`: the host falls silent first. */
  async down(mode: 'stop' | 'crash'): Promise<void> {
    const pid = '$(cat /run/lab-service.pid 2>/dev/null)';
    const end = mode === 'crash' ? `${CRASH_RULES}; kill -KILL ${pid}` : `kill -TERM ${pid}; n=0; while kill -0 ${pid} 2>/dev/null && [ $n -lt 100 ]; do sleep 0.01; n=$((n+1)); done; kill -KILL ${pid}`;
    await this.container.shAnyway(`${end} 2>/dev/null; rm -f /run/lab-service.pid; true`);
  }
}

/** The clients' container. */
export class ClientsHost {
  constructor(
    readonly id: NodeId,
    readonly container: StartedNodeContainer,
    private readonly services: readonly string[],
  ) {}

  /** Reach every VIP on-link, wherever the lab placed the segment. */
  async prepare(segment: string): Promise<void> {
    const iface = this.container.interfaces.get(segment) ?? 'eth0';
    const vips = [...new Set(this.services.map((s) => s.slice(0, s.lastIndexOf(':'))))];
    if (vips.length > 0) await this.container.sh(vips.map((v) => `ip route replace ${v}/32 dev ${iface}`).join(' && '));
  }

  async load(event: Extract<ClusterEvent, { kind: 'clients' }>): Promise<void> {
    const service = event.service ?? this.services[0];
    if (service === undefined) throw new ScenarioError('lvs-no-service', 'clients: the directors have no virtual service to send clients to');
    // The previous load stops opening connections; its open ones run their course.
    await this.container.shAnyway('kill -TERM $(cat /run/lab-clients.pid 2>/dev/null) 2>/dev/null; rm -f /run/lab-clients.pid; true');
    if (event.rate === 0) return;
    const args = [`--service ${service}`, `--rate ${event.rate}`, ...(event.durationUs === undefined ? [] : [`--duration ${event.durationUs / 1e6}`]), ...(event.holdUs === undefined ? [] : [`--hold ${event.holdUs / 1e6}`])];
    await this.container.shDetached(`echo $$ > /run/lab-clients.pid; exec node ${RUNTIME}/lab-clients.js ${args.join(' ')} >> /lab/clients.log 2>&1`);
  }
}

/**
 * A director's engine with its forwarder: both start, stop, crash and pause
 * together, as keepalived's VRRP and checker processes and the kernel's table
 * go with the machine.
 */
export class DirectorRunner implements NodeEngineRunner {
  private readonly forwarder: StandbyProcess;

  constructor(
    private readonly inner: NodeEngineRunner,
    private readonly container: StartedNodeContainer,
    private readonly config: { readonly node: NodeId; readonly lvs: DirectorNodeConfig; readonly moved: ReadonlyMap<string, string>; readonly seed: number },
  ) {
    this.forwarder = new StandbyProcess(container, 'lvs', `node ${RUNTIME}/lvs-forwarder.js`, '/lab/lvs.json', '/lab/lvs.log');
  }

  async prepare(): Promise<void> {
    const { node, lvs, moved, seed } = this.config;
    await this.container.writeFile('/lab/lvs.json', JSON.stringify({ node, lvs, moved: Object.fromEntries(moved), seed, sampleMs: LVS_SAMPLE_MS }));
    await Promise.all([this.inner.prepare(), this.forwarder.prepare()]);
  }

  async start(): Promise<void> {
    await Promise.all([this.inner.start(), this.forwarder.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.inner.stop(), this.forwarder.signal('TERM')]);
    await this.forwarder.launch();
  }

  /**
   * The host crashes: the VIPs go first (inner.kill), so what the dying
   * forwarder's sockets would still send to clients cannot leave — a crashed
   * director says nothing; the clients learn of it from the next director.
   */
  async kill(): Promise<void> {
    await this.inner.kill();
    await this.forwarder.signal('KILL');
    await this.forwarder.launch();
  }

  async pause(): Promise<void> {
    // keepalived's checkers freeze; the kernel would go on forwarding.
    await Promise.all([this.inner.pause(), this.forwarder.signal('TSTP')]);
  }

  async resume(): Promise<void> {
    await Promise.all([this.inner.resume(), this.forwarder.signal('CONT')]);
  }
}
