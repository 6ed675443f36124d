/**
 * This project's VRRP engine in a lab container (`--engine ts`): the node
 * daemon (src/runtime/daemon.ts) with the node's engine configuration, its
 * interface names and addresses mapped onto the container's.
 *
 * Lifecycle verbs mirror keepalived-node.ts: kill = SIGKILL and the VIPs go;
 * stop = SIGTERM (the engine's shutdown: priority 0, VIPs removed);
 * pause/resume = SIGSTOP/SIGCONT.
 *
 * A loaded daemon waits on standby (daemon.ts --standby) from `prepare` on and
 * again after each kill or stop: `start` signals it, so the engine starts a few
 * ms after the event, as keepalived does, instead of after Node.js's start-up.
 * When no standby is ready (a start right after a stop), the daemon starts cold.
 */
import type { VrrpNodeConfig } from '../vrrp/types.js';
import { scriptStatusFile } from './keepalived-config.js';
import { deleteVipsScript, type NodeEngineRunner } from './keepalived-node.js';
import type { DockerNodeConfig } from './node-config.js';
import type { StartedNodeContainer } from './node-container.js';
import { StandbyProcess } from './standby.js';

/** The engine config with the container's interface names and the lab's addresses. */
export function labVrrpConfig(vrrp: VrrpNodeConfig, interfaces: ReadonlyMap<string, string>, moved: ReadonlyMap<string, string>): VrrpNodeConfig {
  const ifname = (n: string): string => interfaces.get(n) ?? n;
  const addr = (a: string): string => moved.get(a) ?? a;
  return {
    ...vrrp,
    interfaces: vrrp.interfaces.map((i) => ({ ...i, name: ifname(i.name), address: addr(i.address) })),
    instances: vrrp.instances.map((i) => ({
      ...i,
      interface: ifname(i.interface),
      virtualAddresses: i.virtualAddresses.map((v) => (v.interface === undefined ? v : { ...v, interface: ifname(v.interface) })),
      trackInterfaces: i.trackInterfaces.map((t) => ({ ...t, interface: ifname(t.interface) })),
      unicastPeers: i.unicastPeers.map(addr),
      ...(i.sourceAddress === undefined ? {} : { sourceAddress: addr(i.sourceAddress) }),
    })),
  };
}

export class DaemonRunner implements NodeEngineRunner {
  private readonly daemon: StandbyProcess;

  constructor(
    private readonly node: StartedNodeContainer,
    private readonly config: DockerNodeConfig,
    private readonly lab: { readonly moved: ReadonlyMap<string, string>; readonly ownAddresses: readonly string[] },
  ) {
    this.daemon = new StandbyProcess(node, 'daemon', 'node /opt/vrrp-lab/src/runtime/daemon.js', '/lab/vrrp.json', '/lab/daemon.log');
  }

  async prepare(): Promise<void> {
    await this.node.writeFile('/lab/vrrp.json', JSON.stringify({ vrrp: labVrrpConfig(this.config.vrrp, this.node.interfaces, this.lab.moved) }));
    for (const script of this.config.scripts) await this.node.writeFile(scriptStatusFile(script), `${this.config.scriptExitCodes[script] ?? 0}\n`);
    await this.daemon.prepare();
  }

  start(): Promise<void> {
    return this.daemon.start();
  }

  async stop(): Promise<void> {
    await this.daemon.signal('TERM');
    await this.daemon.launch();
  }

  async kill(): Promise<void> {
    await this.node.shAnyway(`kill -KILL ${this.daemon.pid} 2>/dev/null; ${deleteVipsScript(this.lab.ownAddresses)}`);
    await this.daemon.launch();
  }

  async pause(): Promise<void> {
    await this.daemon.signal('STOP');
  }

  async resume(): Promise<void> {
    await this.daemon.signal('CONT');
  }
}
