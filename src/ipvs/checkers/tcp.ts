/**
 * TCP_CHECK's verdict and next delay (keepalived 2.2.7 check_tcp.c `tcp_epilog`).
 *
 * Theory of operation: a check is a TCP connect to connect_ip:connect_port that
 * either completes (success: the socket is closed at once), is refused or
 * unreachable, or does not complete within connect_timeout (failure). The next
 * check is timed from the moment this one *ended*:
 *
 *   success, or retry_it ≥ retry  →  retry_it := 0, next after delay_loop;
 *                                    a success of a down (or never run) checker
 *                                    marks it up, a failure of an up (or never
 *                                    run) checker marks it down
 *   failure with retry_it < retry →  retry_it += 1, next after delay_before_retry
 *
 * retry_it starts at `retry`, so the very first failure is decisive (an alpha
 * server is already down; a non-alpha one leaves the table at once). After a
 * success it is 0, so an up server needs retry + 1 consecutive failures. In
 * 2.2.7 the retry spacing applies whether the checker is up or down: a down
 * server is probed after delay_before_retry, retry times, then after delay_loop.
 */
import type { ResolvedChecker } from './resolve.js';
import { log, updateSvrCheckerState, type Ctx, type ServiceRef } from './pool.js';
import type { CheckState } from './state.js';
import type { ProbeResult } from './types.js';

export const tcpSucceeded = (result: ProbeResult & { type: 'tcp' }): boolean => result.outcome === 'connected';

/** Applies one TCP_CHECK result; returns the delay until the next check. */
export function tcpEpilog(ctx: Ctx, svc: ServiceRef, i: number, cfg: ResolvedChecker, chk: CheckState, success: boolean): number {
  const server = svc.cfg.servers[i]?.label ?? '?';
  let delay: number;
  if (success || chk.retryIt >= cfg.retry) {
    delay = cfg.delayLoopUs;
    chk.retryIt = 0;
    if (success && (!chk.isUp || !chk.hasRun)) {
      log(ctx, `TCP connection to ${server} success.`);
      updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, true);
    } else if (!success && (chk.isUp || !chk.hasRun)) {
      const after = cfg.retry > 0 && chk.hasRun ? ` after ${cfg.retry} retries` : '';
      log(ctx, `TCP_CHECK on service ${server} failed${after}.`);
      updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, false);
    }
  } else {
    delay = cfg.delayBeforeRetryUs;
    chk.retryIt++;
  }
  chk.hasRun = true;
  return delay;
}
