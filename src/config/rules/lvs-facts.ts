/**
 * What the LVS checks (lvs.ts) need to know about one virtual server beyond
 * the cluster view, read from the typed model the way keepalived 2.2.7 reads
 * the file (check_parser.c handlers, then check_data.c validate_check_config).
 *
 * Theory of operation — the keepalived rules these facts follow:
 * - Forwarding method of a real server: its own `lvs_method`, else the virtual
 *   server's `lb_kind`/`lvs_method` (the last valid one), else NAT. The sorry
 *   server: `sorry_server_lvs_method`, else the same default.
 * - Ports: a real server's port counts only when written and not 0. The
 *   service's ports are its own, or, for `virtual_server group`, those of the
 *   group's address entries; fwmark services and fwmark entries have none.
 * - Weights: a real server without `weight` takes the virtual server's `weight`
 *   (default 1). keepalived sums them once duplicates are dropped.
 * - Scheduler flags (sh-port, sh-fallback, mh-port, mh-fallback) are recorded
 *   with the scheduler in effect when the line was read: keepalived acts on a
 *   flag only under its own scheduler, and an invalid `lb_algo` leaves the
 *   previous one in place.
 *
 * Rules: pure, no I/O; anything the model could not read is simply absent.
 */
import type { KeepalivedConfig, RawStatement, RealServer, VirtualServer } from '../model.js';
import type { Loc } from '../source.js';
import type { Located } from './cluster-view.js';

export type LvsMethod = 'NAT' | 'DR' | 'TUN';

export interface LvsRealServerFacts {
  readonly address: string;
  /** As written, when written and not 0. */
  readonly port?: number;
  readonly method: LvsMethod;
  /** Where the method comes from: the real server's lvs_method, or the virtual server's line; absent for the NAT default. */
  readonly methodAt?: Loc;
  /** The weight keepalived uses (its own, else the virtual server's default). */
  readonly weight: number;
  readonly at: Loc;
}

export interface SchedulerFlagFact {
  readonly flag: string;
  /** The valid scheduler in effect when keepalived read the flag. */
  readonly scheduler?: string;
  readonly at: Loc;
}

export interface LvsFacts {
  readonly target: 'address' | 'fwmark' | 'group';
  /** The ports packets arrive on: the service's own, or its group's address entries (with where each is written). */
  readonly ports: readonly Located<number>[];
  /** A group with fwmark entries. */
  readonly groupHasFwmark: boolean;
  /** The virtual server's `weight` (default for its real servers), 1 unless written. */
  readonly defaultWeight: number;
  readonly quorum: number;
  readonly quorumAt?: Loc;
  readonly hysteresis: number;
  readonly hysteresisAt?: Loc;
  readonly persistent: boolean;
  readonly persistenceGranularity?: Located<string>;
  /** The scheduler keepalived ends with (the last valid lb_algo/lvs_sched), and where. */
  readonly scheduler?: Located<string>;
  readonly schedulerFlags: readonly SchedulerFlagFact[];
  /** Every lb_kind / lvs_method line with a valid method, in order. */
  readonly forwarding: readonly { readonly keyword: string; readonly method: LvsMethod; readonly at: Loc }[];
  /** Real servers keepalived keeps (a repeated address and port is dropped). */
  readonly realServers: readonly LvsRealServerFacts[];
  readonly sorry?: { readonly address: string; readonly port?: number; readonly method: LvsMethod; readonly at: Loc };
}

const KERNEL_SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos']);
const SCHEDULER_FLAGS = new Set(['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback']);
const INT_MAX = 2147483647;

const isMethod = (s: string | undefined): s is LvsMethod => s === 'NAT' || s === 'DR' || s === 'TUN';
const sameLoc = (a: Loc, b: Loc): boolean => a.file === b.file && a.line === b.line && a.column === b.column;

/** A port word as keepalived reads it: a number 1..65535; 0, junk or nothing is "no port". */
function portOf(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d+$/.test(word)) return undefined;
  const n = Number(word);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** The walk over the virtual server's own lines, in keepalived's reading order. */
function readLines(statements: readonly RawStatement[]) {
  let scheduler: Located<string> | undefined;
  let defaultWeight = 1;
  let sorryMethod: LvsMethod | undefined;
  const schedulerFlags: SchedulerFlagFact[] = [];
  const forwarding: { keyword: string; method: LvsMethod; at: Loc }[] = [];
  for (const s of statements) {
    const word = s.args[0]?.value;
    if ((s.keyword === 'lb_algo' || s.keyword === 'lvs_sched') && word !== undefined && KERNEL_SCHEDULERS.has(word)) {
      scheduler = { value: word, at: s.args[0]!.loc };
    } else if (SCHEDULER_FLAGS.has(s.keyword)) {
      schedulerFlags.push({ flag: s.keyword, ...(scheduler ? { scheduler: scheduler.value } : {}), at: s.loc });
    } else if ((s.keyword === 'lb_kind' || s.keyword === 'lvs_method') && isMethod(word)) {
      forwarding.push({ keyword: s.keyword, method: word, at: s.args[0]!.loc });
    } else if (s.keyword === 'weight' && word !== undefined && /^\d+$/.test(word) && Number(word) >= 1 && Number(word) <= INT_MAX) {
      defaultWeight = Number(word);
    } else if (s.keyword === 'sorry_server_lvs_method' && isMethod(word)) {
      sorryMethod = word;
    }
  }
  return { scheduler, defaultWeight, sorryMethod, schedulerFlags, forwarding };
}

function realServerFacts(vs: VirtualServer, defaultWeight: number, vsMethod: { method: LvsMethod; at: Loc } | undefined): LvsRealServerFacts[] {
  const out: LvsRealServerFacts[] = [];
  const seen = new Set<string>();
  for (const rs of vs.realServers) {
    const line = vs.statements.find((s) => s.keyword === 'real_server' && sameLoc(s.loc, rs.loc));
    const port = portOf(line?.args[1]?.value);
    const key = `${rs.address}|${port ?? ''}`;
    if (seen.has(key)) continue; // "real server … is duplicated - removing second rs"
    seen.add(key);
    out.push({ address: rs.address, ...(port !== undefined ? { port } : {}), ...methodOf(rs, vsMethod), weight: rs.weight?.value ?? defaultWeight, at: rs.loc });
  }
  return out;
}

function methodOf(rs: RealServer, vsMethod: { method: LvsMethod; at: Loc } | undefined): { method: LvsMethod; methodAt?: Loc } {
  const own = rs.lvsMethod?.value;
  if (isMethod(own)) return { method: own, methodAt: rs.lvsMethod!.loc };
  return vsMethod ? { method: vsMethod.method, methodAt: vsMethod.at } : { method: 'NAT' };
}

function servicePorts(vs: VirtualServer, config: Pick<KeepalivedConfig, 'virtualServerGroups'>): { ports: Located<number>[]; groupHasFwmark: boolean } {
  const t = vs.target;
  if (t.kind === 'fwmark') return { ports: [], groupHasFwmark: false };
  if (t.kind === 'address') return { ports: t.port !== undefined ? [{ value: t.port, at: vs.loc }] : [], groupHasFwmark: false };
  const group = config.virtualServerGroups.find((g) => g.name === t.group);
  const ports: Located<number>[] = [];
  for (const e of group?.entries ?? []) {
    const port = e.kind === 'address' ? portOf(e.text.trim().split(/\s+/)[1]) : undefined;
    if (port !== undefined) ports.push({ value: port, at: e.loc });
  }
  return { ports, groupHasFwmark: group?.entries.some((e) => e.kind === 'fwmark') ?? false };
}

export function lvsFacts(vs: VirtualServer, config: Pick<KeepalivedConfig, 'virtualServerGroups'>): LvsFacts {
  const lines = readLines(vs.statements);
  const vsMethod = vs.lbKind ? { method: vs.lbKind.value, at: vs.lbKind.loc } : undefined;
  const realServers = realServerFacts(vs, lines.defaultWeight, vsMethod);
  const sorry = vs.sorryServer;
  return {
    target: vs.target.kind,
    ...servicePorts(vs, config),
    defaultWeight: lines.defaultWeight,
    quorum: vs.quorum?.value ?? 1,
    ...(vs.quorum ? { quorumAt: vs.quorum.loc } : {}),
    hysteresis: vs.hysteresis?.value ?? 0,
    ...(vs.hysteresis ? { hysteresisAt: vs.hysteresis.loc } : {}),
    persistent: vs.persistenceTimeoutS !== undefined,
    ...(vs.persistenceGranularity ? { persistenceGranularity: { value: vs.persistenceGranularity.value, at: vs.persistenceGranularity.loc } } : {}),
    ...(lines.scheduler ? { scheduler: lines.scheduler } : {}),
    schedulerFlags: lines.schedulerFlags,
    forwarding: lines.forwarding,
    realServers,
    ...(sorry
      ? { sorry: { address: sorry.value.address, ...(sorry.value.port ? { port: sorry.value.port } : {}), method: lines.sorryMethod ?? vsMethod?.method ?? 'NAT', at: sorry.loc } }
      : {}),
  };
}
