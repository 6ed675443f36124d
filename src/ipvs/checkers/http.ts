/**
 * HTTP_GET's verdict and next delay (keepalived 2.2.7 check_http.c: `epilog`,
 * `timeout_epilog`, `http_handle_response`).
 *
 * Theory of operation: one check fetches one url (`urlIt`); a server is only
 * declared up after every url has succeeded, one per check, in order. A url
 * succeeds when the response's status is in its status_code set and, if it has
 * a digest, the MD5 of the body matches. Anything else — no connection, a
 * timeout, a wrong status, a wrong digest — is a failure handled like a
 * timeout.
 *
 *   url success       → move to the next url, retry_it := 0, next after
 *                       delay_loop. After the last url, with no url failed:
 *                       a down (or never run) checker goes up. If a url had
 *                       failed, its success restarts the sweep at the first url.
 *   failure, checker  → retry_it += 1; once retry_it > retry the checker goes
 *   up or never run     down and the url is remembered as failed.
 *   failure, down     → nothing changes.
 *   delay after a failure: max(delay_before_retry, delay_loop) while a url is
 *   remembered as failed, else delay_before_retry.
 *
 * As with TCP_CHECK, retry_it starts at `retry` (the first failure is
 * decisive) and a fresh checker's first url success sets it back to `retry`.
 * fast_recovery checks again at once while the checker has not run, or is down
 * with no failed url remembered (it is part-way through a recovery sweep).
 */
import type { ResolvedChecker, ResolvedUrl } from './resolve.js';
import { log, updateSvrCheckerState, type Ctx, type ServiceRef } from './pool.js';
import type { CheckState } from './state.js';
import type { ProbeResult } from './types.js';

type HttpChecker = ResolvedChecker & { type: 'http' };

/** Why keepalived counts a response as a failure, or undefined when it passes. */
export function httpFailure(result: ProbeResult & { type: 'http' }, url: ResolvedUrl): string | undefined {
  if (result.outcome !== 'response') return result.outcome === 'timeout' ? 'Timeout connecting' : 'Error connecting';
  const status = result.status;
  if (!url.statusCodes.some(([lo, hi]) => status >= lo && status <= hi)) return 'HTTP status code error to';
  if (url.digest !== undefined && result.digest?.toLowerCase() !== url.digest) return 'MD5 digest error to';
  return undefined;
}

/** A url passed: keepalived `epilog(REGISTER_CHECKER_NEW)`. Returns the delay until the next check. */
export function httpSuccess(ctx: Ctx, svc: ServiceRef, i: number, cfg: HttpChecker, chk: CheckState): number {
  const url = cfg.urls[chk.urlIt] as ResolvedUrl;
  if (!chk.isUp) log(ctx, `${url.digest ? 'MD5 digest' : 'HTTP status code'} success to ${serverLabel(svc, i)} url(${url.path})`);
  const wasLast = chk.urlIt === cfg.urls.length - 1;
  chk.urlIt = wasLast ? chk.urlIt : chk.urlIt + 1;
  chk.retryIt = 0;
  if (wasLast && chk.failedUrl === undefined) {
    if (!chk.isUp || !chk.hasRun) {
      log(ctx, `Remote Web server ${serverLabel(svc, i)} succeed on service.`);
      updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, true);
      chk.hasRun = true;
    }
    chk.urlIt = 0;
  } else if (chk.failedUrl !== undefined) {
    // The failed url answers again: check every url from the first before declaring the server up.
    chk.failedUrl = undefined;
    chk.urlIt = 0;
  }
  if (!chk.hasRun) chk.retryIt = cfg.retry;
  return nextDelay(cfg, chk, cfg.delayLoopUs);
}

/** A url failed: keepalived `timeout_epilog`, then `epilog(RETRY or FAILED)`. */
export function httpFailed(ctx: Ctx, svc: ServiceRef, i: number, cfg: HttpChecker, chk: CheckState): number {
  if (chk.isUp || !chk.hasRun) {
    chk.hasRun = true;
    chk.retryIt++;
    if (chk.retryIt > cfg.retry) {
      if (chk.isUp) {
        const after = cfg.retry > 0 ? ` after ${chk.retryIt - 1} retries` : '';
        log(ctx, `HTTP_CHECK on service ${serverLabel(svc, i)} failed${after}.`);
        updateSvrCheckerState(ctx, svc, i, chk, cfg.alpha, false);
      }
      chk.failedUrl = chk.urlIt;
    }
  }
  const retryDelay = chk.failedUrl !== undefined ? Math.max(cfg.delayBeforeRetryUs, cfg.delayLoopUs) : cfg.delayBeforeRetryUs;
  return nextDelay(cfg, chk, retryDelay);
}

function nextDelay(cfg: HttpChecker, chk: CheckState, delay: number): number {
  const recovering = !chk.hasRun || (!chk.isUp && chk.failedUrl === undefined);
  return cfg.fastRecovery && recovering ? 0 : delay;
}

const serverLabel = (svc: ServiceRef, i: number): string => svc.cfg.servers[i]?.label ?? '?';
