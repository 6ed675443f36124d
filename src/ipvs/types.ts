/**
 * The data IPVS schedules over: a virtual service, its destinations (real
 * servers) and the few facts about a new connection a scheduler may look at.
 *
 * Theory of operation: the model keeps the kernel's shapes. A `Dest` is one real
 * server *inside one service* (the same machine behind two services is two
 * dests with independent counters). `Service.dests` is the kernel's
 * `svc->destinations` list in its order: index 0 is the list head's first
 * element. Schedulers keep private state (`schedData`) and are told about list
 * changes through the same hooks the kernel calls (`addDest`, `delDest`,
 * `updDest`).
 *
 * Rules: objects are mutated in place (a scheduler decision must cost no
 * allocation: the benchmark target is millions of picks a second); nothing here
 * performs I/O, reads a clock, or draws randomness except from a passed `Rng`.
 */
import type { Rng } from '../core/rng.js';

/** `IP_VS_DEST_F_AVAILABLE`: set on add/edit, cleared when the dest is deleted. */
export const IP_VS_DEST_F_AVAILABLE = 0x1;
/** `IP_VS_DEST_F_OVERLOAD`: set when active+inactive reaches u_threshold. */
export const IP_VS_DEST_F_OVERLOAD = 0x2;

/** Service flags the hashing schedulers read (`IP_VS_SVC_F_SCHED1/2`). */
export const IP_VS_SVC_F_SCHED1 = 0x8;
export const IP_VS_SVC_F_SCHED2 = 0x10;
/** sh/mh: when the home server is unavailable, probe further (`sh-fallback`, `mh-fallback`). */
export const IP_VS_SVC_F_SCHED_FALLBACK = IP_VS_SVC_F_SCHED1;
/** sh/mh: hash the client's source port too (`sh-port`, `mh-port`). */
export const IP_VS_SVC_F_SCHED_PORT = IP_VS_SVC_F_SCHED2;

export interface Dest {
  /** A label for people: what `pick` prints. */
  readonly name: string;
  /** IPv4 address as an unsigned 32-bit integer in host order (`ntohl(addr)`). */
  readonly addr: number;
  /** Port in host order (`ntohs(port)`). */
  readonly port: number;
  weight: number;
  /** The last non-zero weight (the kernel's `last_weight`); only mh reads it. */
  lastWeight: number;
  uThreshold: number;
  lThreshold: number;
  flags: number;
  activeconns: number;
  inactconns: number;
  persistconns: number;
}

export interface DestSpec {
  readonly name: string;
  readonly addr: number;
  readonly port: number;
  readonly weight: number;
  readonly uThreshold?: number;
  readonly lThreshold?: number;
  /** Initial counters, for exploring a scheduler from a given load. */
  readonly activeconns?: number;
  readonly inactconns?: number;
}

/** What a scheduler may look at in the first packet of a new connection. */
export interface ConnKey {
  /** Client address (host order u32) and port. */
  readonly saddr: number;
  readonly sport: number;
  /** Destination address and port as the packet carries them (the VIP for a normal service). */
  readonly daddr: number;
  readonly dport: number;
}

export type SchedulerName =
  | 'rr' | 'wrr' | 'lc' | 'wlc' | 'sed' | 'nq' | 'fo' | 'ovf'
  | 'sh' | 'dh' | 'mh' | 'lblc' | 'lblcr' | 'twos';

export interface ScheduleContext {
  /** Microseconds since the run began; lblc/lblcr keep `lastuse` and expiry in it. */
  readonly now: number;
  /** Only twos draws random numbers. */
  readonly rng?: Rng;
}

/**
 * One scheduler, in the kernel's `struct ip_vs_scheduler` shape. Hooks mutate
 * `svc.schedData`; `schedule` returns the chosen dest or `undefined` where the
 * kernel returns NULL ("no destination available").
 */
export interface Scheduler {
  readonly name: SchedulerName;
  initService(svc: Service): unknown;
  /** Called after `dest` was linked at its place in `svc.dests`. */
  addDest?(svc: Service, dest: Dest): void;
  /** Called after `dest` was unlinked; `formerIndex` is where it sat. */
  delDest?(svc: Service, dest: Dest, formerIndex: number): void;
  /** Called after an edit changed `dest`'s weight or thresholds. */
  updDest?(svc: Service, dest: Dest): void;
  schedule(svc: Service, conn: ConnKey, ctx: ScheduleContext): Dest | undefined;
}

export interface ServiceOptions {
  readonly scheduler: SchedulerName;
  /** `IP_VS_SVC_F_*` bits (sh/mh fallback and port). */
  readonly flags?: number;
  /** Maglev table size; must be one of the kernel's primes. Default 4093. */
  readonly mhTableSize?: number;
  /** sh/dh/lblc/lblcr hash: 'hash32' (current kernels) or 'legacy' (the old multiplicative mask). */
  readonly hashVariant?: 'hash32' | 'legacy';
  /** lblc_expiration / lblcr_expiration sysctl, microseconds (default 24 h). */
  readonly expirationUs?: number;
}

export interface Service {
  readonly scheduler: Scheduler;
  readonly flags: number;
  readonly options: ServiceOptions;
  /** Kernel list order: index 0 is the first element after the list head. */
  readonly dests: Dest[];
  schedData: unknown;
}
