/**
 * A tiny cluster loop for the engine's own tests: several `vrrpEngine`s, the
 * bytes one sends handed to the others, deadlines fired in time order.
 *
 * Rules
 * - Time is exact: nothing sleeps. `runUntil(t)` processes everything due up
 *   to and including t.
 * - At one instant, engine deadlines fire before queued deliveries (two
 *   timers expiring together both fire, as on real hosts), engines in the
 *   order they were added; queued events in (at, seq) order.
 * - A multicast advert reaches every other running node on an interface of
 *   the same name; a unicast one only the node owning the destination address.
 *   A link that is down on either side, or a partition, loses the packet.
 * - `run-script` is answered after `scriptLatencyUs` with the exit code set
 *   for that node and script (default 0).
 */
import type { Instant } from '../core/time.js';
import { instant } from '../core/time.js';
import { vrrpEngine } from './engine.js';
import type { VrrpNodeState } from './state.js';
import { instanceView, type InstanceView } from './views.js';
import { vrrpInstance, vrrpNode, vrrpScript } from './defaults.js';
import type { InterfaceConfig, VrrpInput, VrrpInstanceConfig, VrrpNodeConfig, VrrpOutput, VrrpScriptConfig } from './types.js';

export interface Logged {
  readonly at: number;
  readonly node: string;
  readonly output: VrrpOutput;
}

export interface TransitionRecord {
  readonly at: number;
  readonly node: string;
  readonly instance: string;
  readonly from: string;
  readonly to: string;
  readonly priority: number;
  readonly reason: string;
}

interface Running {
  state: VrrpNodeState;
  generation: number;
}

interface Queued {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

export interface ClusterOptions {
  /** One-way packet delay (default 0). */
  readonly latencyUs?: number;
  readonly scriptLatencyUs?: number;
  /** Per packet: return false to lose it (e.g. a one-way partition). */
  readonly deliver?: (from: string, to: string, output: Extract<VrrpOutput, { kind: 'send-advertisement' }>) => boolean;
}

export class Cluster {
  now = 0;
  readonly log: Logged[] = [];
  private readonly configs = new Map<string, VrrpNodeConfig>();
  private readonly running = new Map<string, Running>();
  private readonly exitCodes = new Map<string, number>();
  private readonly links = new Map<string, boolean>();
  private readonly cut = new Set<string>();
  private queue: Queued[] = [];
  private seq = 0;
  private generation = 0;

  constructor(
    configs: readonly VrrpNodeConfig[],
    private readonly options: ClusterOptions = {},
  ) {
    for (const c of configs) this.configs.set(c.node, c);
  }

  start(node: string): this {
    const config = this.configs.get(node);
    if (!config) throw new Error(`no node ${node}`);
    for (const i of config.interfaces) this.links.set(`${node}/${i.name}`, i.up ?? true);
    const first = vrrpEngine.init(config, instant(this.now));
    this.running.set(node, { state: first.state, generation: ++this.generation });
    this.perform(node, first.outputs);
    return this;
  }

  startAll(): this {
    for (const node of this.configs.keys()) this.start(node);
    return this;
  }

  /** SIGKILL: the node vanishes without a word. */
  kill(node: string): this {
    this.running.delete(node);
    return this;
  }

  input(node: string, input: VrrpInput | { readonly kind: 'timeout' }): this {
    const r = this.running.get(node);
    if (!r) return this;
    const next = vrrpEngine.step(r.state, input, instant(this.now));
    r.state = next.state;
    this.perform(node, next.outputs);
    return this;
  }

  shutdown(node: string): this {
    this.input(node, { kind: 'shutdown' });
    return this.kill(node);
  }

  link(node: string, iface: string, up: boolean): this {
    this.links.set(`${node}/${iface}`, up);
    return this.input(node, { kind: 'link', interface: iface, up });
  }

  /** Exit code `node`'s script returns from now on. */
  script(node: string, script: string, exitCode: number): this {
    this.exitCodes.set(`${node}/${script}`, exitCode);
    return this;
  }

  partition(a: string, b: string): this {
    this.cut.add(`${a}>${b}`).add(`${b}>${a}`);
    return this;
  }

  partitionOneway(from: string, to: string): this {
    this.cut.add(`${from}>${to}`);
    return this;
  }

  heal(): this {
    this.cut.clear();
    return this;
  }

  state(node: string): VrrpNodeState {
    const r = this.running.get(node);
    if (!r) throw new Error(`node ${node} is not running`);
    return r.state;
  }

  view(node: string, instance = 'VI_1'): InstanceView {
    return instanceView(this.state(node), instance);
  }

  /** Process every deadline and delivery due up to and including `t`, then set the clock to `t`. */
  runUntil(t: number): this {
    for (let guard = 0; guard < 10_000_000; guard++) {
      const timer = this.nextTimer();
      const head = this.queue.reduce<Queued | undefined>((best, q) => (!best || q.at < best.at || (q.at === best.at && q.seq < best.seq) ? q : best), undefined);
      const at = Math.min(timer?.at ?? Infinity, head?.at ?? Infinity);
      if (at > t) break;
      this.now = at;
      if (timer && timer.at <= (head?.at ?? Infinity)) {
        this.input(timer.node, { kind: 'timeout' });
      } else if (head) {
        this.queue = this.queue.filter((q) => q !== head);
        head.run();
      }
    }
    this.now = t;
    return this;
  }

  runFor(durationUs: number): this {
    return this.runUntil(this.now + durationUs);
  }

  transitions(node?: string): TransitionRecord[] {
    const out: TransitionRecord[] = [];
    for (const l of this.log) {
      if (l.output.kind !== 'transitioned' || (node !== undefined && l.node !== node)) continue;
      const o = l.output;
      out.push({ at: l.at, node: l.node, instance: o.instance, from: o.from, to: o.to, priority: o.priority, reason: o.reason });
    }
    return out;
  }

  /** "t node instance STATE priority" lines, like the recorded fixtures. */
  timeline(): string[] {
    return this.transitions().map((r) => `${r.at} ${r.node} ${r.instance} ${r.to} ${r.priority}`);
  }

  outputs(node: string, kind: VrrpOutput['kind']): Logged[] {
    return this.log.filter((l) => l.node === node && l.output.kind === kind);
  }

  private nextTimer(): { node: string; at: number } | undefined {
    let best: { node: string; at: number } | undefined;
    for (const [node, r] of this.running) {
      const at = vrrpEngine.nextDeadline(r.state);
      if (at !== undefined && (!best || at < best.at)) best = { node, at };
    }
    return best;
  }

  private schedule(at: number, run: () => void): void {
    this.queue.push({ at, seq: this.seq++, run });
  }

  private perform(node: string, outputs: readonly VrrpOutput[]): void {
    const generation = this.running.get(node)?.generation;
    for (const output of outputs) {
      this.log.push({ at: this.now, node, output });
      if (output.kind === 'send-advertisement') this.send(node, output);
      if (output.kind === 'run-script') {
        const exitCode = this.exitCodes.get(`${node}/${output.script}`) ?? 0;
        this.schedule(this.now + (this.options.scriptLatencyUs ?? 0), () => {
          if (this.running.get(node)?.generation === generation) this.input(node, { kind: 'script-result', script: output.script, exitCode });
        });
      }
    }
  }

  private send(from: string, output: Extract<VrrpOutput, { kind: 'send-advertisement' }>): void {
    if (this.links.get(`${from}/${output.interface}`) === false) return;
    const multicast = output.destination === '224.0.0.18';
    for (const [to, config] of this.configs) {
      if (to === from || this.cut.has(`${from}>${to}`)) continue;
      const iface = config.interfaces.find((i) => i.name === output.interface);
      if (!iface || (!multicast && iface.address !== output.destination)) continue;
      if (this.options.deliver && !this.options.deliver(from, to, output)) continue;
      const bytes = output.bytes;
      this.schedule(this.now + (this.options.latencyUs ?? 0), () => {
        if (this.links.get(`${to}/${iface.name}`) === false) return;
        this.input(to, { kind: 'packet', interface: iface.name, bytes });
      });
    }
  }
}

export const seconds = (s: number): number => Math.round(s * 1_000_000);

export const VIP = '192.0.2.100';

/**
 * A load balancer like the fixtures': eth0 192.0.2.1x/24, one instance VI_1
 * (VRID 51, VIP 192.0.2.100) with keepalived's defaults plus `instance`.
 */
export function lb(
  name: string,
  address: string,
  instance: Partial<VrrpInstanceConfig>,
  extra: { scripts?: VrrpScriptConfig[]; interfaces?: InterfaceConfig[]; instances?: VrrpInstanceConfig[]; syncGroups?: VrrpNodeConfig['syncGroups'] } = {},
): VrrpNodeConfig {
  return vrrpNode({
    node: name,
    interfaces: [{ name: 'eth0', address, prefixLength: 24 }, ...(extra.interfaces ?? [])],
    instances: [
      vrrpInstance({ name: 'VI_1', interface: 'eth0', vrid: 51, virtualAddresses: [{ address: VIP, prefixLength: 24 }], ...instance }),
      ...(extra.instances ?? []),
    ],
    scripts: extra.scripts ?? [],
    syncGroups: extra.syncGroups ?? [],
  });
}

export { vrrpInstance, vrrpScript };
export type { Instant };
