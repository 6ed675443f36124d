/**
 * The VRRP router: one handler per RFC 3768 §6.4 event, for every instance of
 * one node, with keepalived 2.2.7's behaviour where it departs from the RFC.
 *
 * Theory of operation
 * - Inputs: a timeout (deadlines are due), a packet, a script result, a link
 *   change, shutdown. Each handler works on a `Draft` (state.ts) and records
 *   outputs there; transitions.ts holds the state changes and their effects.
 * - Timeouts: several deadlines may be due at one `now`. They run one at a
 *   time, re-reading the state after each, in this fixed order: earliest
 *   deadline first; at equal instants instance timers (Master_Down_Timer /
 *   Adver_Timer) before delayed GARP bursts before script runs; then instance
 *   config order (scripts: vrrp_script order).
 * - Packets go through keepalived's dispatcher (vrrp_scheduler.c
 *   vrrp_dispatcher_read): decode, find the instance by interface + VRID, drop
 *   when it is FAULT/INIT, then the BACKUP or MASTER handler, then the sync
 *   group matrix, then the timer is re-armed. In MASTER that re-arm means
 *   *every* packet for the VRID, valid or not, re-phases the Adver_Timer to
 *   now + Advertisement_Interval (keepalived quirk, §2.5; not with
 *   lower_prio_no_advert). In BACKUP an ignored packet leaves the deadline.
 * - preempt_delay: a BACKUP accepts lower adverts until preempt_time, set at
 *   the first one (core/rfc3768.ts preemptTimeUs says where it falls).
 *
 * Rules
 * - RFC text is quoted where it mandates the behaviour; keepalived departures
 *   say so.
 * - Bad peer input never throws: it becomes a `dropped` output and a count.
 */
import { assert } from '../core/assert.js';
import { formatSeconds, later } from '../core/time.js';
import { decodeAdvertisement, formatIpv4, type Advertisement, type Ipv4 } from './packet.js';
import { scriptResult } from './script-counter.js';
import { faultsInstance, trackerDelta, weightMultiplier } from '../core/rfc3768.js';
import { checkAdvertisement } from './receive.js';
import { describeDrop, isPeerMismatch } from './explain.js';
import { armTimer, countDrop, downIntervalUs, group, inst, setGroup, setInstance, type Draft, type GarpBurst, type InstanceRecord } from './state.js';
import { afterTransition, reportSyncWait } from './sync-group.js';
import { preemptTimeUs, skewTimeUs } from '../core/rfc3768.js';
import {
  downInstance,
  garpBurst,
  gotoMaster,
  leaveMaster,
  masterTx,
  restoreInterface,
  scheduleGarpBurst,
  sendAdvert,
  setEffectivePriority,
  syncActions,
  tryUpInstance,
  type Because,
} from './transitions.js';
import type { DropReason, VrrpInput } from './types.js';

// ---------------------------------------------------------------- timers

type DueKind = 'instance' | 'garp' | 'script';
const RANK: Record<DueKind, number> = { instance: 0, garp: 1, script: 2 };

/** The first due deadline in the documented order; plain loops, as this runs on every timeout. */
function earliestDue(d: Draft): { kind: DueKind; index: number } | undefined {
  let kind: DueKind | undefined;
  let index = -1;
  let best = Infinity;
  const consider = (k: DueKind, i: number, at: number): void => {
    if (at < best || (at === best && kind !== undefined && RANK[k] < RANK[kind])) {
      kind = k;
      index = i;
      best = at;
    }
  };
  for (let i = 0; i < d.instances.length; i++) {
    const r = d.instances[i] as InstanceRecord;
    if (r.timerAt !== undefined && r.timerAt <= d.now) consider('instance', i, r.timerAt);
    const g = r.garpBursts.length > 0 ? (r.garpBursts[0] as GarpBurst).at : undefined;
    if (g !== undefined && g <= d.now) consider('garp', i, g);
  }
  for (let s = 0; s < d.scripts.length; s++) {
    const at = d.scripts[s]?.nextRunAt;
    if (at !== undefined && at <= d.now) consider('script', s, at);
  }
  return kind === undefined ? undefined : { kind, index };
}

/** Runs every deadline that is due, one at a time, in the documented order. */
export function onTimeout(d: Draft): void {
  for (let guard = 0; ; guard++) {
    const due = earliestDue(d);
    if (!due) return;
    assert(guard < 100_000, `a ${due.kind} deadline keeps coming due at ${d.now}; this is a bug`);
    if (due.kind === 'instance') onInstanceTimer(d, due.index);
    else if (due.kind === 'garp') onGarpTimer(d, due.index);
    else onScriptTimer(d, due.index);
  }
}

function onInstanceTimer(d: Draft, i: number): void {
  const state = inst(d, i).state;
  if (state === 'BACKUP') onMasterDownTimer(d, i);
  else if (state === 'MASTER') onAdverTimer(d, i);
  else setInstance(d, i, { timerAt: undefined }); // no timer runs in INIT/FAULT/STOP; this is a bug if reached
}

/** RFC 3768 §6.4.2 "If the Master_Down_Timer fires": go MASTER (subject to the sync group). */
function onMasterDownTimer(d: Draft, i: number): void {
  const wanted = inst(d, i).wantState;
  const because = masterDownBecause(d, i);
  setInstance(d, i, { wantState: 'MASTER' });
  gotoMaster(d, i, because);
  if (wanted !== 'MASTER' && inst(d, i).state !== 'MASTER') reportSyncWait(d, i, because.reason);
  afterTransition(d, i, 'BACKUP', syncActions);
  armTimer(d, i);
}

/**
 * Why the Master_Down_Timer expired, in words. "X > Y wins" only for a real
 * preemption: the last advert heard was a lower one this BACKUP discarded.
 * Adverts that stopped read "no advert for …", and adverts dropped for a
 * mismatch read "no valid advert for …; N adverts from A dropped: why".
 */
function masterDownBecause(d: Draft, i: number): Because {
  const r = inst(d, i);
  const ours = r.effectivePriority;
  const heard = r.lastHeardPriority;
  const from = r.lastHeardAddress === undefined ? '?' : formatIpv4(r.lastHeardAddress);
  const cause = { code: 'master-down-timer' as const, priority: ours, ...(heard === undefined ? {} : { lastMasterPriority: heard }) };
  const quiet = formatSeconds(d.now - Math.max(r.lastHeardAt ?? 0, r.backupSince ?? 0));
  const tally = r.dropsSinceHeard;
  if (tally !== undefined) {
    const n = `${tally.count} advert${tally.count === 1 ? '' : 's'}`;
    return { cause, reason: `master down timer expired; no valid advert for ${quiet} s; ${n} from ${formatIpv4(tally.from)} dropped: ${describeDrop(tally.reason)}` };
  }
  if (heard === undefined) return { cause, reason: `master down timer expired; no advert heard, ${ours} takes over` };
  if (heard === 0) {
    return {
      cause: { code: 'priority-zero-received', from },
      reason: `priority 0 advert received from ${from} (master resigned); skew time ${formatSeconds(skewTimeUs(ours))} s expired`,
    };
  }
  if (r.lastHeardDiscarded && heard < ours) return { cause, reason: `master down timer expired; ${ours} > ${heard} wins` };
  return { cause, reason: `master down timer expired; no advert for ${quiet} s (last: priority ${heard} from ${from})` };
}

/** RFC 3768 §6.4.3 "If the Adver_Timer fires": send an ADVERTISEMENT, reset the timer. */
function onAdverTimer(d: Draft, i: number): void {
  // already MASTER with the VIPs installed, so master_tx only sends; the cause is never reported
  masterTx(d, i, 'MASTER', { cause: { code: 'startup' }, reason: 'Adver_Timer fired' });
  afterTransition(d, i, 'MASTER', syncActions);
  armTimer(d, i);
}

function onGarpTimer(d: Draft, i: number): void {
  const [burst, ...rest] = inst(d, i).garpBursts;
  setInstance(d, i, { garpBursts: rest });
  if (burst) garpBurst(d, i, burst.repeat);
}

function onScriptTimer(d: Draft, s: number): void {
  const c = d.node.scripts[s];
  const rec = d.scripts[s];
  if (!c || !rec || rec.nextRunAt === undefined) return;
  d.outputs.push(c.runOutput);
  d.scripts[s] = { ...rec, nextRunAt: later(d.now, c.config.intervalUs) };
}

// ---------------------------------------------------------------- packets

/** A `dropped` output and its count; a peer mismatch also goes into the instance's tally (the words of a takeover it causes). */
export function drop(d: Draft, i: number | undefined, interfaceName: string, reason: DropReason, from?: Ipv4): void {
  countDrop(d, reason.code);
  const instance = i === undefined ? undefined : d.node.instances[i]?.name;
  if (i !== undefined && from !== undefined && isPeerMismatch(reason.code)) {
    setInstance(d, i, { dropsSinceHeard: { count: (inst(d, i).dropsSinceHeard?.count ?? 0) + 1, from, reason } });
  }
  d.outputs.push({
    kind: 'dropped',
    ...(instance === undefined ? {} : { instance }),
    interface: interfaceName,
    ...(from === undefined ? {} : { from: formatIpv4(from) }),
    reason,
  });
}

/** keepalived's dispatcher: decode, route by interface + VRID, then the state's handler. */
export function onPacket(d: Draft, input: Extract<VrrpInput, { kind: 'packet' }>): void {
  const decoded = decodeAdvertisement(input.bytes);
  if (!decoded.ok) return drop(d, undefined, input.interface, decoded.error);
  const adv = decoded.value;
  const i = findInstance(d, input.interface, adv);
  if (i === undefined) return drop(d, undefined, input.interface, { code: 'vrid-unknown', vrid: adv.vrid, rfc: '3768§7.1' }, adv.source);
  const prev = inst(d, i).state;
  if (prev !== 'BACKUP' && prev !== 'MASTER') {
    return drop(d, i, input.interface, { code: 'instance-not-listening', state: prev, rfc: 'keepalived' }, adv.source);
  }
  // keepalived turns multicast loopback off, so it never sees its own adverts; a host that loops them back gets them dropped
  if (adv.source === d.node.instances[i]?.source) return drop(d, i, input.interface, { code: 'own-packet', rfc: 'keepalived' }, adv.source);
  if (prev === 'BACKUP') onAdvertisementInBackup(d, i, adv, input.interface);
  else onAdvertisementInMaster(d, i, adv, input.interface);
  afterTransition(d, i, prev, syncActions);
  if (inst(d, i).state !== 'MASTER' || !d.node.instances[i]?.config.lowerPrioNoAdvert) armTimer(d, i);
}

function findInstance(d: Draft, interfaceName: string, adv: Advertisement): number | undefined {
  const ifIndex = d.node.interfaceByName.get(interfaceName);
  if (ifIndex === undefined) return undefined;
  const candidates = d.node.instancesByVrid.get(ifIndex * 256 + adv.vrid);
  if (!candidates || candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  // several unicast instances share the VRID: the one listing the sender as a peer
  return candidates.find((c) => d.node.instances[c]?.unicastPeers.includes(adv.source));
}

/** RFC 3768 §6.4.2 Backup: "If an ADVERTISEMENT is received" (keepalived vrrp_state_backup). */
function onAdvertisementInBackup(d: Draft, i: number, adv: Advertisement, interfaceName: string): void {
  const c = d.node.instances[i];
  const r = inst(d, i);
  if (!c) return;
  const invalid = checkAdvertisement(adv, c, true);
  const ours = r.effectivePriority;
  if (invalid) {
    drop(d, i, interfaceName, invalid, adv.source);
  } else if (adv.priority === 0) {
    // "If the Priority in the ADVERTISEMENT is Zero, then: Set the Master_Down_Timer to Skew_Time"
    setInstance(d, i, {
      lastHeardAddress: adv.source,
      lastHeardPriority: 0,
      lastHeardAt: d.now,
      lastHeardDiscarded: false,
      dropsSinceHeard: undefined,
      msDownTimerUs: skewTimeUs(ours),
    });
    return;
  } else if (c.nopreempt || adv.priority >= ours || preemptDelayHolds(d, i)) {
    // "If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT is greater than or equal to the local
    // Priority, then: Reset the Master_Down_Timer to Master_Down_Interval" (keepalived adds preempt_delay)
    setInstance(d, i, {
      lastHeardAddress: adv.source,
      lastHeardPriority: adv.priority,
      lastHeardAt: d.now,
      lastHeardDiscarded: false,
      dropsSinceHeard: undefined,
      msDownTimerUs: downIntervalUs(d, i),
      wantState: 'BACKUP',
      preemptAt: nextPreemptAt(d, i, adv),
    });
    return;
  } else {
    // "Otherwise: Discard the ADVERTISEMENT"; the timer keeps running
    setInstance(d, i, heardFrom(d, adv, true));
    drop(d, i, interfaceName, { code: 'lower-priority', priority: adv.priority, ours, rfc: '3768§6.4.2' }, adv.source);
  }
  // keepalived re-arms from ms_down_timer after every packet, so an ignored one sets it to the time left
  setInstance(d, i, { msDownTimerUs: Math.max(0, (r.timerAt ?? d.now) - d.now) });
}

/**
 * A valid advert heard: who sent it, and whether a preempting BACKUP discarded
 * it; the dropped tally starts over. (The hot BACKUP paths write the same
 * fields in their own literal: a spread patch costs a third of a 24 h run.)
 */
function heardFrom(d: Draft, adv: Advertisement, discarded: boolean): Partial<InstanceRecord> {
  return { lastHeardAddress: adv.source, lastHeardPriority: adv.priority, lastHeardAt: d.now, lastHeardDiscarded: discarded, dropsSinceHeard: undefined };
}

/** keepalived preempt_delay: lower adverts are still accepted until preempt_time has passed. */
function preemptDelayHolds(d: Draft, i: number): boolean {
  const c = d.node.instances[i];
  const at = inst(d, i).preemptAt;
  return (c?.preemptDelayUs ?? 0) > 0 && (at === undefined || at > d.now);
}

function nextPreemptAt(d: Draft, i: number, adv: Advertisement): ReturnType<typeof inst>['preemptAt'] {
  const c = d.node.instances[i];
  const r = inst(d, i);
  if (!c || c.preemptDelayUs === 0) return r.preemptAt;
  if (adv.priority >= r.effectivePriority) return undefined; // "stop preempt delay"
  // "start preempt delay": from a fresh clock reading, which can let the advert that ends the delay in
  return r.preemptAt ?? preemptTimeUs(d.now, c.preemptDelayUs, c.adverIntUs);
}

/** RFC 3768 §6.4.3 Master: "If an ADVERTISEMENT is received" (keepalived vrrp_state_master_rx). */
function onAdvertisementInMaster(d: Draft, i: number, adv: Advertisement, interfaceName: string): void {
  const c = d.node.instances[i];
  if (!c) return;
  const invalid = checkAdvertisement(adv, c, true);
  if (invalid) return drop(d, i, interfaceName, invalid, adv.source);
  setInstance(d, i, heardFrom(d, adv, false));
  // unsigned numeric comparison of the sender's address with our source address
  const cmp = adv.source === c.source ? 0 : adv.source > c.source ? 1 : -1;
  let ours = inst(d, i).effectivePriority;
  // "If the Priority in the ADVERTISEMENT is Zero, then: Send an ADVERTISEMENT; Reset the Adver_Timer"
  if (adv.priority === 0) return sendAdvert(d, i, ours);
  const higher = adv.priority > ours || (adv.priority === ours && cmp > 0);
  if (higher && c.config.higherPrioSendAdvert) sendAdvert(d, i, ours);
  if (adv.priority === ours && cmp !== 0 && ours === 255) ours = demoteSecondOwner(d, i, adv);
  if (adv.priority < ours || (adv.priority === ours && cmp < 0)) return onLowerPriorityAdvert(d, i);
  if (adv.priority > ours || (adv.priority === ours && cmp > 0)) {
    // "Cancel Adver_Timer, Set Master_Down_Timer to Master_Down_Interval, Transition to the Backup state"
    setInstance(d, i, { wantState: 'BACKUP', msDownTimerUs: downIntervalUs(d, i) });
    leaveMaster(d, i, false, higherBecause(adv, ours, c.sourceText));
  }
}

function higherBecause(adv: Advertisement, ours: number, own: string): Because {
  const from = formatIpv4(adv.source);
  if (adv.priority > ours) {
    return {
      cause: { code: 'higher-priority-advert', from, priority: adv.priority, ours },
      reason: `advert with priority ${adv.priority} > ${ours} received from ${from}`,
    };
  }
  return {
    cause: { code: 'equal-priority-higher-address', from, priority: adv.priority },
    reason: `advert with equal priority ${adv.priority} received from ${from}, a higher address than ours (${own})`,
  };
}

/** keepalived: two address owners is a configuration error; the receiving one demotes itself to 254. */
function demoteSecondOwner(d: Draft, i: number, adv: Advertisement): number {
  const name = d.node.instances[i]?.name ?? '?';
  setInstance(d, i, { basePriority: 254, effectivePriority: 254 });
  const reason = `${formatIpv4(adv.source)} is also an address owner (priority 255): reducing local priority to 254`;
  d.outputs.push({ kind: 'priority-changed', instance: name, from: 255, to: 254, reason });
  return 254;
}

/**
 * keepalived, unlike RFC 3768 ("Otherwise: Discard"): a master answers a lower
 * advert with its own at once (unless lower_prio_no_advert) and sends
 * garp_lower_prio_repeat GARPs now and again after garp_lower_prio_delay, for
 * itself and for sync-group members that have it set.
 */
function onLowerPriorityAdvert(d: Draft, i: number): void {
  const c = d.node.instances[i];
  if (!c) return;
  if (!c.config.lowerPrioNoAdvert) sendAdvert(d, i, inst(d, i).effectivePriority);
  const members = c.group >= 0 ? (d.node.groups[c.group]?.members ?? [i]) : [i];
  for (const m of [i, ...members.filter((x) => x !== i)]) {
    const mc = d.node.instances[m];
    if (!mc || mc.config.garpLowerPrioRepeat === 0) continue;
    garpBurst(d, m, mc.config.garpLowerPrioRepeat);
    scheduleGarpBurst(d, m, mc.garpLowerPrioDelayUs, mc.config.garpLowerPrioRepeat);
  }
}

// ---------------------------------------------------------------- trackers

/** An interface's link changed (IFF_UP && IFF_RUNNING); keepalived process_if_status_change. */
export function onLink(d: Draft, interfaceName: string, up: boolean): void {
  const ifIndex = d.node.interfaceByName.get(interfaceName);
  if (ifIndex === undefined || d.linkUp[ifIndex] === up) return;
  d.linkUp[ifIndex] = up;
  const word = up ? 'up' : 'down';
  for (const t of d.node.interfaceTrackers[ifIndex] ?? []) {
    if (t.weight !== 0) {
      setInstance(d, t.instance, { totalPriority: inst(d, t.instance).totalPriority + trackerDelta(t.weight, t.reverse, up) });
      setEffectivePriority(d, t.instance, `interface ${interfaceName} ${word} (weight ${t.weight}${t.reverse ? ' reverse' : ''})`);
    } else if (faultsInstance(t.reverse, up)) {
      downInstance(d, t.instance, { cause: { code: 'fault', detail: `interface ${interfaceName} ${word}` }, reason: `interface ${interfaceName} ${word}` });
    } else {
      tryUpInstance(d, t.instance, false, { cause: { code: 'fault-cleared' }, reason: `interface ${interfaceName} ${word}` });
    }
  }
}

/** A vrrp_script finished: its rise/fall counter, then every instance tracking it (process_script_update_priority). */
export function onScriptResult(d: Draft, name: string, exitCode: number): void {
  const s = d.node.scriptByName.get(name);
  const rec = s === undefined ? undefined : d.scripts[s];
  const c = s === undefined ? undefined : d.node.scripts[s];
  if (s === undefined || !rec || !c) return;
  const next = scriptResult(rec, exitCode === 0, c.config.rise, c.config.fall);
  d.scripts[s] = { ...rec, ...next, lastExitCode: exitCode };
  if (next.status === rec.status) return;
  const ok = next.status === 'ok';
  d.outputs.push({ kind: 'script-status', script: name, ok, exitCode });
  for (const t of c.trackedBy) onTrackedScriptChange(d, t, rec.status === 'init', ok, name, exitCode);
}

function onTrackedScriptChange(
  d: Draft,
  t: { readonly instance: number; readonly weight: number; readonly reverse: boolean },
  wasInit: boolean,
  ok: boolean,
  name: string,
  exitCode: number,
): void {
  const i = t.instance;
  const outcome = ok ? 'succeeded' : `failed (exit ${exitCode})`;
  if (t.weight === 0) return onWeightZeroScript(d, i, wasInit, faultsInstance(t.reverse, ok), `script ${name} ${outcome}`);
  const m = weightMultiplier(t.reverse);
  let delta: number;
  if (!wasInit) delta = trackerDelta(t.weight, t.reverse, ok);
  else if (ok) delta = t.weight > 0 ? t.weight * m : 0; // before the first result a weighted script counts for nothing
  else delta = t.weight < 0 ? t.weight * m : 0;
  setInstance(d, i, { totalPriority: inst(d, i).totalPriority + delta });
  setEffectivePriority(d, i, `script ${name} ${outcome} (weight ${t.weight}${t.reverse ? ' reverse' : ''})`);
}

function onWeightZeroScript(d: Draft, i: number, wasInit: boolean, faults: boolean, what: string): void {
  const g = d.node.instances[i]?.group ?? -1;
  let leftInit = false;
  if (wasInit) {
    const left = Math.max(0, inst(d, i).scriptsInInit - 1);
    setInstance(d, i, { scriptsInInit: left });
    if (left === 0) {
      leftInit = true;
      if (g >= 0) setGroup(d, g, { memberInits: Math.max(0, group(d, g).memberInits - 1) });
    }
  }
  if (faults) {
    downInstance(d, i, { cause: { code: 'fault', detail: `${what} (weight 0)` }, reason: `${what} (weight 0)` });
  } else if (inst(d, i).scriptsInInit === 0 && (g < 0 || group(d, g).memberInits === 0)) {
    tryUpInstance(d, i, leftInit, { cause: { code: 'fault-cleared' }, reason: `${what} (weight 0)` });
  }
}

// ---------------------------------------------------------------- shutdown

/** SIGTERM (keepalived restore_vrrp_interfaces, notify_shutdown): masters send priority 0 and drop their VIPs, then every instance is STOP. */
export function onShutdown(d: Draft): void {
  for (let i = 0; i < d.instances.length; i++) if (inst(d, i).state === 'MASTER') restoreInterface(d, i, true);
  for (let i = 0; i < d.instances.length; i++) {
    const r = inst(d, i);
    setInstance(d, i, { state: 'STOP', timerAt: undefined, garpBursts: [] });
    d.outputs.push({
      kind: 'transitioned',
      instance: d.node.instances[i]?.name ?? '?',
      from: r.state,
      to: 'STOP',
      priority: r.effectivePriority,
      cause: { code: 'shutdown' },
      reason: 'shutdown (SIGTERM)',
    });
  }
  d.scripts.forEach((rec, s) => (d.scripts[s] = { ...rec, nextRunAt: undefined }));
  d.stopped = true;
}
