/**
 * The backend-neutral node spec: everything a backend needs to run one
 * keepalived node, in one shape for every backend.
 *
 * Theory of operation: a scenario is prepared once (src/scenario/topology.ts)
 * into one NodeSpec per node — the engine's configuration, the keepalived.conf
 * as written with the file its positions refer to, the addresses, the scripts'
 * exit codes at start and, for a director, its IPVS side. A backend takes the
 * spec and maps it itself: the simulator to segments and engines
 * (src/sim/sim-backend.ts), Docker to containers and configs
 * (src/docker/node-config.ts). Callers never choose a backend's own config.
 *
 * Rules:
 * - The port (core/backend.ts) is written once in core; core cannot name the
 *   engines' configs, so its node type is a parameter, fixed here and only here:
 *   every backend is a `NodeBackend`.
 * - Data only: no backend, scenario or I/O import may enter this folder.
 */
import type { Backend, ClusterSpec } from '../core/backend.js';
import type { DirectorNodeConfig } from '../ipvs/director-node-config.js';
import type { VrrpNodeConfig } from '../vrrp/types.js';

/** An interface of the node: its name is its segment (every node's `eth1` is one network). */
export interface NodeInterfaceSpec {
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
}

/** A configuration file as read; `file` is what diagnostics and positions name. */
export interface ConfigFileText {
  readonly file: string;
  readonly text: string;
}

/**
 * keepalived.conf as written, and the files it includes as they were read when
 * the scenario was prepared (in keepalived's order), so a backend that runs
 * keepalived itself gives it the very files the others were built from.
 */
export interface KeepalivedSource extends ConfigFileText {
  readonly included: readonly ConfigFileText[];
}

export interface NodeSpec {
  /** Primary interface first. */
  readonly interfaces: readonly NodeInterfaceSpec[];
  /** Our engine's configuration (the simulator and the container daemon run it). */
  readonly vrrp: VrrpNodeConfig;
  /** Each vrrp_script's exit status at start (0 unless a `fail` comes first). */
  readonly initialScriptExitCodes: Readonly<Record<string, number>>;
  /** The configuration as written, for backends that run keepalived itself. */
  readonly keepalived: KeepalivedSource;
  /** The node's virtual servers as a director (absent: VRRP only). */
  readonly lvs?: DirectorNodeConfig;
}

/** The one instantiation of the port: what every backend is. */
export type NodeBackend = Backend<NodeSpec>;
export type NodeClusterSpec = ClusterSpec<NodeSpec>;

/** Only the spec's own fields, so a backend never sees what preparation kept for itself. */
export function nodeSpecOf(node: NodeSpec): NodeSpec {
  return {
    interfaces: node.interfaces.map((i) => ({ name: i.name, address: i.address, prefixLength: i.prefixLength })),
    vrrp: node.vrrp,
    initialScriptExitCodes: node.initialScriptExitCodes,
    keepalived: { file: node.keepalived.file, text: node.keepalived.text, included: node.keepalived.included },
    ...(node.lvs === undefined ? {} : { lvs: node.lvs }),
  };
}
