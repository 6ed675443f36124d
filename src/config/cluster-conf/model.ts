/**
 * The located model of an RHCS `cluster.conf` (cman + fenced + rgmanager, RHCS 3.x).
 * Every element keeps the line:col of its start tag so each check can point at the
 * line a reviewer would edit. Values are parsed (numbers, booleans) with the defaults
 * cman, fenced and rgmanager apply when an attribute is absent; `attrs` keeps the raw
 * attributes for the agent-specific ones (fence agents, resource agents).
 */

export interface Located {
  readonly line: number;
  readonly column: number;
}

export type RawAttrs = Readonly<Record<string, { readonly value: string } & Located>>;

export interface CmanSection extends Located {
  readonly twoNode: boolean;
  readonly expectedVotes?: number;
  readonly attrs: RawAttrs;
}

export interface TotemSection extends Located {
  readonly tokenMs?: number;
  readonly consensusMs?: number;
  readonly attrs: RawAttrs;
}

export interface QuorumdSection extends Located {
  readonly votes?: number;
  readonly intervalS: number;
  readonly tko: number;
  readonly masterWins: boolean;
  readonly attrs: RawAttrs;
}

/** `<fence_daemon>`: fenced's delays (seconds). Defaults: 0, 6, clean_start 0, override_time 3. */
export interface FenceDaemonSection extends Located {
  readonly postFailDelayS: number;
  readonly postJoinDelayS: number;
  readonly cleanStart: boolean;
  readonly overrideTimeS: number;
}

export interface FenceDeviceRef extends Located {
  /** The `<fencedevice name>` it uses. */
  readonly name: string;
  readonly port?: string;
  readonly action?: string;
  /** The agent's `delay` (seconds) when set on the device line. */
  readonly delayS?: number;
  readonly attrs: RawAttrs;
}

export interface FenceMethod extends Located {
  readonly name: string;
  readonly devices: readonly FenceDeviceRef[];
}

export interface ClusterNode extends Located {
  readonly name: string;
  readonly nodeid?: number;
  readonly votes: number;
  readonly methods: readonly FenceMethod[];
  readonly unfence: readonly FenceDeviceRef[];
  /** `<fence>` present at all (an empty one is legal and fences nothing). */
  readonly hasFenceElement: boolean;
  readonly altnames: readonly string[];
  readonly attrs: RawAttrs;
}

export interface FenceDeviceDef extends Located {
  readonly name: string;
  readonly agent: string;
  readonly ipaddr?: string;
  readonly delayS?: number;
  readonly attrs: RawAttrs;
}

export interface FailoverDomainNode extends Located {
  readonly name: string;
  /** 1..100, 1 most preferred; absent = unprioritised. */
  readonly priority?: number;
}

export interface FailoverDomain extends Located {
  readonly name: string;
  readonly ordered: boolean;
  readonly restricted: boolean;
  readonly nofailback: boolean;
  readonly nodes: readonly FailoverDomainNode[];
}

export type RecoveryName = 'restart' | 'relocate' | 'disable' | 'restart-disable';

/** A `<service>` or a `<vm>` under `<rm>`: what clustat lists as `service:NAME` / `vm:NAME`. */
export interface RmService extends Located {
  readonly kind: 'service' | 'vm';
  readonly name: string;
  /** `vm:guest1` / `service:web`. */
  readonly id: string;
  readonly domain?: string;
  readonly autostart: boolean;
  readonly exclusive: boolean;
  readonly recovery: RecoveryName;
  readonly maxRestarts: number;
  readonly restartExpireTimeS: number;
  readonly depend?: string;
  /** vm only: `live` (default) or `pause`. */
  readonly migrate?: string;
  readonly attrs: RawAttrs;
  /** Resource agents nested in a service (ip, fs, clusterfs, script, …). */
  readonly resources: readonly { readonly type: string; readonly name?: string; readonly line: number; readonly column: number }[];
}

export interface RmSection extends Located {
  readonly statusPollIntervalS: number;
  readonly domains: readonly FailoverDomain[];
  readonly services: readonly RmService[];
  /** Global `<resources>` entries by type. */
  readonly resources: readonly { readonly type: string; readonly name?: string; readonly line: number; readonly column: number }[];
}

export interface ClusterConf {
  readonly file: string;
  readonly name: string;
  readonly configVersion?: number;
  readonly root: Located;
  readonly cman?: CmanSection;
  readonly totem?: TotemSection;
  readonly quorumd?: QuorumdSection;
  readonly fenceDaemon: FenceDaemonSection;
  readonly nodes: readonly ClusterNode[];
  readonly fenceDevices: readonly FenceDeviceDef[];
  readonly rm?: RmSection;
}
