/**
 * Theory of operation: what keepalived's checker process does to the IPVS table
 * when a checker changes its mind (keepalived/check/ipwrapper.c and the
 * command mapping of ipvswrapper.c `ipvs_cmd`), as functions over the engine's
 * state that append outputs instead of talking to the kernel.
 *
 * The chain, as in keepalived:
 *   checker verdict → updateSvrCheckerState (count failed checkers; a real
 *   server is alive exactly when none fails) → performSvrState (log, add or
 *   remove the destination unless the sorry server stands in, run notify_up /
 *   notify_down) → updateQuorumState (weigh live servers; gain or lose quorum,
 *   swap the sorry server in or out, run quorum_up / quorum_down).
 *
 * Rules:
 *  - Quorum: W = Σ real_weight(effective_weight) over alive servers. With the
 *    quorum up the threshold is quorum − hysteresis and it is lost when
 *    W = 0 or W < threshold; with it down the threshold is quorum + hysteresis
 *    and it is gained when W ≥ threshold.
 *  - ipvs_cmd: a delete of an inhibit_on_failure server is an edit to weight 0;
 *    an add of one that is still set is an edit back to its weight; the first
 *    add of an inhibited server with failing checkers goes in at weight 0.
 *  - The kernel answers an add of a present destination with EEXIST and a
 *    delete of an absent one with ENOENT; keepalived logs both and carries on.
 *    An edit of an absent destination is retried as an add. The engine keeps a
 *    shadow of the table so that its `ipvs` outputs always apply cleanly.
 */
import { assert } from '../../core/assert.js';
import type { Instant } from '../../core/time.js';
import type { CheckerOutput } from './types.js';
import { IPVS_WEIGHT_LIMIT, type ResolvedServer, type ResolvedService } from './resolve.js';
import type { CheckState, ServerState, ServiceState, SorryState, TableEntry } from './state.js';

/** What one step is writing: the instant, the outputs so far, the probe id counter. */
export interface Ctx {
  readonly now: Instant;
  readonly out: CheckerOutput[];
  nextProbeId: number;
}

export interface ServiceRef {
  readonly cfg: ResolvedService;
  readonly st: ServiceState;
}

/** keepalived's real_weight(): the weight IPVS can hold. */
export const realWeight = (effectiveWeight: number): number =>
  effectiveWeight < 0 ? 0 : effectiveWeight > IPVS_WEIGHT_LIMIT ? IPVS_WEIGHT_LIMIT : effectiveWeight;

export const log = (ctx: Ctx, text: string): void => {
  ctx.out.push({ kind: 'log', text });
};

/** Σ real weights of alive real servers (keepalived weigh_live_realservers). */
export function weighLiveRealservers(svc: ServiceRef): number {
  let sum = 0;
  for (const rs of svc.st.servers) if (rs.alive) sum += realWeight(rs.effectiveWeight);
  return sum;
}

// ------------------------------------------------------------------ ipvs_cmd

type IpvsCmd = 'add' | 'del' | 'edit';

interface DestView {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly inhibit: boolean;
  readonly sorry: boolean;
  readonly st: { set: boolean; numFailedCheckers: number; table: TableEntry };
  readonly effectiveWeight: number;
}

const serverDest = (cfg: ResolvedServer, st: ServerState): DestView => ({
  key: cfg.key,
  address: cfg.address,
  port: cfg.port,
  inhibit: cfg.inhibit,
  sorry: false,
  st,
  effectiveWeight: st.effectiveWeight,
});

function sorryDest(svc: ServiceRef, st: SorryState): DestView {
  const cfg = svc.cfg.sorry;
  assert(cfg !== undefined, 'sorry server state without configuration');
  return { key: cfg.key, address: cfg.address, port: cfg.port, inhibit: cfg.inhibit, sorry: true, st, effectiveWeight: 1 };
}

/** keepalived ipvs_cmd for a destination, then what the kernel makes of it. */
function ipvsCmd(ctx: Ctx, svc: ServiceRef, dest: DestView, requested: IpvsCmd): void {
  let cmd = requested;
  let weight = realWeight(dest.effectiveWeight);
  if (cmd === 'del' && dest.inhibit) {
    weight = 0;
    cmd = 'edit';
  } else if (cmd === 'add' && dest.inhibit && dest.st.set) {
    cmd = 'edit';
  } else if (cmd === 'add' && !dest.st.set) {
    dest.st.set = true;
    if (dest.inhibit && dest.st.numFailedCheckers > 0) weight = 0;
  } else if (cmd === 'del' && dest.st.set) {
    dest.st.set = false;
  }
  kernelApply(ctx, svc, dest, cmd, weight);
}

function kernelApply(ctx: Ctx, svc: ServiceRef, dest: DestView, cmd: IpvsCmd, weight: number): void {
  const table = dest.st.table;
  const emit = (op: 'add' | 'remove' | 'set-weight', w: number): void => {
    ctx.out.push({
      kind: 'ipvs',
      op,
      service: svc.cfg.key,
      server: dest.key,
      address: dest.address,
      port: dest.port,
      weight: w,
      ...(dest.sorry ? { sorry: true } : {}),
    });
  };
  if (cmd === 'add' || (cmd === 'edit' && !table.present)) {
    if (table.present) return log(ctx, `IPVS cmd ADDDEST error: File exists (${dest.key} in ${svc.cfg.label})`);
    table.present = true;
    table.weight = weight;
    return emit('add', weight);
  }
  if (cmd === 'del') {
    if (!table.present) return log(ctx, `IPVS cmd DELDEST error: No such destination (${dest.key} in ${svc.cfg.label})`);
    table.present = false;
    return emit('remove', table.weight);
  }
  table.weight = weight;
  emit('set-weight', weight);
}

// ------------------------------------------------------------------ notifies

function rsNotifies(ctx: Ctx, svc: ServiceRef, cfg: ResolvedServer, st: ServerState): void {
  const script = st.alive ? cfg.notifyUp : cfg.notifyDown;
  if (script === undefined) return;
  const event = st.alive ? 'notify_up' : 'notify_down';
  ctx.out.push({ kind: 'notify', script, args: [], event, service: svc.cfg.key, server: cfg.key });
}

function vsNotifies(ctx: Ctx, svc: ServiceRef): void {
  const up = svc.st.quorumUp;
  ctx.out.push({ kind: 'quorum', service: svc.cfg.key, up });
  const script = up ? svc.cfg.quorumUp : svc.cfg.quorumDown;
  if (script !== undefined) ctx.out.push({ kind: 'notify', script, args: [], event: up ? 'quorum_up' : 'quorum_down', service: svc.cfg.key });
}

// ------------------------------------------------------------------ quorum

/** keepalived perform_quorum_state: put every alive real server back in, or take them all out. */
function performQuorumState(ctx: Ctx, svc: ServiceRef, add: boolean): void {
  log(ctx, `${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${svc.cfg.label}`);
  svc.st.servers.forEach((st, i) => {
    if (!st.alive) return;
    ipvsCmd(ctx, svc, serverDest(svc.cfg.servers[i] as ResolvedServer, st), add ? 'add' : 'del');
  });
}

/** keepalived update_quorum_state. `init` is the call made once the pool is first built. */
export function updateQuorumState(ctx: Ctx, svc: ServiceRef, init: boolean): void {
  const { quorum, hysteresis, label } = svc.cfg;
  const weightSum = weighLiveRealservers(svc);
  const threshold = quorum + (svc.st.quorumUp ? -hysteresis : hysteresis);
  const sorry = svc.st.sorry;
  if (!svc.st.quorumUp && weightSum >= threshold) {
    svc.st.quorumUp = true;
    log(ctx, `Gained quorum ${quorum}+${hysteresis}=${threshold} <= ${weightSum} for VS ${label}`);
    if (sorry !== undefined && sorry.alive) {
      log(ctx, `${svc.cfg.sorry?.inhibit ? 'Disabling' : 'Removing'} sorry server ${svc.cfg.sorry?.label} from VS ${label}`);
      ipvsCmd(ctx, svc, sorryDest(svc, sorry), 'del');
      sorry.alive = false;
      performQuorumState(ctx, svc, true);
    }
    vsNotifies(ctx, svc);
    return;
  }
  const lost = svc.st.quorumUp && (weightSum === 0 || weightSum < threshold);
  const startingDown = init && !svc.st.quorumUp && sorry !== undefined && !sorry.alive;
  if (!lost && !startingDown) return;
  svc.st.quorumUp = false;
  log(ctx, `${init ? 'Starting with quorum down' : 'Lost quorum'} ${quorum}-${hysteresis}=${threshold} > ${weightSum} for VS ${label}`);
  if (sorry !== undefined && !sorry.alive) {
    log(ctx, `${svc.cfg.sorry?.inhibit ? 'Enabling' : 'Adding'} sorry server ${svc.cfg.sorry?.label} to VS ${label}`);
    performQuorumState(ctx, svc, false);
    ipvsCmd(ctx, svc, sorryDest(svc, sorry), 'add');
    sorry.alive = true;
  }
  vsNotifies(ctx, svc);
}

// ------------------------------------------------------------------ real server state

const sorryStandsIn = (svc: ServiceRef): boolean => !svc.st.quorumUp && svc.st.sorry !== undefined && svc.st.sorry.alive;

/** keepalived perform_svr_state: a real server became alive or died. */
function performSvrState(ctx: Ctx, svc: ServiceRef, i: number, alive: boolean): void {
  const cfg = svc.cfg.servers[i] as ResolvedServer;
  const st = svc.st.servers[i] as ServerState;
  if (st.alive === alive) return;
  const verb = alive ? (cfg.inhibit ? 'Enabling' : 'Adding') : cfg.inhibit ? 'Disabling' : 'Removing';
  const prep = cfg.inhibit ? 'of' : alive ? 'to' : 'from';
  log(ctx, `${verb} service ${cfg.label} ${prep} VS ${svc.cfg.label}`);
  // While the sorry server stands in, the table is left alone; the quorum regain re-adds the live servers.
  if (!sorryStandsIn(svc)) ipvsCmd(ctx, svc, serverDest(cfg, st), alive ? 'add' : 'del');
  st.alive = alive;
  rsNotifies(ctx, svc, cfg, st);
  updateQuorumState(ctx, svc, false);
}

/** keepalived update_svr_checker_state: one checker's verdict, folded into its real server. */
export function updateSvrCheckerState(ctx: Ctx, svc: ServiceRef, i: number, chk: CheckState, alpha: boolean, up: boolean): void {
  const cfg = svc.cfg.servers[i] as ResolvedServer;
  const st = svc.st.servers[i] as ServerState;
  if (chk.isUp === up) {
    // The first verdict agrees with the start-up assumption. Under alpha a failure
    // still announces the server down (its notify_down runs).
    if (!chk.hasRun) {
      if (alpha || !up) rsNotifies(ctx, svc, cfg, st);
      chk.hasRun = true;
    }
    return;
  }
  chk.hasRun = true;
  if (up && st.numFailedCheckers <= 1) performSvrState(ctx, svc, i, true);
  if (!up && st.numFailedCheckers === 0) performSvrState(ctx, svc, i, false);
  setCheckerState(st, chk, up);
}

export function setCheckerState(st: ServerState, chk: CheckState, up: boolean): void {
  if (chk.isUp === up) return;
  chk.isUp = up;
  if (!up) st.numFailedCheckers++;
  else if (st.numFailedCheckers > 0) st.numFailedCheckers--;
}

/** keepalived update_svr_wgt: a new effective weight (misc_dynamic), pushed only where it is live. */
export function updateSvrWgt(ctx: Ctx, svc: ServiceRef, i: number, weight: number): void {
  const cfg = svc.cfg.servers[i] as ResolvedServer;
  const st = svc.st.servers[i] as ServerState;
  const newWeight = realWeight(weight);
  const oldWeight = realWeight(st.effectiveWeight);
  st.effectiveWeight = weight;
  if (newWeight === oldWeight) return;
  log(ctx, `Changing weight from ${oldWeight} to ${newWeight} for ${st.alive ? '' : 'in'}active service ${cfg.label} of VS ${svc.cfg.label}`);
  if (st.set && st.alive && !sorryStandsIn(svc)) ipvsCmd(ctx, svc, serverDest(cfg, st), 'edit');
  updateQuorumState(ctx, svc, false);
}

// ------------------------------------------------------------------ start and stop

/** keepalived init_service_vs / init_service_rs at start-up: the first pool, quorum, the sorry server. */
export function initService(ctx: Ctx, svc: ServiceRef): void {
  svc.cfg.servers.forEach((cfg, i) => {
    const st = svc.st.servers[i] as ServerState;
    // Under alpha (failing checkers) a server waits for its checks, unless inhibited: then it goes in at weight 0.
    if ((st.numFailedCheckers === 0 && !st.alive) || (cfg.inhibit && !st.set)) {
      ipvsCmd(ctx, svc, serverDest(cfg, st), 'add');
      if (st.numFailedCheckers === 0) st.alive = true;
    }
  });
  updateQuorumState(ctx, svc, true);
  const sorry = svc.st.sorry;
  if (sorry !== undefined && svc.cfg.sorry?.inhibit && !sorry.set) {
    // An inhibited sorry server is present from the start, at weight 0.
    sorry.numFailedCheckers = 1;
    ipvsCmd(ctx, svc, sorryDest(svc, sorry), 'add');
    sorry.numFailedCheckers = 0;
  }
}

/**
 * keepalived clear_service_vs on SIGTERM (lvs_flush_on_stop unset): the sorry
 * server and every set real server leave the table (inhibit or not); with omega,
 * each alive server's notify_down and the quorum_down script run.
 */
export function shutdownService(ctx: Ctx, svc: ServiceRef): void {
  const sorry = svc.st.sorry;
  if (sorry !== undefined && sorry.set) {
    ipvsCmd(ctx, svc, { ...sorryDest(svc, sorry), inhibit: false }, 'del');
    sorry.alive = false;
  }
  svc.cfg.servers.forEach((cfg, i) => {
    const st = svc.st.servers[i] as ServerState;
    log(ctx, `Shutting down ${cfg.inhibit && !st.alive ? '(inhibited) ' : ''}service ${cfg.label} from VS ${svc.cfg.label}`);
    if (!st.set) return;
    ipvsCmd(ctx, svc, { ...serverDest(cfg, st), inhibit: false }, 'del');
    if (!st.alive) return;
    st.alive = false;
    if (svc.cfg.omega) rsNotifies(ctx, svc, cfg, st);
  });
  svc.st.quorumUp = false;
  if (svc.cfg.omega) vsNotifies(ctx, svc);
  else ctx.out.push({ kind: 'quorum', service: svc.cfg.key, up: false });
}
