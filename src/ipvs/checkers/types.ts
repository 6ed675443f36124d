/**
 * The contract of the health-checker engine: keepalived's checker process
 * (the `check` child) for a set of virtual servers, as a sans-I/O engine.
 *
 * Theory of operation: the engine owns the checkers' clocks and the decisions
 * (when to probe, how many failures make a server down, what that does to the
 * IPVS table, quorum and the sorry server). It never connects, fetches or runs
 * anything itself: it emits a `probe` output, the host performs it and feeds
 * the result back as a `probe-result` input carrying the same `probeId`. A
 * probe that gets no result by its deadline (`startedAt + timeoutUs`) is
 * resolved by the engine itself as a timeout, so a host may simply never answer
 * for a dead server. A result for a probe that is no longer in flight is
 * ignored (with a `log` output), never an exception.
 *
 * Configuration is keepalived's configuration *before* defaults: optional
 * fields are resolved at `init` with keepalived's own inheritance (checker
 * setting, else real server, else virtual server, else the checker type's
 * default; see resolve.ts). Times are integer microseconds; addresses are
 * dotted quads; `key`s are opaque names the host chose (e.g. "192.0.2.80:2811").
 */
import type { DurationUs } from '../../core/time.js';

// ---------------------------------------------------------------- configuration

export interface CheckerConfig {
  readonly virtualServers: readonly VirtualServerConfig[];
  /** Seeds the per-checker warmup delays (uniform in [0, warmup]); default 0. */
  readonly seed?: number;
  /**
   * Whether this host holds the virtual servers' addresses at start (a VRRP
   * master). Only read by virtual servers with `haSuspend`; default true.
   */
  readonly vipPresent?: boolean;
}

export interface VirtualServerConfig {
  /** The service's name in every output (e.g. "tcp:192.0.2.80:2811" or "fwmark:1"). */
  readonly key: string;
  /** How keepalived's log lines name it ("[192.0.2.80]:tcp:2811", "FWM 1"); default `key`. */
  readonly label?: string;
  /** Port of the service, used as the default real server and sorry server port. */
  readonly port?: number;
  /** Default weight of its real servers (keepalived `weight` in virtual_server); default 1. */
  readonly weight?: number;
  /** Default Host header of its HTTP_GET checkers. */
  readonly virtualhost?: string;
  /** keepalived default 60 s. */
  readonly delayLoopUs?: DurationUs;
  /** Defaults for the real servers' checkers (keepalived: VS → RS → checker inheritance). */
  readonly connectTimeoutUs?: DurationUs;
  readonly retry?: number;
  readonly delayBeforeRetryUs?: DurationUs;
  readonly warmupUs?: DurationUs;
  readonly inhibitOnFailure?: boolean;
  readonly alpha?: boolean;
  readonly omega?: boolean;
  readonly haSuspend?: boolean;
  /** Minimum total weight of live real servers; default 1. */
  readonly quorum?: number;
  /** Default 0. */
  readonly hysteresis?: number;
  readonly quorumUp?: string;
  readonly quorumDown?: string;
  readonly sorryServer?: SorryServerConfig;
  readonly realServers: readonly RealServerConfig[];
}

export interface SorryServerConfig {
  readonly key: string;
  readonly label?: string;
  readonly address: string;
  readonly port?: number;
  /** sorry_server_inhibit: set weight 0 on quorum regain instead of removing. */
  readonly inhibit?: boolean;
}

export interface RealServerConfig {
  readonly key: string;
  /** How keepalived's log lines name it ("[192.0.2.31]:tcp:2811"); default `key`. */
  readonly label?: string;
  readonly address: string;
  readonly port?: number;
  /** 0..2147483647; default the virtual server's weight. */
  readonly weight?: number;
  readonly virtualhost?: string;
  readonly inhibitOnFailure?: boolean;
  readonly notifyUp?: string;
  readonly notifyDown?: string;
  /** Overrides of the virtual server's checker defaults. */
  readonly alpha?: boolean;
  readonly retry?: number;
  readonly delayBeforeRetryUs?: DurationUs;
  readonly warmupUs?: DurationUs;
  readonly connectTimeoutUs?: DurationUs;
  readonly delayLoopUs?: DurationUs;
  readonly checkers: readonly CheckerSpec[];
}

interface CheckerCommon {
  readonly connectIp?: string;
  readonly connectPort?: number;
  readonly connectTimeoutUs?: DurationUs;
  /** `retry` (HTTP's deprecated alias `nb_get_retry` maps here too). */
  readonly retry?: number;
  readonly delayBeforeRetryUs?: DurationUs;
  readonly warmupUs?: DurationUs;
  readonly delayLoopUs?: DurationUs;
  readonly alpha?: boolean;
}

export interface TcpCheckSpec extends CheckerCommon {
  readonly type: 'tcp';
}

export interface HttpUrlSpec {
  readonly path: string;
  /** Lower-case hex MD5 of the body; absent = not checked. */
  readonly digest?: string;
  /** Accepted status codes as inclusive ranges; absent = 200–299. */
  readonly statusCodes?: readonly (readonly [number, number])[];
  readonly virtualhost?: string;
}

export interface HttpGetSpec extends CheckerCommon {
  readonly type: 'http';
  /** At least one: keepalived drops an HTTP_GET without urls at parse time. */
  readonly urls: readonly HttpUrlSpec[];
  readonly virtualhost?: string;
  /** fast_recovery: while down and not known failing, check again at once instead of after delay_loop. */
  readonly fastRecovery?: boolean;
}

export interface MiscCheckSpec extends Omit<CheckerCommon, 'connectIp' | 'connectPort' | 'connectTimeoutUs'> {
  readonly type: 'misc';
  readonly path: string;
  /** misc_timeout; default the virtual server's delay_loop (not the checker's: keepalived reads the VS's). */
  readonly timeoutUs?: DurationUs;
  readonly dynamic?: boolean;
  readonly user?: string;
}

export type CheckerSpec = TcpCheckSpec | HttpGetSpec | MiscCheckSpec;

// ---------------------------------------------------------------- inputs

export type ProbeResult =
  | { readonly type: 'tcp'; readonly outcome: 'connected' | 'refused' | 'timeout' }
  | { readonly type: 'http'; readonly outcome: 'response'; readonly status: number; readonly digest?: string }
  | { readonly type: 'http'; readonly outcome: 'connect-failed' | 'timeout' }
  | { readonly type: 'misc'; readonly outcome: 'exited'; readonly code: number }
  | { readonly type: 'misc'; readonly outcome: 'timeout' };

export type CheckerInput =
  | { readonly kind: 'probe-result'; readonly probeId: number; readonly result: ProbeResult }
  /** ha_suspend: this host gained or lost the virtual servers' addresses (VRRP master or not). */
  | { readonly kind: 'vrrp-state'; readonly master: boolean }
  /** keepalived stops: servers leave the table; with omega, down scripts run. */
  | { readonly kind: 'shutdown' };

// ---------------------------------------------------------------- outputs

export type ProbeTarget =
  | { readonly type: 'tcp'; readonly address: string; readonly port: number }
  | {
      readonly type: 'http';
      readonly address: string;
      readonly port: number;
      readonly path: string;
      /** Host header: the url's or checker's or virtual server's virtualhost, else address:port. */
      readonly host: string;
    }
  | { readonly type: 'misc'; readonly command: string; readonly user?: string };

export type CheckerOutput =
  | ({
      readonly kind: 'probe';
      readonly probeId: number;
      readonly service: string;
      readonly server: string;
      /** Index of the checker in its real server's `checkers`. */
      readonly checker: number;
      /**
       * connect_timeout (TCP, HTTP) or misc_timeout (MISC). The engine declares a
       * timeout itself at probe start + timeoutUs. keepalived gives an HTTP_GET
       * connect_timeout for each phase (connect, send, read); the engine counts
       * it once, from the start, which is exact for the usual case of a dead
       * server (the connect phase times out) and stricter for slow responses.
       */
      readonly timeoutUs: DurationUs;
    } & ProbeTarget)
  | {
      readonly kind: 'ipvs';
      readonly op: 'add' | 'remove' | 'set-weight';
      readonly service: string;
      readonly server: string;
      readonly address: string;
      readonly port: number;
      readonly weight: number;
      /** The entry is the virtual server's sorry server. */
      readonly sorry?: boolean;
    }
  | {
      readonly kind: 'notify';
      /** The command line as configured. */
      readonly script: string;
      /** Arguments keepalived adds to the configured ones: none for these four scripts. */
      readonly args: readonly string[];
      readonly event: 'notify_up' | 'notify_down' | 'quorum_up' | 'quorum_down';
      readonly service: string;
      /** The real server, for notify_up / notify_down. */
      readonly server?: string;
    }
  | { readonly kind: 'log'; readonly text: string }
  | { readonly kind: 'quorum'; readonly service: string; readonly up: boolean };

// ---------------------------------------------------------------- status (read-only view)

/** What `checkerStatus` reports: the checker process's view, for timelines and assertions. */
export interface ServiceStatus {
  readonly service: string;
  readonly quorumUp: boolean;
  /** Σ weights of live real servers, as keepalived weighs them for quorum. */
  readonly liveWeight: number;
  readonly sorryServerActive: boolean;
  readonly servers: readonly ServerStatus[];
}

export interface ServerStatus {
  readonly server: string;
  /** keepalived's `alive`: every checker up. */
  readonly alive: boolean;
  readonly effectiveWeight: number;
  /** In the IPVS table, and with which weight (0 when inhibited). */
  readonly inTable: boolean;
  readonly tableWeight: number;
  readonly checkersUp: readonly boolean[];
}
