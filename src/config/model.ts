/**
 * The typed model of a keepalived 2.2.x configuration, as keepalived reads it.
 *
 * Shape (stable; other layers build on it):
 *
 *   KeepalivedConfig
 *     globalDefs            GlobalDefs            (global_defs { … })
 *     vrrpScripts[]         VrrpScript            (vrrp_script NAME { … })
 *     trackFiles[]          TrackFile             (track_file / vrrp_track_file NAME { … })
 *     trackProcesses[]      TrackProcess          (vrrp_track_process NAME { … })
 *     vrrpInstances[]       VrrpInstance          (vrrp_instance NAME { … })
 *     syncGroups[]          SyncGroup             (vrrp_sync_group NAME { … })
 *     garpGroups[]          GarpGroup             (garp_group { … })
 *     staticAddresses[] / staticRoutes[] / staticRules[]
 *     virtualServerGroups[] VirtualServerGroup    (virtual_server_group NAME { … })
 *     virtualServers[]      VirtualServer         (virtual_server IP PORT | fwmark N | group NAME { … })
 *       realServers[]       RealServer            (real_server IP PORT { … })
 *         checkers[]        Checker               (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, …)
 *     bfdInstances[]        BfdInstance
 *     unknown[]             every keyword keepalived does not know, with its position
 *
 * Conventions:
 *  - Every configured value is a `Value<T>`: the value and the `Loc` (file,
 *    line, column) of the word it came from. Absent means "not configured".
 *  - Values are what keepalived keeps after its own parse-time fix-ups: a value
 *    keepalived rejects (e.g. `priority 300`) is absent, and the rejection is a
 *    diagnostic. Values keepalived corrects at parse time (auth_pass truncated
 *    to 8) keep the configured text; the corrected value is in `effective`.
 *  - Each block object has `loc` (its keyword) and `end` (its closing brace),
 *    and `statements`: every statement of the block in order, known or not,
 *    so nothing the file says is lost even where no typed field exists.
 *  - `effective` (instances, scripts) holds what keepalived will run with once
 *    it has applied defaults and its post-parse corrections (priority 255 for
 *    `state MASTER` without priority, advert_int rounding in VRRPv2, nopreempt
 *    cleared with state MASTER, …). It is filled after parsing by the checks.
 *  - Durations are integer microseconds (`…Us`) or whole seconds (`…S`) as
 *    keepalived stores them.
 */
import type { Loc } from './source.js';
import type { BlockKind } from './schema.js';
import type { Family } from './ip.js';

export type { Loc } from './source.js';
export type { BlockKind } from './schema.js';
export type { Family } from './ip.js';

export interface Value<T> {
  readonly value: T;
  readonly loc: Loc;
}

/** One statement as written: keyword and words, each with its position. */
export interface RawStatement {
  readonly keyword: string;
  readonly args: readonly Value<string>[];
  readonly loc: Loc;
  /** keepalived knows this keyword in this block. */
  readonly known: boolean;
}

export interface UnknownKeyword {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly loc: Loc;
  /** The block keepalived was reading when it met the keyword. */
  readonly block: BlockKind;
}

interface BlockBase {
  readonly loc: Loc;
  readonly end?: Loc;
  readonly statements: readonly RawStatement[];
}

export interface NotifyScript {
  /** The command line as written (quotes removed by keepalived's tokenizer). */
  readonly command: string;
  readonly user?: string;
  readonly group?: string;
  readonly loc: Loc;
}

// ------------------------------------------------------------ addresses

export interface IpAddress {
  /** The address word as written, e.g. `192.0.2.10/24`. */
  readonly text: string;
  /** Canonical address without prefix. */
  readonly address: string;
  readonly family: Family;
  /** Prefix length (32/128 when none was written, or when the written one was invalid). */
  readonly prefixLength: number;
  readonly prefixWritten: boolean;
  readonly dev?: Value<string>;
  readonly broadcast?: Value<string>;
  readonly scope?: Value<string>;
  readonly label?: Value<string>;
  readonly peer?: Value<string>;
  readonly noTrack: boolean;
  /** Other options (`home`, `-nodad`, `preferred_lft 0`, …) as written. */
  readonly options: readonly Value<string>[];
  readonly loc: Loc;
}

export interface IpRoute {
  readonly text: string;
  /** Destination prefix or `default`. */
  readonly destination?: Value<string>;
  readonly via?: Value<string>;
  readonly dev?: Value<string>;
  readonly src?: Value<string>;
  readonly table?: Value<string>;
  readonly metric?: Value<number>;
  /** unicast (default), blackhole, unreachable, prohibit, throw, … */
  readonly type?: Value<string>;
  readonly noTrack: boolean;
  readonly options: readonly Value<string>[];
  readonly loc: Loc;
}

export interface IpRule {
  readonly text: string;
  readonly from?: Value<string>;
  readonly to?: Value<string>;
  readonly table?: Value<string>;
  readonly preference?: Value<number>;
  readonly iif?: Value<string>;
  readonly oif?: Value<string>;
  readonly fwmark?: Value<string>;
  readonly noTrack: boolean;
  readonly options: readonly Value<string>[];
  readonly loc: Loc;
}

// ------------------------------------------------------------ global_defs

export interface GlobalDefs {
  /** Position of the (first) global_defs block, if any. */
  readonly loc?: Loc;
  readonly routerId?: Value<string>;
  readonly vrrpVersion?: Value<2 | 3>;
  readonly vrrpMcastGroup4?: Value<string>;
  readonly vrrpMcastGroup6?: Value<string>;
  readonly vrrpGarpMasterDelayS?: Value<number>;
  readonly vrrpGarpMasterRepeat?: Value<number>;
  readonly vrrpGarpMasterRefreshS?: Value<number>;
  readonly vrrpGarpMasterRefreshRepeat?: Value<number>;
  readonly vrrpGarpLowerPrioDelayS?: Value<number>;
  readonly vrrpGarpLowerPrioRepeat?: Value<number>;
  readonly vrrpGarpIntervalUs?: Value<number>;
  readonly vrrpGnaIntervalUs?: Value<number>;
  readonly vrrpDownTimerAdverts?: Value<number>;
  readonly vrrpLowerPrioNoAdvert?: Value<boolean>;
  readonly vrrpHigherPrioSendAdvert?: Value<boolean>;
  readonly vrrpStrict?: Value<boolean>;
  readonly vrrpSkipCheckAdvAddr?: Value<boolean>;
  readonly vrrpCheckUnicastSrc?: Value<boolean>;
  readonly vrrpStartupDelayUs?: Value<number>;
  readonly scriptUser?: Value<{ readonly user: string; readonly group?: string }>;
  readonly enableScriptSecurity?: Value<boolean>;
  readonly dynamicInterfaces?: Value<boolean>;
  readonly defaultInterface?: Value<string>;
  readonly notificationEmail: readonly Value<string>[];
  readonly notificationEmailFrom?: Value<string>;
  readonly smtpServer?: Value<string>;
  readonly smtpConnectTimeoutS?: Value<number>;
  readonly lvsSyncDaemon?: Value<{ readonly interface: string; readonly instance?: string }>;
  readonly maxAutoPriority?: Value<number>;
  readonly statements: readonly RawStatement[];
}

// ------------------------------------------------------------ trackers

export interface VrrpScript extends BlockBase {
  readonly name: string;
  /** The command as written. */
  readonly script?: Value<string>;
  readonly intervalS?: Value<number>;
  readonly timeoutS?: Value<number>;
  readonly weight?: Value<number>;
  readonly reverse?: Value<boolean>;
  readonly rise?: Value<number>;
  readonly fall?: Value<number>;
  readonly user?: Value<{ readonly user: string; readonly group?: string }>;
  readonly initFail?: Value<boolean>;
  /** Defaults applied: interval 1, timeout = interval, weight 0, rise 1, fall 1. */
  effective?: EffectiveScript;
}

export interface EffectiveScript {
  readonly intervalS: number;
  readonly timeoutS: number;
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  /** keepalived removes the script (no `script`, or not tracked by anything). */
  readonly removed: boolean;
}

export interface TrackFile extends BlockBase {
  readonly name: string;
  readonly file?: Value<string>;
  readonly weight?: Value<number>;
  readonly reverse?: Value<boolean>;
  readonly initFile?: Value<{ readonly value?: number; readonly overwrite: boolean }>;
  /** Declared with the deprecated `vrrp_track_file` keyword. */
  readonly deprecatedKeyword: boolean;
}

export interface TrackProcess extends BlockBase {
  readonly name: string;
  readonly process?: Value<string>;
  readonly args?: readonly string[];
  readonly weight?: Value<number>;
  readonly reverse?: Value<boolean>;
  readonly quorum?: Value<number>;
  readonly quorumMax?: Value<number>;
  readonly delayUs?: Value<number>;
  readonly terminateDelayUs?: Value<number>;
  readonly forkDelayUs?: Value<number>;
  readonly paramMatch?: Value<'exact' | 'initial' | 'partial'>;
  readonly fullCommand?: Value<boolean>;
}

/** An entry of track_script / track_interface / track_file / track_process / track_bfd. */
export interface TrackRef {
  readonly name: string;
  readonly loc: Loc;
  /** Weight given on the tracking line (overrides the tracker's own). */
  readonly weight?: Value<number>;
  readonly reverse?: Value<boolean>;
}

// ------------------------------------------------------------ VRRP

export interface Authentication {
  readonly loc: Loc;
  readonly type?: Value<'PASS' | 'AH'>;
  /** As written; keepalived uses the first 8 bytes. */
  readonly pass?: Value<string>;
}

export interface UnicastPeer {
  readonly address: string;
  readonly family: Family;
  readonly minTtl?: Value<number>;
  readonly maxTtl?: Value<number>;
  readonly loc: Loc;
}

export interface InstanceNotify {
  readonly master?: NotifyScript;
  readonly backup?: NotifyScript;
  readonly fault?: NotifyScript;
  readonly stop?: NotifyScript;
  readonly deleted?: NotifyScript;
  /** `notify CMD`: gets INSTANCE|GROUP, name, state, priority appended. */
  readonly generic?: NotifyScript;
  readonly masterRxLowerPri?: NotifyScript;
}

export interface VrrpInstance extends BlockBase {
  readonly name: string;
  readonly state?: Value<'MASTER' | 'BACKUP'>;
  readonly interface?: Value<string>;
  readonly virtualRouterId?: Value<number>;
  readonly priority?: Value<number>;
  /** As configured (before VRRPv2 rounding / v3 10 ms rounding). */
  readonly advertIntUs?: Value<number>;
  readonly version?: Value<2 | 3>;
  readonly nopreempt?: Value<boolean>;
  readonly preemptDelayUs?: Value<number>;
  readonly authentication?: Authentication;
  /** Family of the instance: set by its first VIP, source address or peer. */
  readonly family?: Family;
  readonly virtualIpaddresses: readonly IpAddress[];
  readonly virtualIpaddressesExcluded: readonly IpAddress[];
  readonly virtualRoutes: readonly IpRoute[];
  readonly virtualRules: readonly IpRule[];
  readonly trackInterfaces: readonly TrackRef[];
  readonly trackScripts: readonly TrackRef[];
  readonly trackFiles: readonly TrackRef[];
  readonly trackProcesses: readonly TrackRef[];
  readonly trackBfds: readonly TrackRef[];
  readonly mcastSrcIp?: Value<string>;
  readonly unicastSrcIp?: Value<string>;
  readonly mcastDstIp?: Value<string>;
  readonly unicastPeers: readonly UnicastPeer[];
  readonly unicastTtl?: Value<number>;
  /** Any unicast keyword was given (unicast_peer, unicast_src_ip, …). */
  readonly unicastConfigured: boolean;
  readonly unicastFaultNoPeer?: Value<boolean>;
  readonly checkUnicastSrc?: Value<boolean>;
  readonly garpMasterDelayS?: Value<number>;
  readonly garpMasterRepeat?: Value<number>;
  readonly garpMasterRefreshS?: Value<number>;
  readonly garpMasterRefreshRepeat?: Value<number>;
  readonly garpLowerPrioDelayS?: Value<number>;
  readonly garpLowerPrioRepeat?: Value<number>;
  readonly downTimerAdverts?: Value<number>;
  readonly lowerPrioNoAdvert?: Value<boolean>;
  readonly higherPrioSendAdvert?: Value<boolean>;
  readonly dontTrackPrimary?: Value<boolean>;
  readonly trackSrcIp?: Value<boolean>;
  readonly promoteSecondaries?: Value<boolean>;
  readonly accept?: Value<boolean>;
  readonly noAccept?: Value<boolean>;
  readonly skipCheckAdvAddr?: Value<boolean>;
  readonly strictMode?: Value<boolean>;
  readonly useVmac?: Value<{ readonly name?: string; readonly mac?: string }>;
  readonly vmacXmitBase?: Value<boolean>;
  readonly useIpvlan?: Value<{ readonly name?: string; readonly address?: string; readonly mode?: string }>;
  readonly vrf?: Value<string>;
  readonly nativeIpv6?: Value<boolean>;
  readonly lvsSyncDaemonInterface?: Value<string>;
  readonly smtpAlert?: Value<boolean>;
  readonly notifyPriorityChanges?: Value<boolean>;
  readonly notify: InstanceNotify;
  effective?: EffectiveInstance;
}

/** What keepalived runs the instance with, after defaults and its own corrections. */
export interface EffectiveInstance {
  readonly state: 'MASTER' | 'BACKUP';
  /** Base priority 1..255; 255 = address owner. */
  readonly priority: number;
  readonly advertIntUs: number;
  readonly version: 2 | 3;
  readonly preempt: boolean;
  readonly preemptDelayUs: number;
  readonly auth: { readonly type: 'none' } | { readonly type: 'PASS' | 'AH'; readonly key: string };
  /** Unicast with at least one peer (otherwise keepalived falls back to multicast). */
  readonly unicast: boolean;
  readonly downTimerAdverts: number;
  readonly garpMasterDelayS: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshS: number;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayS: number;
  readonly garpLowerPrioRepeat: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly strict: boolean;
  /** VIPs that fit in the advert; the rest keepalived moves to excluded. */
  readonly advertisedAddressCount: number;
  /** Member of this sync group (after keepalived's sync-group checks). */
  readonly syncGroup?: string;
  /** track_script entries keepalived keeps (found, and not dropped for owner/sync group). */
  readonly trackScripts: readonly { readonly name: string; readonly weight: number; readonly reverse: boolean }[];
  readonly trackInterfaces: readonly { readonly name: string; readonly weight: number; readonly reverse: boolean }[];
}

export interface SyncGroup extends BlockBase {
  readonly name: string;
  readonly members: readonly Value<string>[];
  readonly trackInterfaces: readonly TrackRef[];
  readonly trackScripts: readonly TrackRef[];
  readonly trackFiles: readonly TrackRef[];
  readonly trackProcesses: readonly TrackRef[];
  readonly trackBfds: readonly TrackRef[];
  readonly notify: InstanceNotify;
  readonly smtpAlert?: Value<boolean>;
  readonly syncGroupTrackingWeight?: Value<boolean>;
  readonly notifyPriorityChanges?: Value<boolean>;
}

export interface GarpGroup extends BlockBase {
  readonly garpIntervalUs?: Value<number>;
  readonly gnaIntervalUs?: Value<number>;
  readonly interfaces: readonly Value<string>[];
}

export interface TrackGroup extends BlockBase {
  readonly name: string;
  readonly members: readonly Value<string>[];
}

// ------------------------------------------------------------ LVS

export type CheckerType =
  | 'TCP_CHECK'
  | 'HTTP_GET'
  | 'SSL_GET'
  | 'MISC_CHECK'
  | 'SMTP_CHECK'
  | 'DNS_CHECK'
  | 'UDP_CHECK'
  | 'PING_CHECK'
  | 'FILE_CHECK'
  | 'BFD_CHECK';

export interface HttpUrl extends BlockBase {
  readonly path?: Value<string>;
  readonly digest?: Value<string>;
  readonly statusCode?: Value<string>;
  readonly virtualhost?: Value<string>;
  readonly regex?: Value<string>;
}

export interface Checker extends BlockBase {
  readonly type: CheckerType;
  readonly connectIp?: Value<string>;
  readonly connectPort?: Value<number>;
  readonly bindto?: Value<string>;
  readonly bindPort?: Value<number>;
  readonly bindIf?: Value<string>;
  readonly connectTimeoutUs?: Value<number>;
  readonly fwmark?: Value<number>;
  readonly retry?: Value<number>;
  readonly delayBeforeRetryUs?: Value<number>;
  readonly warmupUs?: Value<number>;
  readonly delayLoopUs?: Value<number>;
  readonly alpha?: Value<boolean>;
  readonly logAllFailures?: Value<boolean>;
  /** HTTP_GET / SSL_GET */
  readonly urls: readonly HttpUrl[];
  readonly virtualhost?: Value<string>;
  /** MISC_CHECK */
  readonly miscPath?: Value<string>;
  readonly miscTimeoutS?: Value<number>;
  readonly miscDynamic?: Value<boolean>;
  readonly user?: Value<{ readonly user: string; readonly group?: string }>;
  /** SMTP_CHECK host { } sub-blocks: connection settings per host. */
  readonly hosts: readonly Checker[];
  /** FILE_CHECK / BFD_CHECK */
  readonly trackName?: Value<string>;
  readonly weight?: Value<number>;
}

export interface RealServer extends BlockBase {
  readonly address: string;
  readonly family: Family;
  readonly port?: number;
  readonly weight?: Value<number>;
  readonly lvsMethod?: Value<string>;
  readonly inhibitOnFailure?: Value<boolean>;
  readonly notifyUp?: NotifyScript;
  readonly notifyDown?: NotifyScript;
  readonly uthreshold?: Value<number>;
  readonly lthreshold?: Value<number>;
  readonly checkers: readonly Checker[];
}

export type VirtualServerAddress =
  | { readonly kind: 'address'; readonly address: string; readonly family: Family; readonly port?: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number }
  | { readonly kind: 'group'; readonly group: string };

export interface VirtualServer extends BlockBase {
  readonly target: VirtualServerAddress;
  readonly ipFamily?: Value<Family>;
  readonly delayLoopUs?: Value<number>;
  readonly lbAlgo?: Value<string>;
  readonly lbKind?: Value<'NAT' | 'DR' | 'TUN'>;
  readonly persistenceTimeoutS?: Value<number>;
  readonly persistenceGranularity?: Value<string>;
  readonly protocol?: Value<'TCP' | 'UDP' | 'SCTP'>;
  readonly virtualhost?: Value<string>;
  readonly sorryServer?: Value<{ readonly address: string; readonly port?: number }>;
  readonly quorum?: Value<number>;
  readonly hysteresis?: Value<number>;
  readonly alpha?: Value<boolean>;
  readonly omega?: Value<boolean>;
  readonly haSuspend?: Value<boolean>;
  readonly realServers: readonly RealServer[];
}

export interface VirtualServerGroupEntry {
  readonly kind: 'address' | 'fwmark';
  /** `IP[-END] PORT` or `fwmark N` as written. */
  readonly text: string;
  readonly loc: Loc;
}

export interface VirtualServerGroup extends BlockBase {
  readonly name: string;
  readonly entries: readonly VirtualServerGroupEntry[];
}

export interface BfdInstance extends BlockBase {
  readonly name: string;
  readonly neighborIp?: Value<string>;
  readonly sourceIp?: Value<string>;
  readonly minRxMs?: Value<number>;
  readonly minTxMs?: Value<number>;
  readonly idleTxMs?: Value<number>;
  readonly multiplier?: Value<number>;
  readonly passive?: Value<boolean>;
  readonly ttl?: Value<number>;
  readonly maxHops?: Value<number>;
  readonly weight?: Value<number>;
}

// ------------------------------------------------------------ the whole file

export interface KeepalivedConfig {
  /** Every file read: the root first, then includes in reading order. */
  readonly files: readonly string[];
  readonly globalDefs: GlobalDefs;
  readonly vrrpScripts: readonly VrrpScript[];
  readonly trackFiles: readonly TrackFile[];
  readonly trackProcesses: readonly TrackProcess[];
  readonly vrrpInstances: readonly VrrpInstance[];
  readonly syncGroups: readonly SyncGroup[];
  readonly garpGroups: readonly GarpGroup[];
  readonly trackGroups: readonly TrackGroup[];
  readonly staticAddresses: readonly IpAddress[];
  readonly staticRoutes: readonly IpRoute[];
  readonly staticRules: readonly IpRule[];
  readonly virtualServerGroups: readonly VirtualServerGroup[];
  readonly virtualServers: readonly VirtualServer[];
  readonly bfdInstances: readonly BfdInstance[];
  /** Top-level statements that are not blocks (net_namespace, instance, …). */
  readonly rootStatements: readonly RawStatement[];
  readonly unknown: readonly UnknownKeyword[];
}

/** Removes `readonly` (one level) so builders can fill a model object in place. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
