/**
 * What the Docker backend needs to run one node, mapped by the backend itself
 * from the backend-neutral NodeSpec (src/spec/node-spec.ts) and the engine the
 * backend was asked to run on that node.
 */
import { ConfigError } from '../core/errors.js';
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
  refuseWhatTheEngineCannotRun(id, node, engines[id] ?? engine);
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

/**
 * This project's daemon (`--engine ts`) sends from the instance's interface and
 * adds VIPs there: it creates no macvlan, so an instance with use_vmac would
 * run with the wrong MAC. Refused before anything starts, at the use_vmac line.
 * (keepalived itself creates the macvlan in the container: NET_ADMIN suffices.)
 */
export function refuseWhatTheEngineCannotRun(id: NodeId, node: NodeSpec, engine: NodeEngineKind): void {
  if (engine !== 'ts') return;
  const inst = node.vrrp.instances.find((i) => i.vmac !== undefined);
  if (inst?.vmac === undefined) return;
  throw new ConfigError(
    'ts-engine-vmac-unsupported',
    `(${inst.name}) use_vmac is not implemented by --engine ts (node ${id}): its daemon creates no ${inst.vmac.name} macvlan with ${inst.vmac.mac}; run this node with --engine keepalived, or remove use_vmac`,
    inst.vmac.declaredAt,
  );
}
