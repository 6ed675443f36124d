/**
 * `VrrpClusterContainer`: a keepalived cluster as a testcontainers module, built
 * from the users' own keepalived.conf files.
 *
 *     await using cluster = await new VrrpClusterContainer()
 *       .withNode('lb1', { config: { path: 'ha/lb1.conf' } })
 *       .withNode('lb2', { config: { path: 'ha/lb2.conf' } })
 *       .start();
 *     await cluster.waitForMaster('VI_1', 'lb1');
 *     await cluster.kill('lb1');
 *     await cluster.waitForMaster('VI_1', 'lb2');
 *
 * Theory of operation: the builder only collects options (testcontainers'
 * `withX(): this`). `start()` reads the configs as a scenario does (keepalived's
 * parser, located errors), finds the engine the way testcontainers does
 * (DOCKER_HOST, ~/.testcontainers.properties, rootless sockets) and hands its
 * dockerode to the project's Docker backend, which plans the networks (away
 * from the host's routes and every other Docker network, so parallel test
 * workers never share a subnet), starts one container per node and observes
 * them. It is a facade over that backend, not one GenericContainer per node: a
 * VRRP node needs static addresses, several networks before start, NET_ADMIN
 * and the control shell, which GenericContainer does not offer.
 *
 * Rules:
 * - No reaper (Ryuk): its image cannot be pulled offline. The backend removes
 *   everything it made on stop, on SIGINT/SIGTERM, and — after a crash — at
 *   the next start.
 * - No reuse: a failover test leaves state behind (priorities, VIPs, cuts).
 * - Scenario time is seconds; timeouts are milliseconds, as in testcontainers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getContainerRuntimeClient, StartedNetwork } from 'testcontainers';
import type { NodeId } from '../../core/ids.js';
import { createDockerBackend } from '../../docker/docker-backend.js';
import type { Docker } from '../../docker/docker-client.js';
import { buildNodeImage } from '../../docker/image.js';
import type { NodeEngineKind } from '../../docker/node-config.js';
import { keepalivedParser } from '../../scenario/keepalived-parser.js';
import { loadScenarioFile } from '../../scenario/scenario-file.js';
import { configText, scenario as newScenario, type Scenario } from '../../scenario/scenario.js';
import { prepareScenario } from '../../scenario/topology.js';
import { nodeSpecOf } from '../../spec/node-spec.js';
import { StartedVrrpCluster } from './started-vrrp-cluster.js';

export interface VrrpNodeOptions {
  /** keepalived.conf text, or `{ path }` to read it from (relative to the working folder). */
  readonly config: string | { readonly path: string };
  /** What runs VRRP in this node (default: the cluster's engine, else real keepalived). */
  readonly engine?: NodeEngineKind;
  /** The node's address on its first interface (default: from the config, else assigned in the VIP's subnet). */
  readonly address?: string;
  /** Not started until `startNode(name)`. */
  readonly deferred?: boolean;
}

const DEFAULT_STARTUP_TIMEOUT_MS = 120_000;

export class VrrpClusterContainer {
  private readonly nodes: { readonly id: NodeId; readonly options: VrrpNodeOptions }[] = [];
  private engine: NodeEngineKind = 'keepalived';
  private realScripts = false;
  private startupTimeoutMs = DEFAULT_STARTUP_TIMEOUT_MS;
  private seed = 1;
  private log: (line: string) => void = () => undefined;
  private base: Scenario | undefined;

  /** `image`: the lab node image (default: `vrrp-lab/node:<hash of its inputs>`, built when missing). */
  constructor(private readonly image?: string) {}

  /** The nodes, configs, addresses and seed of a `.scenario` file (its events and expect lines are not applied). */
  static fromScenario(path: string, image?: string): VrrpClusterContainer {
    const c = new VrrpClusterContainer(image);
    c.base = loadScenarioFile(resolve(path));
    if (c.base.seed !== undefined) c.seed = c.base.seed;
    return c;
  }

  /** Build (or find) the node image, e.g. once in a vitest globalSetup; returns its tag. */
  static async buildImage(options: { readonly force?: boolean; readonly onProgress?: (line: string) => void } = {}): Promise<string> {
    const docker = await runtimeDockerode();
    const built = await buildNodeImage(docker, { ...(options.force ? { force: true } : {}), ...(options.onProgress ? { progress: options.onProgress } : {}) });
    return built.image;
  }

  withNode(name: string, node: VrrpNodeOptions): this {
    this.nodes.push({ id: name as NodeId, options: node });
    return this;
  }

  /** The engine for nodes that do not name one: 'keepalived' (default) or 'ts' (this project's engine). */
  withEngine(engine: NodeEngineKind): this {
    this.engine = engine;
    return this;
  }

  /** Run vrrp_script commands as written (default: a stub that `failScript`/`okScript` control). */
  withRealScripts(): this {
    this.realScripts = true;
    return this;
  }

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    return this;
  }

  /** Progress lines: image build, networks moved, nodes up. */
  withLogConsumer(consumer: (line: string) => void): this {
    this.log = consumer;
    return this;
  }

  async start(): Promise<StartedVrrpCluster> {
    const prepared = prepareScenario(this.scenario(), { parse: keepalivedParser });
    const client = await getContainerRuntimeClient();
    const docker = client.container.dockerode as unknown as Docker;
    const image = this.image ?? (await buildNodeImage(docker, { progress: (l) => this.log(`image: ${l}`) })).image;
    const engines = Object.fromEntries(this.nodes.filter((n) => n.options.engine !== undefined).map((n) => [n.id, n.options.engine as NodeEngineKind]));
    const backend = createDockerBackend({ docker, image, log: this.log, engine: this.engine, engines, realScripts: this.realScripts });
    const spec = { seed: this.seed, nodes: prepared.nodes.map((n) => ({ id: n.id, config: nodeSpecOf(n), address: n.address })) };
    const starting = backend.create(spec).start({ deferred: prepared.nodes.filter((n) => n.deferred).map((n) => n.id) });
    const cluster = await withTimeout(starting, this.startupTimeoutMs, `the cluster did not start within ${this.startupTimeoutMs} ms`, (late) => void late.stop().catch(() => undefined));
    const networks = new Map(cluster.plan.segments.map((s) => {
      const name = `vrrp-lab-${cluster.runId}-${s.name}`;
      return [s.name, new StartedNetwork(client, name, client.container.dockerode.getNetwork(name))] as const;
    }));
    return new StartedVrrpCluster(cluster, prepared, networks);
  }

  /** The nodes as a scenario with no events: what prepareScenario reads and checks. */
  private scenario(): Scenario {
    let b = newScenario(this.base?.name ?? 'testcontainers cluster');
    for (const n of this.base?.nodes ?? []) b = b.node(n.id, n.config, n.address === undefined ? {} : { address: n.address });
    for (const { id, options } of this.nodes) {
      const text = typeof options.config === 'string' ? options.config : readFileSync(resolve(options.config.path), 'utf8');
      const name = typeof options.config === 'string' ? `${id}.conf` : resolve(options.config.path);
      b = b.node(id, configText(name, text), options.address === undefined ? {} : { address: options.address });
    }
    const deferred = this.nodes.filter((n) => n.options.deferred);
    for (const n of deferred) b = b.at(0, { kind: 'start', node: n.id });
    return b.seed(this.seed).build();
  }
}

/** The engine testcontainers would use (its runtime discovery), as a dockerode client. */
async function runtimeDockerode(): Promise<Docker> {
  return (await getContainerRuntimeClient()).container.dockerode as unknown as Docker;
}

/** `p`, or an error after `ms`; what `p` gives too late goes to `late` (a cluster that started after all is stopped). */
function withTimeout<T>(p: Promise<T>, ms: number, message: string, late: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => ((timedOut = true), reject(new Error(message))), ms)));
  void p.then((value) => timedOut && late(value), () => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
