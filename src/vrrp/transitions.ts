/**
 * The actions that move one instance between states, with their side effects
 * as outputs, in keepalived 2.2.7's order (vrrp.c vrrp_state_goto_master,
 * vrrp_state_master_tx, vrrp_state_become_master, vrrp_state_leave_master,
 * vrrp_restore_interface, vrrp_state_leave_fault; vrrp_track.c down_instance,
 * vrrp_set_effective_priority; vrrp_scheduler.c try_up_instance).
 *
 * Theory of operation
 * - BACKUP → MASTER: advert first (so the old master releases the VIPs), then
 *   the VIPs, a GARP burst, the `transitioned` notification, and a second
 *   burst after garp_master_delay.
 * - MASTER → BACKUP: VIPs removed, notification; no priority-0 advert.
 * - MASTER → FAULT: two priority-0 adverts when the instance faulted itself
 *   (one from leave_master, one from restore_interface), one when a sync group
 *   forced it; VIPs removed; notification.
 * - FAULT → up: BACKUP with a full Master_Down_Interval (an owner that still
 *   wants MASTER goes straight to MASTER).
 * - A priority change in BACKUP shifts the deadline by the change in
 *   ms_down_timer, exactly as keepalived does (so after an ignored advert the
 *   deadline becomes "that advert + the new interval").
 *
 * Rules
 * - Every function takes the draft and an instance index and records its
 *   effects there; nothing returns a value the caller must remember to apply.
 * - `transitioned` is emitted when the visible state changes, never otherwise.
 */
import { later } from '../core/time.js';
import { encodeAdvertisement, PRIORITY_OWNER, PRIORITY_STOP } from './packet.js';
import { effectivePriority } from '../core/rfc3768.js';
import { armTimer, downIntervalUs, group, inst, setGroup, setInstance, type Draft, type GarpBurst } from './state.js';
import { canGoToMaster, syncBackup, syncFault, syncMaster, type Because, type SyncActions } from './sync-group.js';
import { skewTimeUs } from '../core/rfc3768.js';
import type { VrrpStateName } from './types.js';

export type { Because } from './sync-group.js';

// ---------------------------------------------------------------- effects

/** vrrp_send_adv: one datagram to 224.0.0.18, or one per unicast peer sharing one IP id. */
export function sendAdvert(d: Draft, i: number, priority: number): void {
  const c = d.node.instances[i];
  if (!c) return;
  const r = inst(d, i);
  // the kernel fills in a zero IP id, so keepalived skips 0 when it wraps
  const ipId = r.ipId >= 0xffff ? 1 : r.ipId + 1;
  for (let k = 0; k < c.destinations.length; k++) {
    const bytes = encodeAdvertisement({
      source: c.source,
      destination: c.destinations[k] as number,
      ipId,
      vrid: c.config.vrid,
      priority,
      adverIntS: c.adverIntS,
      authType: c.authType,
      authData: c.authKey,
      addresses: c.vips,
    });
    const destination = c.destinationTexts[k] as string;
    d.outputs.push({ kind: 'send-advertisement', instance: c.name, interface: c.interfaceName, destination, priority, bytes });
  }
  setInstance(d, i, { ipId });
}

/** vrrp_send_link_update: `repeat` GARPs per VIP, only while the VIPs are installed. */
export function garpBurst(d: Draft, i: number, repeat: number): void {
  const c = d.node.instances[i];
  if (!c || !inst(d, i).vipSet) return;
  for (let j = 0; j < repeat; j++) for (const g of c.garpOutputs) d.outputs.push(g);
}

export function scheduleGarpBurst(d: Draft, i: number, delayUs: number, repeat: number): void {
  if (delayUs <= 0 || repeat <= 0) return;
  const burst: GarpBurst = { at: later(d.now, delayUs), repeat };
  const bursts = [...inst(d, i).garpBursts, burst].sort((a, b) => a.at - b.at);
  setInstance(d, i, { garpBursts: bursts });
}

function emitTransition(d: Draft, i: number, from: VrrpStateName, because: Because): void {
  const r = inst(d, i);
  if (from === r.state) return;
  if (r.state === 'BACKUP') setInstance(d, i, { backupSince: d.now });
  const name = d.node.instances[i]?.name ?? '?';
  d.outputs.push({
    kind: 'transitioned',
    instance: name,
    from,
    to: r.state,
    priority: r.effectivePriority,
    cause: because.cause,
    reason: because.reason,
  });
}

/** vrrp_restore_interface: optionally a priority-0 advert, then the VIPs go. */
export function restoreInterface(d: Draft, i: number, sendPriorityZero: boolean): void {
  if (sendPriorityZero) sendAdvert(d, i, PRIORITY_STOP);
  const c = d.node.instances[i];
  if (c && inst(d, i).vipSet) {
    for (const o of c.removeOutputs) d.outputs.push(o);
    setInstance(d, i, { vipSet: false });
  }
}

// ---------------------------------------------------------------- MASTER

/** vrrp_state_goto_master: gated by the sync group, then state := MASTER and master_tx. */
export function gotoMaster(d: Draft, i: number, because: Because): void {
  if (!canGoToMaster(d, i)) {
    setInstance(d, i, { wantState: 'MASTER' });
    return;
  }
  const from = inst(d, i).state;
  setInstance(d, i, { state: 'MASTER' });
  armTimer(d, i);
  masterTx(d, i, from, because);
}

/** vrrp_state_master_tx: the advert; on the way in, vrrp_state_become_master too. */
export function masterTx(d: Draft, i: number, from: VrrpStateName, because: Because): void {
  const c = d.node.instances[i];
  if (!c) return;
  sendAdvert(d, i, inst(d, i).effectivePriority);
  if (inst(d, i).vipSet) return;
  for (const o of c.addOutputs) d.outputs.push(o);
  setInstance(d, i, { vipSet: true });
  garpBurst(d, i, c.config.garpMasterRepeat);
  emitTransition(d, i, from, because);
  scheduleGarpBurst(d, i, c.config.garpMasterDelayUs, c.config.garpMasterRepeat);
}

/** vrrp_state_leave_master: to wantState (BACKUP or FAULT). */
export function leaveMaster(d: Draft, i: number, sendPriorityZero: boolean, because: Because): void {
  const r = inst(d, i);
  if (r.wantState === 'BACKUP') setInstance(d, i, { preemptAt: undefined });
  else if (r.wantState === 'FAULT') sendAdvert(d, i, PRIORITY_STOP);
  else return; // keepalived: "called with invalid wantstate"; nothing happens
  restoreInterface(d, i, sendPriorityZero);
  setInstance(d, i, { state: r.wantState });
  emitTransition(d, i, r.state, because);
  setInstance(d, i, { msDownTimerUs: downIntervalUs(d, i) });
  armTimer(d, i);
}

// ---------------------------------------------------------------- FAULT

/** vrrp_state_leave_fault: to wantState; MASTER goes through the gated gotoMaster. */
export function leaveFault(d: Draft, i: number, because: Because): void {
  const r = inst(d, i);
  if (r.wantState === 'MASTER') {
    gotoMaster(d, i, because);
  } else {
    if (r.wantState === 'FAULT' && r.state === 'MASTER') {
      sendAdvert(d, i, PRIORITY_STOP);
      restoreInterface(d, i, false);
    }
    setInstance(d, i, { state: r.wantState, ...(r.wantState === 'BACKUP' ? { preemptAt: undefined } : {}) });
    emitTransition(d, i, r.state, because);
  }
  setInstance(d, i, { msDownTimerUs: downIntervalUs(d, i) });
  armTimer(d, i);
}

/** down_instance: a weight-0 tracker went down. Only the first fault moves the instance. */
export function downInstance(d: Draft, i: number, because: Because): void {
  const r = inst(d, i);
  setInstance(d, i, { faultCount: r.faultCount + 1 });
  if (r.faultCount !== 0) return;
  setInstance(d, i, { wantState: 'FAULT' });
  if (r.state === 'MASTER') leaveMaster(d, i, true, because);
  else leaveFault(d, i, because);
  const g = d.node.instances[i]?.group ?? -1;
  if (g >= 0) {
    const faults = group(d, g).memberFaults;
    setGroup(d, g, { memberFaults: faults + 1 });
    if (faults === 0) syncFault(d, i, syncActions);
  }
}

/**
 * try_up_instance: a weight-0 tracker came back (or the last weight-0 script
 * reported for the first time, `leavingInit`). The instance comes up only when
 * no fault and no script in init remain, for it and for its sync group.
 */
export function tryUpInstance(d: Draft, i: number, leavingInit: boolean, because: Because): void {
  const c = d.node.instances[i];
  if (!c || !clearFault(d, i, leavingInit)) return;
  const r = inst(d, i);
  const ownerWantsMaster = r.wantState === 'MASTER' && r.basePriority === PRIORITY_OWNER;
  setInstance(d, i, {
    wantState: ownerWantsMaster ? 'MASTER' : 'BACKUP',
    msDownTimerUs: ownerWantsMaster ? c.adverIntUs + skewTimeUs(r.effectivePriority) : downIntervalUs(d, i),
  });
  if (c.group >= 0 && !clearGroupFault(d, c.group, leavingInit)) return;
  const wanted = inst(d, i).wantState;
  if (c.group >= 0 && wanted === 'MASTER' && !canGoToMaster(d, i)) setInstance(d, i, { wantState: 'BACKUP' });
  leaveFault(d, i, because);
  // keepalived refreshes the peer's ARP entry for our source address so its adverts reach us at once
  if (c.sourceGarp) d.outputs.push(c.sourceGarp);
  armTimer(d, i);
  setInstance(d, i, { wantState: wanted });
  if (c.group >= 0) {
    if (inst(d, i).state === 'MASTER') syncMaster(d, i, syncActions);
    else syncBackup(d, i, syncActions);
  }
}

/** The instance's own half of try_up_instance: false while a fault or an initialising script remains. */
function clearFault(d: Draft, i: number, leavingInit: boolean): boolean {
  const r = inst(d, i);
  if (leavingInit) return r.faultCount === 0;
  const faults = Math.max(0, r.faultCount - 1);
  setInstance(d, i, { faultCount: faults });
  if (faults === 0 && r.scriptsInInit === 0) return true;
  if (faults === 0) {
    const g = d.node.instances[i]?.group ?? -1;
    if (g >= 0) setGroup(d, g, { memberFaults: Math.max(0, group(d, g).memberFaults - 1), state: 'INIT' });
    setInstance(d, i, { wantState: 'BACKUP' });
  }
  return false;
}

/** The sync group's half of try_up_instance. */
function clearGroupFault(d: Draft, g: number, leavingInit: boolean): boolean {
  const rec = group(d, g);
  if (leavingInit) return rec.memberFaults === 0;
  const faults = Math.max(0, rec.memberFaults - 1);
  setGroup(d, g, { memberFaults: faults });
  return faults === 0 && rec.memberInits === 0;
}

// ---------------------------------------------------------------- priority

/** vrrp_set_effective_priority: clamp, announce, and shift a BACKUP's deadline by Δms_down_timer. */
export function setEffectivePriority(d: Draft, i: number, reason: string): void {
  const r = inst(d, i);
  if (r.basePriority === PRIORITY_OWNER) return;
  const priority = effectivePriority(r.basePriority, r.totalPriority);
  if (priority === r.effectivePriority) return;
  const down = downIntervalUs(d, i, priority);
  const shifted = r.state === 'BACKUP' && r.timerAt !== undefined ? later(r.timerAt, down - r.msDownTimerUs) : r.timerAt;
  setInstance(d, i, { effectivePriority: priority, msDownTimerUs: down, timerAt: shifted });
  const name = d.node.instances[i]?.name ?? '?';
  d.outputs.push({ kind: 'priority-changed', instance: name, from: r.effectivePriority, to: priority, reason });
}

export const syncActions: SyncActions = { gotoMaster, leaveMaster, leaveFault };
