/**
 * keepalived's LVS health checkers as a sans-I/O engine.
 *
 * Theory of operation
 * -------------------
 * One engine is one director's checker process: every virtual server of its
 * keepalived.conf, every real server, every TCP_CHECK / HTTP_GET / MISC_CHECK.
 * Each checker is a small loop — wait, probe, judge, wait — whose waits are
 * deadlines in the state. When a checker's time comes the engine emits a
 * `probe` output; the host runs it and answers with a `probe-result`, or never
 * answers, in which case the engine itself declares a timeout at
 * `start + timeoutUs`. Verdicts flow through keepalived's chain (pool.ts): a
 * real server is alive when all its checkers are up; becoming alive or dead
 * adds or removes it in the IPVS table (`ipvs` outputs), runs notify_up /
 * notify_down, and re-weighs the quorum, which may swap the sorry server in or
 * out and run quorum_up / quorum_down.
 *
 * Start-up (keepalived start_check → init_services → register_checkers_thread):
 * without alpha every real server goes into the table at once and is alive;
 * with alpha its checkers start failed and it waits (an inhibited one goes in
 * at weight 0). The quorum is then weighed (a sorry server goes in if it is
 * down). Each checker's first probe is 1 s (BOOTSTRAP_DELAY) plus a seeded
 * draw in [0, warmup] after start; warmup 0 makes it exactly 1 s.
 *
 * Worked example: TCP_CHECK, connect_timeout 3, retry 2, delay_before_retry 2,
 * delay_loop 6, warmup 0; the server answers until it dies at t = 10 s and then
 * silently drops SYNs (every probe times out):
 *
 *    t =  0  start: server added to the table (no alpha), quorum gained
 *    t =  1  probe → connected at once: "success", has_run; next at 1 + 6
 *    t =  7  probe → connected; next at 13
 *    t = 13  probe → no answer; timeout at 16 (failure 1, retry_it 0 → 1);
 *            next at 16 + 2
 *    t = 18  probe → timeout at 21 (failure 2, retry_it 1 → 2); next at 23
 *    t = 23  probe → timeout at 26 (failure 3 = retry + 1, retry_it = retry):
 *            "failed after 2 retries" → `ipvs remove` at t = 26, notify_down,
 *            quorum lost if it was the last server; next at 26 + 6 = 32
 *    t = 32, 37, 42 probes while down (retry spacing, then delay_loop): 2.2.7
 *            keeps counting retries on a down server; nothing else changes
 *    …       the first probe that connects puts the server back (`ipvs add`)
 *            at the instant its result arrives.
 *
 * In general an up server that stops answering at its probe at t₀ leaves the
 * table at t₀ + (retry + 1) × connect_timeout + retry × delay_before_retry; one
 * that refuses at once (RST) leaves at t₀ + retry × delay_before_retry.
 *
 * Rules
 * -----
 * - Due timers are handled one at a time, earliest first; equal instants in
 *   configuration order (virtual server, real server, checker). A probe's
 *   timeout is handled before a new probe of the same checker can start.
 * - A result for a probe that is not in flight (already timed out, or never
 *   issued) is ignored with a `log` output; so is a result of the wrong type.
 * - After `shutdown` the engine emits nothing and has no deadline.
 * - Not modelled: virtual_server_group, SSL_GET and the other checker types,
 *   regex url checks, smtp alerts, notify FIFOs, reloads, the sorry server
 *   being one of the real servers, lvs_flush_on_stop.
 */
import { assert } from '../../core/assert.js';
import type { Engine, Step } from '../../core/engine.js';
import { InvariantError } from '../../core/errors.js';
import type { Instant } from '../../core/time.js';
import { httpFailed, httpFailure, httpSuccess } from './http.js';
import { miscEpilog } from './misc.js';
import { initService, log, shutdownService, type Ctx, type ServiceRef } from './pool.js';
import { resolveCheckerConfig, type ResolvedChecker, type ResolvedConfig, type ResolvedService } from './resolve.js';
import { cloneState, type CheckerEngineState, type CheckState, type ServerState, type ServiceState } from './state.js';
import { tcpEpilog, tcpSucceeded } from './tcp.js';
import type { CheckerConfig, CheckerInput, CheckerOutput, ProbeResult } from './types.js';

export type { CheckerEngineState } from './state.js';

export const checkerEngine: Engine<CheckerConfig, CheckerEngineState, CheckerInput, CheckerOutput> = {
  name: 'keepalived-checkers',
  init: initCheckers,
  step: stepCheckers,
  nextDeadline: nextCheckerDeadline,
};

function initCheckers(config: CheckerConfig, now: Instant): Step<CheckerEngineState, CheckerOutput> {
  const resolved = resolveCheckerConfig(config);
  const state: CheckerEngineState = {
    config: resolved,
    services: resolved.services.map(freshService),
    nextProbeId: 1,
    vipPresent: resolved.vipPresent,
    stopped: false,
  };
  const ctx: Ctx = { now, out: [], nextProbeId: 1 };
  for (const warning of resolved.warnings) log(ctx, warning);
  forEachService(state, (svc) => initService(ctx, svc));
  forEachChecker(state, (svc, i, cfg, chk) => {
    chk.enabled = !(svc.cfg.haSuspend && !state.vipPresent);
    log(ctx, `${chk.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${svc.cfg.servers[i]?.label} for VS ${svc.cfg.label}`);
    chk.nextAt = (now + cfg.firstCheckAfterUs) as Instant;
  });
  return { state, outputs: ctx.out };
}

function freshService(cfg: ResolvedService): ServiceState {
  return {
    // keepalived weighs the quorum before any server is alive, so it starts down (and is gained at init).
    quorumUp: cfg.quorum + cfg.hysteresis <= 0,
    sorry: cfg.sorry === undefined ? undefined : { alive: false, set: false, numFailedCheckers: 0, table: { present: false, weight: 0 } },
    servers: cfg.servers.map((rs) => {
      const st: ServerState = {
        alive: false,
        set: false,
        numFailedCheckers: 0,
        effectiveWeight: rs.iweight,
        table: { present: false, weight: 0 },
        checkers: [],
      };
      for (const c of rs.checkers) {
        // Alpha: "all checkers start failed", so the server waits for each of them to succeed once.
        if (c.alpha) st.numFailedCheckers++;
        st.checkers.push(freshChecker(c));
      }
      return st;
    }),
  };
}

function freshChecker(cfg: ResolvedChecker): CheckState {
  return {
    isUp: !cfg.alpha,
    hasRun: false,
    // "For non alpha mode, one failure is enough initially": retry_it starts at retry.
    retryIt: cfg.retry,
    enabled: true,
    nextAt: undefined,
    probe: undefined,
    urlIt: 0,
    failedUrl: undefined,
    lastRan: 0 as Instant,
    lastExitCode: 0,
    curWeight: 0,
  };
}

function stepCheckers(state: CheckerEngineState, input: CheckerInput | { readonly kind: 'timeout' }, now: Instant): Step<CheckerEngineState, CheckerOutput> {
  if (state.stopped) return { state, outputs: [] };
  const next = cloneState(state);
  const ctx: Ctx = { now, out: [], nextProbeId: next.nextProbeId };
  switch (input.kind) {
    case 'timeout':
      runDueTimers(ctx, next);
      break;
    case 'probe-result':
      onProbeResult(ctx, next, input.probeId, input.result);
      break;
    case 'vrrp-state':
      onVipPresence(ctx, next, input.master);
      break;
    case 'shutdown':
      forEachService(next, (svc) => shutdownService(ctx, svc));
      next.stopped = true;
      break;
    default:
      log(ctx, `unknown input kind ${(input as { kind: string }).kind} (ignored)`);
  }
  next.nextProbeId = ctx.nextProbeId;
  return { state: next, outputs: ctx.out };
}

function nextCheckerDeadline(state: CheckerEngineState): Instant | undefined {
  if (state.stopped) return undefined;
  let earliest: Instant | undefined;
  for (const svc of state.services) {
    for (const rs of svc.servers) {
      for (const chk of rs.checkers) {
        const at = dueAt(chk);
        if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
      }
    }
  }
  return earliest;
}

const dueAt = (chk: CheckState): Instant | undefined => (chk.probe !== undefined ? chk.probe.deadline : chk.nextAt);

// ------------------------------------------------------------------ timers

interface CheckerRef {
  readonly svc: ServiceRef;
  readonly i: number;
  readonly cfg: ResolvedChecker;
  readonly chk: CheckState;
}

/** Handles every timer due at `now`, earliest first, ties in configuration order. */
function runDueTimers(ctx: Ctx, state: CheckerEngineState): void {
  for (;;) {
    let due: CheckerRef | undefined;
    let dueTime = Infinity;
    forEachChecker(state, (svc, i, cfg, chk) => {
      const at = dueAt(chk);
      if (at !== undefined && at <= ctx.now && at < dueTime) {
        dueTime = at;
        due = { svc, i, cfg, chk };
      }
    });
    if (due === undefined) return;
    if (due.chk.probe !== undefined) {
      judge(ctx, due, timeoutResult(due.cfg));
    } else {
      launch(ctx, due);
    }
  }
}

function timeoutResult(cfg: ResolvedChecker): ProbeResult {
  return { type: cfg.type, outcome: 'timeout' } as ProbeResult;
}

/** A checker's turn: probe, or (suspended by ha_suspend) just wait another delay_loop. */
function launch(ctx: Ctx, ref: CheckerRef): void {
  const { svc, i, cfg, chk } = ref;
  chk.nextAt = undefined;
  if (!chk.enabled) {
    chk.nextAt = (ctx.now + cfg.delayLoopUs) as Instant;
    return;
  }
  const id = ctx.nextProbeId++;
  chk.probe = { id, startedAt: ctx.now, deadline: (ctx.now + cfg.timeoutUs) as Instant };
  const base = { kind: 'probe', probeId: id, service: svc.cfg.key, server: svc.cfg.servers[i]?.key ?? '?', checker: cfg.index, timeoutUs: cfg.timeoutUs } as const;
  if (cfg.type === 'tcp') {
    ctx.out.push({ ...base, type: 'tcp', address: cfg.address, port: cfg.port });
  } else if (cfg.type === 'http') {
    const url = cfg.urls[chk.urlIt];
    ctx.out.push({ ...base, type: 'http', address: cfg.address, port: cfg.port, path: url?.path ?? '/', host: url?.host ?? '' });
  } else {
    chk.lastRan = ctx.now;
    ctx.out.push({ ...base, type: 'misc', command: cfg.command, ...(cfg.user === undefined ? {} : { user: cfg.user }) });
  }
}

// ------------------------------------------------------------------ results

function onProbeResult(ctx: Ctx, state: CheckerEngineState, probeId: number, result: ProbeResult): void {
  let found: CheckerRef | undefined;
  forEachChecker(state, (svc, i, cfg, chk) => {
    if (chk.probe?.id === probeId) found = { svc, i, cfg, chk };
  });
  if (found === undefined) return log(ctx, `probe ${probeId} is not in flight (a late or unknown result, ignored)`);
  if (found.cfg.type !== result.type) {
    return log(ctx, `probe ${probeId} is a ${found.cfg.type} probe but got a ${result.type} result (ignored)`);
  }
  if (result.type === 'misc' && result.outcome === 'exited' && !(Number.isInteger(result.code) && result.code >= 0 && result.code <= 255)) {
    return log(ctx, `probe ${probeId}: exit status ${result.code} is not in 0-255 (ignored)`);
  }
  judge(ctx, found, result);
}

/** Ends the probe in flight with this result and sets the checker's next turn. */
function judge(ctx: Ctx, ref: CheckerRef, result: ProbeResult): void {
  const { svc, i, cfg, chk } = ref;
  chk.probe = undefined;
  if (cfg.type === 'misc' && result.type === 'misc') {
    chk.nextAt = miscEpilog(ctx, svc, i, cfg, chk, result);
    return;
  }
  let delay: number;
  if (cfg.type === 'tcp' && result.type === 'tcp') {
    delay = tcpEpilog(ctx, svc, i, cfg, chk, tcpSucceeded(result));
  } else if (cfg.type === 'http' && result.type === 'http') {
    const url = cfg.urls[chk.urlIt];
    const failure = url === undefined ? 'no url' : httpFailure(result, url);
    delay = failure === undefined ? httpSuccess(ctx, svc, i, cfg, chk) : httpFailed(ctx, svc, i, cfg, chk);
  } else {
    throw new InvariantError(`invariant broken (this is a bug): a ${cfg.type} checker judged with a ${result.type} result`);
  }
  chk.nextAt = (ctx.now + delay) as Instant;
}

// ------------------------------------------------------------------ ha_suspend

/** keepalived update_checker_activity: a VS address appeared on or left this host. */
function onVipPresence(ctx: Ctx, state: CheckerEngineState, present: boolean): void {
  if (state.vipPresent === present) return;
  state.vipPresent = present;
  forEachChecker(state, (svc, i, _cfg, chk) => {
    if (!svc.cfg.haSuspend || chk.enabled === present) return;
    log(ctx, `${present ? 'Activating' : 'Suspending'} healthchecker for service ${svc.cfg.servers[i]?.label} for VS ${svc.cfg.label}`);
    chk.enabled = present;
  });
}

// ------------------------------------------------------------------ iteration

function forEachService(state: CheckerEngineState, f: (svc: ServiceRef) => void): void {
  state.services.forEach((st, k) => f({ cfg: serviceCfg(state.config, k), st }));
}

function forEachChecker(state: CheckerEngineState, f: (svc: ServiceRef, i: number, cfg: ResolvedChecker, chk: CheckState) => void): void {
  forEachService(state, (svc) => {
    svc.st.servers.forEach((rs, i) => {
      const rsCfg = svc.cfg.servers[i];
      rs.checkers.forEach((chk, c) => {
        const cfg = rsCfg?.checkers[c];
        if (cfg !== undefined) f(svc, i, cfg, chk);
      });
    });
  });
}

function serviceCfg(config: ResolvedConfig, k: number): ResolvedService {
  const cfg = config.services[k];
  assert(cfg !== undefined, `no configuration for service ${k}`);
  return cfg;
}
