/**
 * MISC_CHECK's verdict, weight and next run (keepalived 2.2.7 check_misc.c
 * `misc_check_child_thread`).
 *
 * Theory of operation: the checker runs misc_path and reads its exit status.
 * Exit 0 is success. With misc_dynamic, 1 is failure and 2–255 are success
 * with a weight: the real server's weight becomes status − 2 (keepalived keeps
 * a per-checker contribution `cur_weight = status − 2 − iweight` and adds it to
 * the configured weight; exit 0 takes the contribution back to 0). Without
 * misc_dynamic every non-zero status is failure. A script still running at
 * misc_timeout is killed and counts as a failure ("timed out").
 *
 *   success               → weight updated if the status changed, retry_it := 0,
 *                           a down (or never run) checker goes up
 *   failure, checker up   → while retry_it < retry: retry_it += 1, no verdict;
 *   (or never run)          then retry_it := 0 and the checker goes down (an
 *                           exit status failure also drops the weight
 *                           contribution)
 *   failure, down         → nothing changes
 *   next run              → last start + (retry_it > 0 ? delay_before_retry :
 *                           delay_loop), at least 1 µs from now: unlike the TCP
 *                           and HTTP checkers, MISC_CHECK times from the start.
 */
import type { Instant } from '../../core/time.js';
import type { ResolvedChecker } from './resolve.js';
import { log, updateSvrCheckerState, updateSvrWgt, type Ctx, type ServiceRef } from './pool.js';
import type { CheckState, ServerState } from './state.js';
import type { ProbeResult } from './types.js';

type MiscChecker = ResolvedChecker & { type: 'misc' };
type MiscResult = ProbeResult & { type: 'misc' };

/** Applies one MISC_CHECK result; returns the instant of the next run. */
export function miscEpilog(ctx: Ctx, svc: ServiceRef, i: number, cfg: MiscChecker, chk: CheckState, result: MiscResult): Instant {
  const status = result.outcome === 'exited' ? result.code : undefined;
  const success = status !== undefined && (status === 0 || (cfg.dynamic && status >= 2 && status <= 255));
  if (success) {
    onSuccess(ctx, svc, i, cfg, chk, status);
  } else if (chk.isUp || !chk.hasRun) {
    onFailure(ctx, svc, i, cfg, chk, status);
  }
  chk.hasRun = true;
  const next = chk.lastRan + (chk.retryIt > 0 ? cfg.delayBeforeRetryUs : cfg.delayLoopUs);
  return Math.max(next, ctx.now + 1) as Instant;
}

function onSuccess(ctx: Ctx, svc: ServiceRef, i: number, cfg: MiscChecker, chk: CheckState, status: number): void {
  const st = svc.st.servers[i] as ServerState;
  const iweight = svc.cfg.servers[i]?.iweight ?? 0;
  if (status !== chk.lastExitCode) {
    const base = st.effectiveWeight - chk.curWeight;
    chk.curWeight = status === 0 ? 0 : status - 2 - iweight;
    chk.lastExitCode = status;
    updateSvrWgt(ctx, svc, i, base + chk.curWeight);
  }
  const announce = !chk.isUp || !chk.hasRun;
  chk.retryIt = 0;
  if (!announce) return;
  log(ctx, `Misc check for [${label(svc, i)} VS ${svc.cfg.label}] by [${cfg.command}] succeeded.`);
  updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, true);
}

function onFailure(ctx: Ctx, svc: ServiceRef, i: number, cfg: MiscChecker, chk: CheckState, status: number | undefined): void {
  const st = svc.st.servers[i] as ServerState;
  if (chk.retryIt < cfg.retry) {
    chk.retryIt++;
    return; // a retry follows; keepalived says nothing unless log_all_failures
  }
  chk.retryIt = 0;
  if (status !== undefined) {
    // A failing exit status takes the dynamic weight back out (a timeout does not: keepalived only zeroes cur_weight).
    st.effectiveWeight -= chk.curWeight;
    chk.curWeight = 0;
    chk.lastExitCode = status;
  }
  const how = status === undefined ? 'timed out' : 'failed';
  const retries = cfg.retry === 0 ? ' with retry disabled' : ` after ${cfg.retry} ${cfg.retry === 1 ? 'retry' : 'retries'}`;
  const reason = status === undefined ? '' : ` (exited with status ${status})`;
  log(ctx, `Misc check for [${label(svc, i)} VS ${svc.cfg.label}] by [${cfg.command}] ${how}${retries}${reason}.`);
  updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, false);
  chk.curWeight = 0;
}

const label = (svc: ServiceRef, i: number): string => svc.cfg.servers[i]?.label ?? '?';
