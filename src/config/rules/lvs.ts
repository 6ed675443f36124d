/**
 * LVS checks keepalived does not make (or makes only by silently "fixing" the
 * config): direct-routing port remaps, a quorum no set of servers can reach, a
 * sorry server that is also a real server, health checks slower than their
 * loop, and the ARP duty of direct-routing real servers (seed 003).
 *
 * Theory of operation: each virtual server is checked on its own, with the
 * timing values keepalived would use after inheritance (checker ← real server
 * ← virtual server ← keepalived's defaults), which the cluster view supplies.
 */
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import type { Loc } from '../source.js';
import type { CheckerView, ClusterNode, RealServerView, VirtualServerView } from './cluster-view.js';

export function lvsFindings(node: ClusterNode): Diagnostic[] {
  return node.virtualServers.flatMap((vs) => [
    ...drArpReminder(vs),
    ...drPortRemap(vs),
    ...unreachableQuorum(vs),
    ...sorryIsReal(vs),
    ...vs.realServers.flatMap((rs) => rs.checkers.flatMap((c) => slowCheck(vs, rs, c))),
  ]);
}

function diag(code: string, severity: Severity, at: Loc, message: string, hint?: string, data?: Record<string, unknown>): Diagnostic {
  return { code, severity, message, file: at.file, line: at.line, column: at.column, ...(hint ? { hint } : {}), ...(data ? { data } : {}) };
}

const rsName = (rs: RealServerView): string => `real server ${rs.address}${rs.port !== undefined ? ` ${rs.port}` : ''}`;

/** Seed 003: the real servers of a DR service need the VIP locally and must keep quiet about it. */
function drArpReminder(vs: VirtualServerView): Diagnostic[] {
  if (vs.lbKind?.value !== 'DR') return [];
  const vip = vs.address ?? 'the virtual address';
  return [
    diag(
      'lvs-dr-arp',
      'info',
      vs.lbKind.at,
      `lb_kind DR: every real server of ${vs.label} must hold ${vip} on lo (or a dummy interface) and must not answer ARP for it, ` +
        'or clients and the router will send traffic straight to a real server',
      'on each real server: sysctl net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (or arptables DROP for the VIP), then ip addr add VIP/32 dev lo',
    ),
  ];
}

/** DR and TUN forward the packet unchanged: the destination port cannot change. */
function drPortRemap(vs: VirtualServerView): Diagnostic[] {
  const kind = vs.lbKind?.value;
  if ((kind !== 'DR' && kind !== 'TUN') || vs.port === undefined) return [];
  return vs.realServers
    .filter((rs) => rs.port !== undefined && rs.port !== vs.port)
    .map((rs) =>
      diag(
        'lvs-dr-port-mismatch',
        'error',
        rs.at,
        `${rsName(rs)} listens on port ${rs.port}, but lb_kind ${kind} cannot translate ports: packets arrive on port ${vs.port}, ` +
          `and keepalived silently resets this real server to port ${vs.port}`,
        `make the service listen on ${vs.port} on the real server, or use lb_kind NAT to map ${vs.port} to ${rs.port}`,
      ),
    );
}

function unreachableQuorum(vs: VirtualServerView): Diagnostic[] {
  if (!vs.quorum) return [];
  const total = vs.realServers.reduce((sum, rs) => sum + rs.weight, 0);
  if (vs.quorum.value <= total) return [];
  return [
    diag(
      'lvs-quorum-unreachable',
      'error',
      vs.quorum.at,
      `quorum ${vs.quorum.value} of ${vs.label} is more than the weights of all its real servers together (${total}): ` +
        'the service never reaches quorum, so quorum_up never runs and the sorry server (if any) is used even with every server healthy',
      `lower quorum to at most ${total}, or raise the real servers' weights`,
      { quorum: vs.quorum.value, totalWeight: total },
    ),
  ];
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
 * A failing check tries retry + 1 times, each attempt waiting up to its timeout,
 * with delay_before_retry between attempts (keepalived check_tcp.c epilog).
 */
export function worstCaseDetectionSeconds(c: CheckerView): number {
  const perAttempt = c.kind === 'MISC_CHECK' ? (c.miscTimeout ?? c.delayLoop) : c.connectTimeout;
  return (c.retry + 1) * perAttempt + c.retry * c.delayBeforeRetry;
}

function slowCheck(vs: VirtualServerView, rs: RealServerView, c: CheckerView): Diagnostic[] {
  const total = worstCaseDetectionSeconds(c);
  if (total <= c.delayLoop) return [];
  const perAttempt = c.kind === 'MISC_CHECK' ? (c.miscTimeout ?? c.delayLoop) : c.connectTimeout;
  const timeoutName = c.kind === 'MISC_CHECK' ? 'misc_timeout' : 'connect_timeout';
  return [
    diag(
      'lvs-check-slower-than-loop',
      'warning',
      c.at,
      `${c.kind} of ${rsName(rs)}: a failing check takes up to ${c.retry + 1} attempts × ${perAttempt} s ${timeoutName}` +
        ` + ${c.retry} × ${c.delayBeforeRetry} s delay_before_retry = ${round(total)} s, longer than delay_loop ${c.delayLoop} s: ` +
        `a dead server keeps receiving connections for up to ${round(total)} s`,
      'lower retry, connect_timeout or delay_before_retry, or raise delay_loop so one check cycle fits in it',
      { worstCaseSeconds: total, delayLoop: c.delayLoop },
    ),
  ];
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
