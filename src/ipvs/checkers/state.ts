/**
 * The checker engine's state: keepalived's per-checker, per-real-server and
 * per-virtual-server variables, named as keepalived names them (`is_up` →
 * `isUp`, `retry_it` → `retryIt`, `num_failed_checkers` → `numFailedCheckers`,
 * `quorum_state_up` → `quorumUp`), plus the two things a sans-I/O engine keeps
 * that keepalived leaves to its scheduler and the kernel: each checker's next
 * deadline, and a shadow of the IPVS table so that an `ipvs` output is emitted
 * only when the kernel would actually change.
 *
 * Rules: `step` never mutates the state it is given. It works on a copy made by
 * `cloneState` (the resolved configuration is shared, never copied or changed)
 * and returns the copy.
 */
import type { Instant } from '../../core/time.js';
import type { ResolvedConfig } from './resolve.js';

/** One probe the host is running for a checker. */
export interface InFlight {
  readonly id: number;
  readonly startedAt: Instant;
  /** No result by then counts as a timeout (keepalived's connect timer / child timeout). */
  readonly deadline: Instant;
}

/** The kernel's view of one destination, as the engine's outputs have left it. */
export interface TableEntry {
  present: boolean;
  weight: number;
}

export interface CheckState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** ha_suspend: a disabled checker only re-arms its timer. */
  enabled: boolean;
  /** When the checker next starts a probe (undefined while one is in flight). */
  nextAt: Instant | undefined;
  probe: InFlight | undefined;
  /** HTTP_GET: the url to fetch next, and the url that failed (keepalived's url_it / failed_url). */
  urlIt: number;
  failedUrl: number | undefined;
  /** MISC_CHECK: start of the last run, last exit code, and this checker's weight contribution. */
  lastRan: Instant;
  lastExitCode: number;
  curWeight: number;
}

export interface ServerState {
  alive: boolean;
  /** keepalived's `set`: it has added the destination (with inhibit, it stays set at weight 0). */
  set: boolean;
  numFailedCheckers: number;
  /** keepalived's effective_weight: iweight plus misc_dynamic contributions (may leave [0, limit]). */
  effectiveWeight: number;
  table: TableEntry;
  checkers: CheckState[];
}

export interface SorryState {
  alive: boolean;
  set: boolean;
  /** Only non-zero during keepalived's start-up trick that adds an inhibited sorry server at weight 0. */
  numFailedCheckers: number;
  table: TableEntry;
}

export interface ServiceState {
  quorumUp: boolean;
  sorry: SorryState | undefined;
  servers: ServerState[];
}

export interface CheckerEngineState {
  readonly config: ResolvedConfig;
  services: ServiceState[];
  nextProbeId: number;
  vipPresent: boolean;
  stopped: boolean;
}

export function cloneState(s: CheckerEngineState): CheckerEngineState {
  return {
    config: s.config,
    nextProbeId: s.nextProbeId,
    vipPresent: s.vipPresent,
    stopped: s.stopped,
    services: s.services.map((svc) => ({
      quorumUp: svc.quorumUp,
      sorry: svc.sorry === undefined ? undefined : { ...svc.sorry, table: { ...svc.sorry.table } },
      servers: svc.servers.map((rs) => ({
        ...rs,
        table: { ...rs.table },
        checkers: rs.checkers.map((c) => ({ ...c })),
      })),
    })),
  };
}
