/**
 * LVS checks keepalived does not make (or makes only by quietly "fixing" the
 * config): port remaps under DR and TUN, ports on fwmark services, a quorum no
 * set of servers can reach, weights that are all 0, persistence turned on by
 * persistence_granularity alone, scheduler flags keepalived drops without a
 * word, a forwarding method written twice, a sorry server that is also a real
 * server, health checks slower than their loop, and the ARP duty of
 * direct-routing real servers (seed 003).
 *
 * Theory of operation: each virtual server is checked on its own, with the
 * timing values keepalived would use after inheritance (checker ← real server
 * ← virtual server ← keepalived's defaults), which the cluster view supplies.
 * Where the view carries the LVS facts read from the model (lvs-facts.ts: each
 * real server's own forwarding method and written port, the group's ports, the
 * default weight, persistence and scheduler lines), the checks follow
 * keepalived 2.2.7's validate_check_config exactly; without them they judge
 * from the virtual server's lb_kind and the view's ports and weights alone.
 */
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import type { Loc } from '../source.js';
import { hostPort, type CheckerView, type ClusterNode, type RealServerView, type VirtualServerView } from './cluster-view.js';
import type { LvsFacts, LvsMethod } from './lvs-facts.js';

/** The view with the facts the cluster adapter attaches (see lvs-facts.ts). */
type WithFacts = VirtualServerView & { readonly lvs?: LvsFacts };
const factsOf = (vs: VirtualServerView): LvsFacts | undefined => (vs as WithFacts).lvs;

export function lvsFindings(node: ClusterNode): Diagnostic[] {
  return node.virtualServers.flatMap((vs) => {
    const f = factsOf(vs);
    return [
      ...drArpReminder(vs, f),
      ...(f ? portFindings(vs, f) : drPortRemap(vs)),
      ...(f ? weightFindings(vs, f) : unreachableQuorum(vs)),
      ...(f ? [...granularityAlone(vs, f), ...schedulerFlagFindings(vs, f), ...forwardingOverridden(vs, f)] : []),
      ...sorryIsReal(vs),
      ...vs.realServers.flatMap((rs) => rs.checkers.flatMap((c) => slowCheck(vs, rs, c))),
    ];
  });
}

function diag(code: string, severity: Severity, at: Loc, message: string, hint?: string, data?: Record<string, unknown>): Diagnostic {
  return { code, severity, message, file: at.file, line: at.line, column: at.column, ...(hint ? { hint } : {}), ...(data ? { data } : {}) };
}

const rsName = (rs: RealServerView): string => `real server ${hostPort(rs.address, rs.port)}`;

const ARP_HINT =
  'on each real server: sysctl net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (or arptables DROP for the VIP), then ip addr add VIP/32 dev lo';

/** Seed 003: the real servers of a DR service need the VIP locally and must keep quiet about it. */
function drArpReminder(vs: VirtualServerView, f: LvsFacts | undefined): Diagnostic[] {
  const vip = vs.address ?? 'the virtual address';
  const out: Diagnostic[] = [];
  if (vs.lbKind?.value === 'DR') {
    out.push(diag('lvs-dr-arp', 'info', vs.lbKind.at,
      `lb_kind DR: every real server of ${vs.label} must hold ${vip} on lo (or a dummy interface) and must not answer ARP for it, ` +
        'or clients and the router will send traffic straight to a real server', ARP_HINT));
  }
  // A real server that is DR on its own line, in a service that is not.
  for (const rs of f?.realServers ?? []) {
    if (rs.method !== 'DR' || vs.lbKind?.value === 'DR' || rs.methodAt === undefined) continue;
    out.push(diag('lvs-dr-arp', 'info', rs.methodAt,
      `lvs_method DR: real server ${rs.address} must hold ${vip} on lo (or a dummy interface) and must not answer ARP for it, ` +
        'or clients and the router will send traffic straight to it', ARP_HINT));
  }
  return out;
}

const mismatchHint = (port: number, rsPort: number): string =>
  `make the service listen on ${port} on the real server, or use lb_kind NAT (or lvs_method NAT on this real server) to map ${port} to ${rsPort}`;

/** Without facts: DR and TUN forward the packet unchanged, so the destination port cannot change. */
function drPortRemap(vs: VirtualServerView): Diagnostic[] {
  const kind = vs.lbKind?.value;
  if ((kind !== 'DR' && kind !== 'TUN') || vs.port === undefined) return [];
  return vs.realServers
    .filter((rs) => rs.port !== undefined && rs.port !== vs.port)
    .map((rs) =>
      diag('lvs-dr-port-mismatch', 'error', rs.at,
        `${rsName(rs)} listens on port ${rs.port}, but lb_kind ${kind} cannot translate ports: packets arrive on port ${vs.port}, ` +
          `and keepalived resets this real server to port ${vs.port} (with only a warning)`,
        mismatchHint(vs.port!, rs.port!)),
    );
}

interface PortHolder {
  readonly what: string;
  readonly port?: number;
  readonly method: LvsMethod;
  readonly at: Loc;
}

/**
 * keepalived 2.2.7 validate_check_config: unless NAT, a real (or sorry)
 * server's port must be the service's; on a fwmark service it must not be
 * given at all (every marked port passes unchanged), so keepalived clears it.
 */
function portFindings(vs: VirtualServerView, f: LvsFacts): Diagnostic[] {
  const holders: PortHolder[] = [
    ...f.realServers.map((rs) => ({ what: `real server ${rs.address}`, ...rs })),
    ...(f.sorry ? [{ what: `sorry_server ${f.sorry.address}`, ...f.sorry }] : []),
  ];
  const out: Diagnostic[] = [];
  for (const h of holders) {
    if (h.method === 'NAT' || h.port === undefined) continue;
    if (f.target === 'fwmark' || (f.target === 'group' && f.groupHasFwmark)) {
      out.push(diag('lvs-fwmark-port-ignored', 'warning', h.at,
        `${h.what} ${h.port} is behind a fwmark service under ${h.method}: packets keep whatever port they were marked on, so port ${h.port} means nothing and keepalived ignores it`,
        `drop the port from the ${h.what.split(' ')[0]} line, or use NAT to send every marked connection to port ${h.port}`));
    }
    for (const p of f.ports) {
      if (p.value === h.port) continue;
      out.push(diag('lvs-dr-port-mismatch', 'error', h.at,
        `${h.what} listens on port ${h.port}, but ${h.method} cannot translate ports: packets for ${vs.label} arrive on port ${p.value}` +
          (f.target === 'group' ? ` (group entry, line ${p.at.line}) and keepalived only warns` : `, and keepalived resets it to port ${p.value} (with only a warning)`),
        mismatchHint(p.value, h.port), { method: h.method, servicePort: p.value, port: h.port }));
    }
  }
  return out;
}

/** Without facts: the view's weights (keepalived's default 1 where none is written). */
function unreachableQuorum(vs: VirtualServerView): Diagnostic[] {
  if (!vs.quorum) return [];
  const total = vs.realServers.reduce((sum, rs) => sum + rs.weight, 0);
  return vs.quorum.value > total ? [quorumTooHigh(vs, vs.quorum.value, vs.quorum.at, total)] : [];
}

function quorumTooHigh(vs: VirtualServerView, quorum: number, at: Loc, total: number): Diagnostic {
  return diag('lvs-quorum-unreachable', 'warning', at,
    `quorum ${quorum} of ${vs.label} is more than the weights of all its real servers together (${total}): keepalived lowers it to ${total}, ` +
      'so the service keeps quorum only while every real server is up — one failure runs quorum_down and brings in the sorry server (if any)',
    `set quorum to the weight the service really needs (at most ${total}), or raise the real servers' weights`,
    { quorum, totalWeight: total });
}

/**
 * keepalived sums the real servers' weights, lowers a quorum above the sum to
 * the sum, then forces hysteresis below the quorum (to quorum - 1, which wraps
 * to 4294967295 when the quorum is 0).
 */
function weightFindings(vs: VirtualServerView, f: LvsFacts): Diagnostic[] {
  if (f.realServers.length === 0) return [];
  const total = f.realServers.reduce((sum, rs) => sum + rs.weight, 0);
  if (total === 0) {
    return [diag('lvs-all-weights-zero', 'warning', f.realServers[0]!.at,
      `every real server of ${vs.label} has weight 0: no scheduler picks a server of weight 0, so every new connection gets "no destination available" ` +
        '(an ICMP port unreachable), and keepalived lowers quorum to 0',
      'give the real servers a weight of 1 or more; weight 0 is for draining one server at a time',
      { realServers: f.realServers.length })];
  }
  const out: Diagnostic[] = [];
  const quorum = Math.min(f.quorum, total);
  if (f.quorum > total) out.push(quorumTooHigh(vs, f.quorum, f.quorumAt ?? vs.at, total));
  if (f.hysteresisAt !== undefined && f.hysteresis >= quorum) {
    out.push(diag('lvs-hysteresis-not-below-quorum', 'warning', f.hysteresisAt,
      `hysteresis ${f.hysteresis} of ${vs.label} is not below quorum ${quorum}${quorum !== f.quorum ? ` (as lowered)` : ''}: keepalived sets it to ${quorum - 1}`,
      `keep hysteresis below quorum; with quorum ${quorum}, hysteresis ${quorum - 1} means quorum is lost only when every server is down`,
      { hysteresis: f.hysteresis, quorum }));
  }
  return out;
}

/** check_parser.c pgr_handler: a granularity without a timeout makes the service persistent for 360 s. */
function granularityAlone(vs: VirtualServerView, f: LvsFacts): Diagnostic[] {
  const g = f.persistenceGranularity;
  if (!g || f.persistent) return [];
  return [diag('lvs-granularity-makes-persistent', 'warning', g.at,
    `persistence_granularity ${g.value} without persistence_timeout: keepalived makes ${vs.label} persistent with the default 360 s, ` +
      'so each client (or client network) sticks to one real server until it has been idle for 6 minutes',
    'write persistence_timeout with the time you mean, or drop persistence_granularity if the service should not be persistent')];
}

/**
 * check_parser.c lvs_flags_handler acts on sh-port/sh-fallback only under
 * lb_algo sh and on mh-port/mh-fallback only under lb_algo mh; the other pair
 * is dropped without a word. A flag set and then left behind by a later
 * lb_algo does nothing either.
 */
function schedulerFlagFindings(vs: VirtualServerView, f: LvsFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const fl of f.schedulerFlags) {
    const own = fl.flag.slice(0, 2);
    const other = own === 'sh' ? 'mh' : 'sh';
    if (fl.scheduler === other) {
      out.push(diag('lvs-scheduler-flag-dropped', 'warning', fl.at,
        `${fl.flag} under lb_algo ${other}: keepalived 2.2.7 drops it without a message (lb_algo ${other} only reads ${other}-port and ${other}-fallback)`,
        `write ${other}${fl.flag.slice(2)} instead: it sets the same kernel flag`));
    } else if (fl.scheduler === own && f.scheduler !== undefined && f.scheduler.value !== own) {
      out.push(diag('lvs-scheduler-flag-unused', 'warning', fl.at,
        `${fl.flag} was set under lb_algo ${own}, but lb_algo ${f.scheduler.value} (line ${f.scheduler.at.line}) replaces the scheduler: the flag does nothing`,
        `remove ${fl.flag}, or keep lb_algo ${own}`));
    }
  }
  return out;
}

/** lb_kind and lvs_method are one setting: the last line wins, the earlier ones are forgotten. */
function forwardingOverridden(vs: VirtualServerView, f: LvsFacts): Diagnostic[] {
  const last = f.forwarding[f.forwarding.length - 1];
  if (!last) return [];
  return f.forwarding
    .filter((w) => w !== last && w.method !== last.method)
    .map((w) => diag('lvs-forwarding-overridden', 'warning', w.at,
      `${w.keyword} ${w.method} of ${vs.label} is overridden by ${last.keyword} ${last.method} on line ${last.at.line}: keepalived uses the last one`,
      'keep one lb_kind (or lvs_method, its other name) per virtual server'));
}

function sorryIsReal(vs: VirtualServerView): Diagnostic[] {
  const sorry = vs.sorryServer;
  if (!sorry) return [];
  // Same host is enough: when that host dies, the sorry server dies with it.
  const twin = vs.realServers.find((rs) => rs.address === sorry.value.address);
  if (!twin) return [];
  return [
    diag(
      'lvs-sorry-is-real',
      'warning',
      sorry.at,
      `sorry_server ${sorry.value.address} of ${vs.label} is also ${rsName(twin)} (line ${twin.at.line}): when the real servers fail, ` +
        'the sorry server is one of the failed hosts',
      'point sorry_server at a separate host that serves a maintenance page',
    ),
  ];
}

/**
 * How long a failing check runs: retry + 1 attempts, each waiting up to its
 * timeout, with delay_before_retry between them (keepalived 2.2.7 check_tcp.c
 * tcp_epilog: a failure schedules the next attempt delay_before_retry after it
 * ends, until retry attempts have failed).
 */
export function failingCheckSeconds(c: CheckerView): number {
  const perAttempt = c.kind === 'MISC_CHECK' ? (c.miscTimeout ?? c.delayLoop) : c.connectTimeout;
  return (c.retry + 1) * perAttempt + c.retry * c.delayBeforeRetry;
}

/**
 * The longest a dead server goes unnoticed: it dies just after a check passed,
 * the next check starts delay_loop later (keepalived schedules it when the
 * previous one ends, so checks never overlap), and then fails for
 * failingCheckSeconds. Raising delay_loop lengthens it.
 */
export function worstCaseDetectionSeconds(c: CheckerView): number {
  return c.delayLoop + failingCheckSeconds(c);
}

/** Worth saying when the retries more than double the detection time delay_loop suggests. */
function slowCheck(vs: VirtualServerView, rs: RealServerView, c: CheckerView): Diagnostic[] {
  const failing = failingCheckSeconds(c);
  if (failing <= c.delayLoop) return [];
  const worst = worstCaseDetectionSeconds(c);
  const perAttempt = c.kind === 'MISC_CHECK' ? (c.miscTimeout ?? c.delayLoop) : c.connectTimeout;
  const timeoutName = c.kind === 'MISC_CHECK' ? 'misc_timeout' : 'connect_timeout';
  return [
    diag(
      'lvs-check-slower-than-loop',
      'warning',
      c.at,
      `${c.kind} of ${rsName(rs)}: a dead server is taken out only after up to ${round(worst)} s — delay_loop ${c.delayLoop} s until the next check, ` +
        `then ${c.retry + 1} attempts × ${perAttempt} s ${timeoutName} + ${c.retry} × ${c.delayBeforeRetry} s delay_before_retry = ${round(failing)} s of failing check ` +
        `(keepalived starts the next check only when the previous one has ended, so the two add up); until then it keeps receiving new connections`,
      `lower retry, ${timeoutName} or delay_before_retry to shorten the failing check; a larger delay_loop makes detection slower, not faster`,
      { worstCaseSeconds: worst, failingCheckSeconds: failing, delayLoop: c.delayLoop },
    ),
  ];
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
