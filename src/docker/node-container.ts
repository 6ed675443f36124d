/**
 * One lab node as a container: `NodeContainer` (what to run) → `start()` →
 * `StartedNodeContainer` (a running container with its interfaces known) →
 * `remove()`.
 *
 * Rules:
 * - Only the capabilities a node needs: NET_ADMIN (addresses, links, iptables)
 *   and NET_RAW (VRRP and ARP sockets). Never privileged.
 * - The first segment's network is attached at creation, the others before the
 *   start; the container's interface names are then read back by address, not
 *   assumed from the order Docker happened to use.
 */
import type Docker from 'dockerode';
import { ControlShell } from './control-shell.js';
import { execDetached, execIn, execLines, type ExecResult } from './docker-client.js';
import { CapabilityMissingError, NodeCommandError } from './errors.js';
import { LABEL_NODE, labelsFor } from './labels.js';

export interface NodeAttachment {
  /** The segment (interface name in the scenario). */
  readonly segment: string;
  readonly network: string;
  readonly address: string;
}

export interface NodeContainerOptions {
  readonly docker: Docker;
  readonly image: string;
  readonly runId: string;
  readonly node: string;
  /** In segment order; the first is the node's primary interface. */
  readonly attachments: readonly NodeAttachment[];
}

export const containerName = (runId: string, node: string): string => `vrrp-lab-${runId}-${node}`;

export class NodeContainer {
  constructor(private readonly options: NodeContainerOptions) {}

  async start(): Promise<StartedNodeContainer> {
    const { docker, image, runId, node, attachments } = this.options;
    const [first, ...rest] = attachments;
    if (first === undefined) throw new NodeCommandError(node, 'create', -1, 'a node needs at least one interface');
    const container = await docker.createContainer({
      name: containerName(runId, node),
      Image: image,
      Hostname: node,
      Env: [`LAB_NODE=${node}`],
      Labels: labelsFor(runId, { [LABEL_NODE]: node }),
      HostConfig: {
        CapAdd: ['NET_ADMIN', 'NET_RAW'],
        Init: true,
        NetworkMode: first.network,
        // IPv6 link-local traffic is noise in captures and irrelevant to VRRPv2.
        Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
      },
      NetworkingConfig: { EndpointsConfig: { [first.network]: { IPAMConfig: { IPv4Address: first.address } } } },
    });
    for (const a of rest) {
      await docker.getNetwork(a.network).connect({ Container: container.id, EndpointConfig: { IPAMConfig: { IPv4Address: a.address } } });
    }
    await container.start();
    const started = new StartedNodeContainer(docker, container, node);
    await started.discoverInterfaces(attachments);
    await started.checkCapabilities();
    await started.openControl();
    return started;
  }
}

export class StartedNodeContainer {
  /** Segment name → interface name in the container. */
  readonly interfaces = new Map<string, string>();
  private control: ControlShell | undefined;

  constructor(
    private readonly docker: Docker,
    readonly container: Docker.Container,
    readonly node: string,
  ) {}

  exec(cmd: readonly string[]): Promise<ExecResult> {
    return execIn(this.docker, this.container, cmd);
  }

  /** Open the node's command channel (control-shell.ts); until then, and if it fails, commands go by exec. */
  async openControl(): Promise<void> {
    this.control = await ControlShell.open(this.docker, this.container, this.node);
  }

  /** Run a shell script; a non-zero exit is a NodeCommandError. */
  async sh(script: string): Promise<string> {
    const r = await this.shAnyway(script);
    if (r.exitCode !== 0) throw new NodeCommandError(this.node, script, r.exitCode, r.stderr || r.stdout);
    return r.stdout;
  }

  /** Run a shell script, whatever its exit status (for faults whose target may already be gone). */
  async shAnyway(script: string): Promise<ExecResult> {
    return (await this.control?.run(script).catch(() => undefined)) ?? this.exec(['sh', '-c', script]);
  }

  /** Start a shell script and leave it running (its output is discarded). */
  async shDetached(script: string): Promise<void> {
    const handed = await this.control?.background(script).then(() => true, () => false);
    if (handed !== true) await execDetached(this.container, ['sh', '-c', script]);
  }

  async writeFile(path: string, content: string): Promise<void> {
    const b64 = Buffer.from(content, 'utf8').toString('base64');
    await this.sh(`mkdir -p "$(dirname '${path}')" && echo '${b64}' | base64 -d > '${path}'`);
  }

  lines(cmd: readonly string[], onLine: (line: string) => void): ReturnType<typeof execLines> {
    return execLines(this.docker, this.container, cmd, onLine);
  }

  /** Map each segment to the interface that carries its address. */
  async discoverInterfaces(attachments: readonly NodeAttachment[]): Promise<void> {
    const out = await this.sh('ip -o -4 addr show');
    for (const a of attachments) {
      const m = new RegExp(`^\\d+:\\s+(\\S+)\\s+inet\\s+${a.address.replaceAll('.', '\\.')}/`, 'm').exec(out);
      if (m === null) throw new NodeCommandError(this.node, 'ip -o -4 addr show', 0, `no interface has ${a.address}:\n${out}`);
      this.interfaces.set(a.segment, (m[1] as string).replace(/@.*$/, ''));
    }
  }

  /** The lab needs to change links, addresses and packet filters inside the node. */
  async checkCapabilities(): Promise<void> {
    const r = await this.shAnyway('ip link set lo up && iptables -w -S INPUT >/dev/null');
    if (r.exitCode !== 0) throw new CapabilityMissingError(this.node, (r.stderr || r.stdout).trim() || `exit ${r.exitCode}`);
  }

  /** Close the command channel (commands then go by exec). */
  closeControl(): void {
    this.control?.close();
    this.control = undefined;
  }

  async remove(): Promise<void> {
    this.closeControl();
    await this.container.remove({ force: true, v: true });
  }
}
