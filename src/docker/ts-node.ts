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

const PID = '$(cat /run/lab-daemon.pid 2>/dev/null)';
const DAEMON = 'node /opt/vrrp-lab/src/runtime/daemon.js';
/** Written by a standby daemon once it waits for SIGUSR2 (daemon.ts STANDBY_READY). */
const STANDBY_READY = '/run/lab-daemon-standby.ready';
/** The standby daemon's pid, from its launch on (it may still be loading). */
const STANDBY_PID = '/run/lab-daemon-standby.pid';

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
  constructor(
    private readonly node: StartedNodeContainer,
    private readonly config: DockerNodeConfig,
    private readonly lab: { readonly moved: ReadonlyMap<string, string>; readonly ownAddresses: readonly string[] },
  ) {}

  async prepare(): Promise<void> {
    await this.node.writeFile('/lab/vrrp.json', JSON.stringify({ vrrp: labVrrpConfig(this.config.vrrp, this.node.interfaces, this.lab.moved) }));
    for (const script of this.config.scripts) await this.node.writeFile(scriptStatusFile(script), `${this.config.scriptExitCodes[script] ?? 0}\n`);
    await this.standby();
    // The run's first start should find the daemon loaded.
    await this.node.shAnyway(`n=0; while [ ! -e ${STANDBY_READY} ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n+1)); done`);
  }

  /** Load a daemon that waits for the next start (none when one already waits or loads). */
  private standby(): Promise<void> {
    return this.node.shDetached(`kill -0 "$(cat ${STANDBY_PID} 2>/dev/null)" 2>/dev/null && exit 0; echo $$ > ${STANDBY_PID}; exec ${DAEMON} --standby /lab/vrrp.json >> /lab/daemon.log 2>&1`);
  }

  start(): Promise<void> {
    // A start while the daemon runs does nothing, as for keepalived. A standby
    // still loading is waited for (up to 5 s): it is ready sooner than a cold start.
    return this.node.shDetached(
      [
        `kill -0 ${PID} 2>/dev/null && exit 0`,
        `sp=$(cat ${STANDBY_PID} 2>/dev/null)`,
        `if [ -n "$sp" ] && kill -0 "$sp" 2>/dev/null; then`,
        `  n=0; while [ "$(cat ${STANDBY_READY} 2>/dev/null)" != "$sp" ] && [ $n -lt 500 ] && kill -0 "$sp" 2>/dev/null; do sleep 0.01; n=$((n+1)); done`,
        `  if [ "$(cat ${STANDBY_READY} 2>/dev/null)" = "$sp" ]; then rm -f ${STANDBY_PID}; echo "$sp" > /run/lab-daemon.pid; kill -USR2 "$sp"; exit 0; fi`,
        `fi`,
        `echo $$ > /run/lab-daemon.pid; exec ${DAEMON} /lab/vrrp.json >> /lab/daemon.log 2>&1`,
      ].join('\n'),
    );
  }

  async stop(): Promise<void> {
    await this.node.shAnyway(`kill -TERM ${PID} 2>/dev/null`);
    await this.standby();
  }

  async kill(): Promise<void> {
    await this.node.shAnyway(`kill -KILL ${PID} 2>/dev/null; ${deleteVipsScript(this.lab.ownAddresses)}`);
    await this.standby();
  }

  async pause(): Promise<void> {
    await this.node.shAnyway(`kill -STOP ${PID} 2>/dev/null; true`);
  }

  async resume(): Promise<void> {
    await this.node.shAnyway(`kill -CONT ${PID} 2>/dev/null; true`);
  }
}
