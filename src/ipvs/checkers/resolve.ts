/**
 * Theory of operation: keepalived resolves every checker setting once, after
 * parsing (check_data.c, the end of validate_check_config): a real server takes
 * what it leaves unset from its virtual server, a checker takes what it leaves
 * unset from its real server, and what is still unset gets the checker type's
 * default. This module does the same, once, at `init`, and checks the numbers,
 * so the engine's step functions read plain resolved values.
 *
 * Rules:
 *  - Inheritance, most specific first: checker → real server → virtual server →
 *    type default (keepalived copies VS values into unset RS fields, then each
 *    checker reads its RS, then falls back to its type's default).
 *  - Defaults (keepalived 2.2.7): delay_loop 60 s, connect_timeout 5 s;
 *    retry 1 (TCP_CHECK, HTTP_GET), 0 (MISC_CHECK); delay_before_retry 1 s
 *    (TCP_CHECK, MISC_CHECK), 3 s (HTTP_GET); warmup = the checker's delay_loop;
 *    misc_timeout = the *virtual server's* delay_loop; weight 1; quorum 1;
 *    hysteresis 0; HTTP status codes 200–299.
 *  - keepalived's own fix-ups are applied and reported as log lines: a quorum
 *    above the total weight is lowered to it; a hysteresis ≥ quorum becomes
 *    quorum − 1.
 *  - Anything keepalived could not have loaded (an HTTP_GET without urls, a
 *    MISC_CHECK without a path, a negative weight, a duplicate key, a zero
 *    timeout) is a `ConfigError` with a stable code: the mapping from a parsed
 *    keepalived.conf drops such blocks before they get here.
 */
import { ConfigError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { US_PER_SECOND, type DurationUs } from '../../core/time.js';
import type {
  CheckerConfig,
  CheckerSpec,
  HttpUrlSpec,
  RealServerConfig,
  VirtualServerConfig,
} from './types.js';

/** keepalived's BOOTSTRAP_DELAY: checkers start one second after the process. */
export const BOOTSTRAP_DELAY_US: DurationUs = US_PER_SECOND;
export const DEFAULT_DELAY_LOOP_US: DurationUs = 60 * US_PER_SECOND;
export const DEFAULT_CONNECT_TIMEOUT_US: DurationUs = 5 * US_PER_SECOND;
/** IPVS_WEIGHT_LIMIT: real weights are clamped to [0, INT32_MAX]. */
export const IPVS_WEIGHT_LIMIT = 2_147_483_647;

const TYPE_DEFAULTS = {
  tcp: { retry: 1, delayBeforeRetryUs: 1 * US_PER_SECOND, name: 'TCP_CHECK' },
  http: { retry: 1, delayBeforeRetryUs: 3 * US_PER_SECOND, name: 'HTTP_GET' },
  misc: { retry: 0, delayBeforeRetryUs: 1 * US_PER_SECOND, name: 'MISC_CHECK' },
} as const;

export interface ResolvedUrl {
  readonly path: string;
  readonly digest: string | undefined;
  readonly statusCodes: readonly (readonly [number, number])[];
  /** The Host header this url is fetched with. */
  readonly host: string;
}

interface ResolvedCommon {
  readonly index: number;
  readonly retry: number;
  readonly delayBeforeRetryUs: DurationUs;
  readonly delayLoopUs: DurationUs;
  readonly alpha: boolean;
  /** connect_timeout (TCP, HTTP) or misc_timeout (MISC). */
  readonly timeoutUs: DurationUs;
  /** When the first check runs, relative to start: 1 s + a draw in [0, warmup]. */
  readonly firstCheckAfterUs: DurationUs;
}

export type ResolvedChecker =
  | (ResolvedCommon & { readonly type: 'tcp'; readonly address: string; readonly port: number })
  | (ResolvedCommon & {
      readonly type: 'http';
      readonly address: string;
      readonly port: number;
      readonly urls: readonly ResolvedUrl[];
      readonly fastRecovery: boolean;
    })
  | (ResolvedCommon & { readonly type: 'misc'; readonly command: string; readonly user: string | undefined; readonly dynamic: boolean });

export interface ResolvedServer {
  readonly key: string;
  readonly label: string;
  readonly address: string;
  readonly port: number;
  /** keepalived's `iweight`: the configured weight, before misc_dynamic changes. */
  readonly iweight: number;
  readonly inhibit: boolean;
  readonly notifyUp: string | undefined;
  readonly notifyDown: string | undefined;
  readonly checkers: readonly ResolvedChecker[];
}

export interface ResolvedSorry {
  readonly key: string;
  readonly label: string;
  readonly address: string;
  readonly port: number;
  readonly inhibit: boolean;
}

export interface ResolvedService {
  readonly key: string;
  readonly label: string;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly omega: boolean;
  readonly haSuspend: boolean;
  readonly quorumUp: string | undefined;
  readonly quorumDown: string | undefined;
  readonly sorry: ResolvedSorry | undefined;
  readonly servers: readonly ResolvedServer[];
}

export interface ResolvedConfig {
  readonly services: readonly ResolvedService[];
  readonly vipPresent: boolean;
  /** keepalived's configuration warnings about fix-ups it applied. */
  readonly warnings: readonly string[];
}

/** Resolves defaults and inheritance; throws `ConfigError` for what keepalived could not load. */
export function resolveCheckerConfig(config: CheckerConfig): ResolvedConfig {
  const rng = Rng.fromSeed(config.seed ?? 0).fork('checker-warmup');
  const warnings: string[] = [];
  const keys = new Set<string>();
  const services = config.virtualServers.map((vs) => {
    unique(keys, vs.key, 'virtual server');
    return resolveService(vs, rng, warnings);
  });
  return { services, vipPresent: config.vipPresent ?? true, warnings };
}

function resolveService(vs: VirtualServerConfig, rng: Rng, warnings: string[]): ResolvedService {
  const label = vs.label ?? vs.key;
  const serverKeys = new Set<string>();
  const servers = vs.realServers.map((rs) => {
    unique(serverKeys, rs.key, `real server of ${vs.key}`);
    return resolveServer(vs, rs, rng);
  });
  const weightSum = servers.reduce((sum, rs) => sum + rs.iweight, 0);
  let quorum = wholeNumber(vs.quorum ?? 1, `${vs.key}: quorum`);
  let hysteresis = wholeNumber(vs.hysteresis ?? 0, `${vs.key}: hysteresis`);
  if (quorum > weightSum) {
    warnings.push(`Warning - quorum ${quorum} for ${label} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`);
    quorum = weightSum;
  }
  if (hysteresis >= quorum && !(quorum === 0 && hysteresis === 0)) {
    // keepalived stores hysteresis unsigned, so quorum 0 would wrap; a pool of weight 0 is not modelled beyond h = 0.
    const fixed = Math.max(0, quorum - 1);
    warnings.push(`Virtual server ${label}: hysteresis ${hysteresis} >= quorum ${quorum}; setting hysteresis to ${fixed}`);
    hysteresis = fixed;
  }
  const sorry = vs.sorryServer;
  return {
    key: vs.key,
    label,
    quorum,
    hysteresis,
    omega: vs.omega ?? false,
    haSuspend: vs.haSuspend ?? false,
    quorumUp: vs.quorumUp,
    quorumDown: vs.quorumDown,
    sorry:
      sorry === undefined
        ? undefined
        : { key: sorry.key, label: sorry.label ?? sorry.key, address: sorry.address, port: sorry.port ?? vs.port ?? 0, inhibit: sorry.inhibit ?? false },
    servers,
  };
}

function resolveServer(vs: VirtualServerConfig, rs: RealServerConfig, rng: Rng): ResolvedServer {
  const where = `${vs.key} real server ${rs.key}`;
  const iweight = wholeNumber(rs.weight ?? vs.weight ?? 1, `${where}: weight`);
  if (iweight > IPVS_WEIGHT_LIMIT) throw new ConfigError('checker-bad-number', `${where}: weight ${iweight} is above ${IPVS_WEIGHT_LIMIT}`);
  const port = rs.port ?? vs.port ?? 0;
  return {
    key: rs.key,
    label: rs.label ?? rs.key,
    address: rs.address,
    port,
    iweight,
    inhibit: rs.inhibitOnFailure ?? vs.inhibitOnFailure ?? false,
    notifyUp: rs.notifyUp,
    notifyDown: rs.notifyDown,
    checkers: rs.checkers.map((spec, index) => resolveChecker(vs, rs, spec, index, port, rng, `${where} checker ${index}`)),
  };
}

function resolveChecker(
  vs: VirtualServerConfig,
  rs: RealServerConfig,
  spec: CheckerSpec,
  index: number,
  rsPort: number,
  rng: Rng,
  where: string,
): ResolvedChecker {
  const defaults = TYPE_DEFAULTS[spec.type];
  const delayLoopUs = positive(spec.delayLoopUs ?? rs.delayLoopUs ?? vs.delayLoopUs ?? DEFAULT_DELAY_LOOP_US, `${where}: delay_loop`);
  const warmupUs = wholeNumber(spec.warmupUs ?? rs.warmupUs ?? vs.warmupUs ?? delayLoopUs, `${where}: warmup`);
  const common = {
    index,
    retry: wholeNumber(spec.retry ?? rs.retry ?? vs.retry ?? defaults.retry, `${where}: retry`),
    delayBeforeRetryUs: wholeNumber(
      spec.delayBeforeRetryUs ?? rs.delayBeforeRetryUs ?? vs.delayBeforeRetryUs ?? defaults.delayBeforeRetryUs,
      `${where}: delay_before_retry`,
    ),
    delayLoopUs,
    alpha: spec.alpha ?? rs.alpha ?? vs.alpha ?? false,
    // keepalived draws the warmup as warmup × random() / RAND_MAX, in registration (config) order.
    firstCheckAfterUs: BOOTSTRAP_DELAY_US + (warmupUs === 0 ? 0 : rng.int(0, warmupUs)),
  };
  if (spec.type === 'misc') {
    if (spec.path.trim() === '') throw new ConfigError('checker-misc-no-path', `${where}: MISC_CHECK has no misc_path`);
    const vsDelayLoopUs = vs.delayLoopUs ?? DEFAULT_DELAY_LOOP_US;
    return {
      ...common,
      type: 'misc',
      timeoutUs: positive(spec.timeoutUs ?? vsDelayLoopUs, `${where}: misc_timeout`),
      command: spec.path,
      user: spec.user,
      dynamic: spec.dynamic ?? false,
    };
  }
  const address = spec.connectIp ?? rs.address;
  const port = spec.connectPort ?? rsPort;
  const timeoutUs = positive(spec.connectTimeoutUs ?? rs.connectTimeoutUs ?? vs.connectTimeoutUs ?? DEFAULT_CONNECT_TIMEOUT_US, `${where}: connect_timeout`);
  if (spec.type === 'tcp') return { ...common, type: 'tcp', timeoutUs, address, port };
  if (spec.urls.length === 0) throw new ConfigError('checker-http-no-url', `${where}: HTTP_GET has no url`);
  const fallbackHost = spec.virtualhost ?? rs.virtualhost ?? vs.virtualhost ?? `${address}:${port}`;
  return {
    ...common,
    type: 'http',
    timeoutUs,
    address,
    port,
    urls: spec.urls.map((url) => resolveUrl(url, fallbackHost, where)),
    fastRecovery: spec.fastRecovery ?? false,
  };
}

function resolveUrl(url: HttpUrlSpec, fallbackHost: string, where: string): ResolvedUrl {
  const statusCodes = url.statusCodes ?? [[200, 299]];
  for (const [lo, hi] of statusCodes) {
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 100 && hi <= 599 && lo <= hi)) {
      throw new ConfigError('checker-http-bad-status', `${where}: status code range ${lo}-${hi} is not within 100-599 (keepalived's HTTP_STATUS_CODE_MIN/MAX)`);
    }
  }
  return { path: url.path, digest: url.digest?.toLowerCase(), statusCodes, host: url.virtualhost ?? fallbackHost };
}

function unique(keys: Set<string>, key: string, what: string): void {
  if (keys.has(key)) throw new ConfigError('checker-duplicate-key', `two ${what}s are named ${key}`);
  keys.add(key);
}

function wholeNumber(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError('checker-bad-number', `${what} must be a whole number ≥ 0, got ${n}`);
  return n;
}

/** Timeouts and loops must move the clock, or a failing checker would spin at one instant. */
function positive(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError('checker-bad-number', `${what} must be a positive number of microseconds, got ${n}`);
  return n;
}
