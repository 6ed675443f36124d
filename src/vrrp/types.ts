/**
 * The contract of the VRRP engine: its configuration, inputs, outputs and the
 * reasons it drops packets. One engine instance models one node's keepalived VRRP
 * process: every vrrp_instance, vrrp_script, tracked interface and sync group of
 * that node, because sync groups and shared scripts couple instances.
 *
 * Every backend (the simulator, the container daemon) speaks only these types.
 * Times are integer microseconds (core/time.ts); addresses are dotted-quad strings.
 */
import type { Instant, DurationUs } from '../core/time.js';
import type { SourceLocation } from '../core/errors.js';

// ---------------------------------------------------------------- configuration

/** keepalived's instance states. INIT only exists during start-up; STOP after shutdown. */
export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export interface InterfaceConfig {
  readonly name: string;
  /** Primary IPv4 address of the interface: the source of multicast adverts. */
  readonly address: string;
  readonly prefixLength: number;
  /** Link state at start (default up). */
  readonly up?: boolean;
}

export interface VrrpScriptConfig {
  readonly name: string;
  /** keepalived: integer seconds, default 1 s. */
  readonly intervalUs: DurationUs;
  /** keepalived default 0 = "use interval". */
  readonly timeoutUs: DurationUs;
  /** Default weight from the vrrp_script block (an instance's track_script may override). */
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
}

export interface TrackedScript {
  readonly script: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackedInterface {
  readonly interface: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface VirtualAddress {
  readonly address: string;
  readonly prefixLength: number;
  /** Interface the address is added to; default the instance's interface. */
  readonly interface?: string;
}

export type AuthConfig =
  | { readonly type: 'none' }
  /** RFC 2338 simple text password; keepalived keeps the first 8 bytes, zero padded. */
  | { readonly type: 'pass'; readonly password: string };

export interface VrrpInstanceConfig {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  /** Configured (base) priority, 1..255. 255 = address owner. */
  readonly priority: number;
  /** keepalived's `state`: only matters for owners and sync groups in 2.x (see research §2.3). */
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly advertIntUs: DurationUs;
  /** Only 2 is implemented on the wire; the field is kept for validation. */
  readonly version: 2 | 3;
  readonly nopreempt: boolean;
  /** 0 = no delay. */
  readonly preemptDelayUs: DurationUs;
  readonly auth: AuthConfig;
  readonly virtualAddresses: readonly VirtualAddress[];
  readonly trackScripts: readonly TrackedScript[];
  readonly trackInterfaces: readonly TrackedInterface[];
  /** Source address override (unicast_src_ip / mcast_src_ip). */
  readonly sourceAddress?: string;
  /** Non-empty = unicast mode: one copy of each advert per peer. */
  readonly unicastPeers: readonly string[];
  /** keepalived's down_timer_adverts (default 3). */
  readonly downTimerAdverts: number;
  /** keepalived: a master answers a lower-priority advert with its own unless this is set. */
  readonly lowerPrioNoAdvert: boolean;
  /** keepalived: a master sends one advert before yielding to a higher one. */
  readonly higherPrioSendAdvert: boolean;
  /** Own interface tracked (down → FAULT) unless dont_track_primary. */
  readonly dontTrackPrimary: boolean;
  readonly garpMasterRepeat: number;
  readonly garpMasterDelayUs: DurationUs;
  readonly garpLowerPrioRepeat: number;
  /** keepalived's garp_lower_prio_delay: a second lower-priority burst this long after the first. Default garpMasterDelayUs. */
  readonly garpLowerPrioDelayUs?: DurationUs;
  /** keepalived's check_unicast_src: drop unicast adverts whose source is not a listed peer. Default false. */
  readonly checkUnicastSrc?: boolean;
  /** keepalived's use_vmac. The engine ignores it; a host puts the instance's VIPs on the macvlan and sends from it. */
  readonly vmac?: VirtualMacConfig;
}

/**
 * keepalived's use_vmac: a macvlan interface `name` (default vrrp.VRID) on the
 * instance's interface, with `mac` (default the virtual router MAC
 * 00:00:5e:00:01:VRID, RFC 3768 §7.3). The VIPs that name no other device live on
 * it, so their gratuitous ARPs and ARP replies carry that MAC; adverts leave
 * from it too, unless `xmitBase` (vmac_xmit_base) sends them from the base
 * interface with its own MAC.
 */
export interface VirtualMacConfig {
  readonly name: string;
  readonly mac: string;
  readonly xmitBase: boolean;
  /** Where the configuration asks for it, for hosts that cannot do it. */
  readonly declaredAt?: SourceLocation;
}

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
  /**
   * The state the group starts in, which every member takes (keepalived's
   * vrrp_sync_set_group, resolved by the mapping: MASTER only when every
   * member is an address owner written `state MASTER`). A member keeps its own
   * initialState as its wantstate: one that wants MASTER in a BACKUP group
   * waits one advert interval, not the master-down interval.
   */
  readonly initialState: 'MASTER' | 'BACKUP';
}

export interface VrrpNodeConfig {
  readonly node: string;
  readonly interfaces: readonly InterfaceConfig[];
  readonly scripts: readonly VrrpScriptConfig[];
  readonly instances: readonly VrrpInstanceConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
}

// ---------------------------------------------------------------- inputs

export type VrrpInput =
  /** A whole IPv4 datagram (header included) received on an interface. */
  | { readonly kind: 'packet'; readonly interface: string; readonly bytes: Uint8Array }
  /** The result of a `run-script` request: exit status 0 is success. */
  | { readonly kind: 'script-result'; readonly script: string; readonly exitCode: number }
  /** Link state of an interface changed (IFF_UP && IFF_RUNNING). */
  | { readonly kind: 'link'; readonly interface: string; readonly up: boolean }
  /** Graceful shutdown (SIGTERM): masters send priority 0, every instance goes to STOP. */
  | { readonly kind: 'shutdown' };

// ---------------------------------------------------------------- outputs

export type TransitionCause =
  | { readonly code: 'startup' }
  | { readonly code: 'owner-startup' }
  | { readonly code: 'master-down-timer'; readonly priority: number; readonly lastMasterPriority?: number }
  | { readonly code: 'priority-zero-received'; readonly from: string }
  | { readonly code: 'higher-priority-advert'; readonly from: string; readonly priority: number; readonly ours: number }
  | { readonly code: 'equal-priority-higher-address'; readonly from: string; readonly priority: number }
  | { readonly code: 'fault'; readonly detail: string }
  | { readonly code: 'fault-cleared' }
  | { readonly code: 'sync-group'; readonly group: string; readonly member: string }
  | { readonly code: 'shutdown' };

export type VrrpOutput =
  | {
      readonly kind: 'send-advertisement';
      readonly instance: string;
      readonly interface: string;
      /** Destination: 224.0.0.18 or a unicast peer. */
      readonly destination: string;
      readonly priority: number;
      /** The complete IPv4 datagram as it goes on the wire. */
      readonly bytes: Uint8Array;
    }
  | { readonly kind: 'send-gratuitous-arp'; readonly instance: string; readonly interface: string; readonly address: string }
  | { readonly kind: 'add-address'; readonly instance: string; readonly interface: string; readonly address: string; readonly prefixLength: number }
  | { readonly kind: 'remove-address'; readonly instance: string; readonly interface: string; readonly address: string; readonly prefixLength: number }
  | { readonly kind: 'run-script'; readonly script: string }
  | {
      readonly kind: 'transitioned';
      readonly instance: string;
      readonly from: VrrpStateName;
      readonly to: VrrpStateName;
      /** Effective priority after the transition. */
      readonly priority: number;
      readonly cause: TransitionCause;
      /** The cause in words, e.g. "master down timer expired; 120 > 100 wins". */
      readonly reason: string;
    }
  | { readonly kind: 'priority-changed'; readonly instance: string; readonly from: number; readonly to: number; readonly reason: string }
  | { readonly kind: 'script-status'; readonly script: string; readonly ok: boolean; readonly exitCode: number }
  /** A received packet not used; `from` is the sender's address once the packet decoded as an advert. */
  | { readonly kind: 'dropped'; readonly instance?: string; readonly interface: string; readonly from?: string; readonly reason: DropReason }
  /**
   * An instance's Master_Down_Timer expired (it wants MASTER), but its sync
   * group holds it in BACKUP until every other member wants MASTER too
   * (keepalived vrrp_sync_can_goto_master). `reason` says why it wants MASTER.
   */
  | { readonly kind: 'sync-group-wait'; readonly instance: string; readonly group: string; readonly waitingFor: readonly string[]; readonly reason: string };

// ---------------------------------------------------------------- drop reasons

/** Why a received packet was not used. Each names the RFC 3768 §7.1 clause or keepalived check. */
export type DropReason =
  | { readonly code: 'too-short'; readonly length: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'not-ipv4'; readonly version: number; readonly rfc: '3768§5.2' }
  | { readonly code: 'ip-header-invalid'; readonly detail: string; readonly rfc: '3768§5.2' }
  | { readonly code: 'not-vrrp-protocol'; readonly protocol: number; readonly rfc: '3768§5.2.4' }
  | { readonly code: 'length-mismatch'; readonly length: number; readonly expected: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'ttl-not-255'; readonly ttl: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'version-mismatch'; readonly version: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'type-invalid'; readonly type: number; readonly rfc: '3768§5.3.2' }
  | { readonly code: 'checksum-invalid'; readonly rfc: '3768§7.1' }
  | { readonly code: 'vrid-unknown'; readonly vrid: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'instance-not-listening'; readonly state: VrrpStateName; readonly rfc: 'keepalived' }
  | { readonly code: 'auth-type-invalid'; readonly authType: number; readonly rfc: '3768§5.3.6' }
  | { readonly code: 'auth-type-mismatch'; readonly authType: number; readonly expected: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'auth-password-mismatch'; readonly rfc: '2338§10.2' }
  | { readonly code: 'adver-int-mismatch'; readonly adverIntS: number; readonly expectedS: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'address-count-mismatch'; readonly count: number; readonly expected: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'address-list-mismatch'; readonly missing: string; readonly rfc: '3768§7.1' }
  | { readonly code: 'ip-total-length-mismatch'; readonly totalLength: number; readonly length: number; readonly rfc: '3768§7.1' }
  | { readonly code: 'unicast-source-not-peer'; readonly source: string; readonly rfc: 'keepalived' }
  /** A multicast advert on a unicast instance, or the reverse. */
  | { readonly code: 'destination-kind-mismatch'; readonly multicast: boolean; readonly rfc: 'keepalived' }
  /** A BACKUP that may preempt discards a lower-priority advert (the Master_Down_Timer keeps running). */
  | { readonly code: 'lower-priority'; readonly priority: number; readonly ours: number; readonly rfc: '3768§6.4.2' }
  | { readonly code: 'own-packet'; readonly rfc: 'keepalived' };

export type DropCode = DropReason['code'];

// ---------------------------------------------------------------- engine state (opaque to hosts)

export interface Deadline {
  readonly at: Instant;
}
