/**
 * What the Docker backend needs to run one node, mapped by the backend itself
 * from the backend-neutral NodeSpec (src/spec/node-spec.ts) and the engine the
 * backend was asked to run on that node.
 */
import type { NodeId } from '../core/ids.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import type { KeepalivedSource, NodeSpec } from '../spec/node-spec.js';
import type { VrrpNodeConfig } from '../vrrp/types.js';

export type NodeEngineKind = 'keepalived' | 'ts';

export interface DockerNodeConfig {
  readonly engine: NodeEngineKind;
  /** The keepalived.conf as the user wrote it, and the files it includes. */
  readonly keepalived: KeepalivedSource;
  /** Scenario interfaces, primary first: each is one segment (one Docker network). */
  readonly interfaces: readonly { readonly name: string; readonly address: string; readonly prefixLength: number }[];
  /** Every VIP the node's instances may hold, to tell VIP moves from other address changes. */
  readonly vips: readonly { readonly instance: string; readonly interface: string; readonly address: string; readonly prefixLength: number }[];
  /** Each vrrp_script's exit status at start (0 unless a `fail` comes first). */
  readonly scriptExitCodes: Readonly<Record<string, number>>;
  readonly scripts: readonly string[];
  /** Our engine's configuration, for `engine: 'ts'`. */
  readonly vrrp: VrrpNodeConfig;
  /** The node's virtual_server blocks as a director (absent: VRRP only). */
  readonly lvs?: DirectorNodeConfig;
}

export const ENGINE_KINDS: readonly NodeEngineKind[] = ['keepalived', 'ts'];

/** One node's Docker config: `engines` picks per node (mixed clusters), else `engine`. */
export function dockerNodeConfig(id: NodeId, node: NodeSpec, engine: NodeEngineKind, engines: Readonly<Record<string, NodeEngineKind>> = {}): DockerNodeConfig {
  return {
    engine: engines[id] ?? engine,
    keepalived: node.keepalived,
    interfaces: node.interfaces.map((i) => ({ name: i.name, address: i.address, prefixLength: i.prefixLength })),
    vips: node.vrrp.instances.flatMap((i) => i.virtualAddresses.map((v) => ({ instance: i.name, interface: v.interface ?? i.interface, address: v.address, prefixLength: v.prefixLength }))),
    scriptExitCodes: node.initialScriptExitCodes,
    scripts: node.vrrp.scripts.map((s) => s.name),
    vrrp: node.vrrp,
    ...(node.lvs === undefined ? {} : { lvs: node.lvs }),
  };
}
