/**
 * Real keepalived in a lab container (`--engine keepalived`).
 *
 * Theory of operation: the user's config and the files it includes, rewritten
 * for the container (keepalived-config.ts: interfaces, script stub, notify hook;
 * lab-plan.ts: moved node addresses), go into the container at their own paths,
 * and the lab's entry file LAB_CONFIG includes them; each vrrp_script's status
 * file is written; keepalived runs in the foreground of a detached exec
 * (docker/keepalived-start.sh), so its pid files are known. What the rewrite
 * replaced is kept for the run's report.
 *
 * Lifecycle verbs as the oracle recordings make them:
 * - kill: SIGSTOP then SIGKILL to every keepalived process, then the VIPs are
 *   deleted — a crashed host takes its addresses with it; a killed keepalived
 *   alone would leave them configured. Stopped first, the VRRP child cannot react
 *   to its parent's death with a priority-0 advert (the recordings' README).
 * - stop: SIGTERM (keepalived sends priority 0 and removes its VIPs).
 * - pause / resume: SIGSTOP / SIGCONT of the keepalived processes.
 */
import { LAB_CONFIG, rewriteKeepalivedConfig, scriptStatusFile, type Replacement } from './keepalived-config.js';
import { replaceAddresses } from './lab-plan.js';
import type { DockerNodeConfig } from './node-config.js';
import type { StartedNodeContainer } from './node-container.js';

const PIDS = '$(cat /run/lab-keepalived.pid /run/vrrp.pid /run/checkers.pid 2>/dev/null)';

export interface NodeEngineRunner {
  prepare(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** Delete every global IPv4 address but the node's own: what is left after a crash are the VIPs the engine added. */
export function deleteVipsScript(ownAddresses: readonly string[]): string {
  const keep = ownAddresses.map((a) => `-e ' ${a}/'`).join(' ');
  return `ip -o -4 addr show scope global | grep -v -F ${keep} | while read -r _ dev _ cidr _; do ip addr del "$cidr" dev "$dev"; done; true`;
}

export class KeepalivedRunner implements NodeEngineRunner {
  /** What the rewrite for this container replaced (set by prepare). */
  replaced: readonly Replacement[] = [];

  constructor(
    private readonly node: StartedNodeContainer,
    private readonly config: DockerNodeConfig,
    private readonly lab: { readonly moved: ReadonlyMap<string, string>; readonly ownAddresses: readonly string[]; readonly realScripts: boolean },
  ) {}

  async prepare(): Promise<void> {
    const rewritten = rewriteKeepalivedConfig(this.config.keepalived, {
      interfaces: this.node.interfaces,
      realScripts: this.lab.realScripts,
      // keepalived's config-id is its host name: the container's is the node's name.
      configId: this.node.node,
      transform: (text) => replaceAddresses(text, this.lab.moved),
    });
    for (const f of rewritten.files) await this.node.writeFile(f.file, f.text);
    await this.node.writeFile(LAB_CONFIG, rewritten.entry);
    this.replaced = rewritten.replaced;
    for (const script of this.config.scripts) await this.node.writeFile(scriptStatusFile(script), `${this.config.scriptExitCodes[script] ?? 0}\n`);
  }

  start(): Promise<void> {
    return this.node.shDetached('exec /lab/bin/keepalived-start.sh');
  }

  async stop(): Promise<void> {
    await this.node.shAnyway(`kill -TERM $(cat /run/lab-keepalived.pid 2>/dev/null) 2>/dev/null`);
  }

  async kill(): Promise<void> {
    await this.node.shAnyway(`kill -STOP ${PIDS} 2>/dev/null; kill -KILL ${PIDS} 2>/dev/null; ${deleteVipsScript(this.lab.ownAddresses)}`);
  }

  async pause(): Promise<void> {
    await this.node.shAnyway(`kill -STOP ${PIDS} 2>/dev/null; true`);
  }

  async resume(): Promise<void> {
    await this.node.shAnyway(`kill -CONT ${PIDS} 2>/dev/null; true`);
  }
}
