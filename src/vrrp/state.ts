/**
 * The engine's state (opaque to hosts, read through the views at the bottom)
 * and the draft one step works on.
 *
 * Theory of operation
 * - `VrrpNodeState` is immutable. A step opens a `Draft`: shallow copies of the
 *   small arrays (instances, scripts, groups, links), an output list and `now`.
 *   Handlers replace whole records (`setInstance`), never mutate one, so the
 *   previous state stays valid and a step costs a few short array copies plus
 *   the records it touches — cheap enough for thousands of instances.
 * - Every timer is a deadline in a record: an instance's single keepalived
 *   timer (`timerAt`, RFC Master_Down_Timer in BACKUP, Adver_Timer in MASTER),
 *   its delayed GARP bursts, and each script's next run. `closeDraft` caches the
 *   earliest in `nextDeadlineAt`.
 *
 * Field names follow keepalived's vrrp_t where the behaviour copies it
 * (ms_down_timer → msDownTimerUs, num_script_if_fault → faultCount, …).
 */
import { later, type DurationUs, type Instant } from '../core/time.js';
import type { CompiledNode } from './node-config.js';
import type { Ipv4 } from './packet.js';
import type { ScriptCounter } from './script-counter.js';
import { masterDownIntervalUs } from '../core/rfc3768.js';
import type { DropCode, DropReason, VrrpOutput, VrrpStateName } from './types.js';

export type WantState = 'BACKUP' | 'MASTER' | 'FAULT';

export interface GarpBurst {
  readonly at: Instant;
  readonly repeat: number;
}

export interface InstanceRecord {
  /** Visible state. INIT: waiting for the first result of a weight-0 script (keepalived: FAULT, not notified). */
  readonly state: VrrpStateName;
  /** keepalived's wantstate: used by sync groups and when leaving FAULT. */
  readonly wantState: WantState;
  /** Configured priority; an owner that meets another owner drops to 254 (§2.5). */
  readonly basePriority: number;
  /** Base plus weighted tracker contributions, unclamped. */
  readonly totalPriority: number;
  readonly effectivePriority: number;
  /** keepalived's ms_down_timer: the value the BACKUP deadline was last armed with. */
  readonly msDownTimerUs: number;
  /** keepalived's sands: Master_Down_Timer in BACKUP, Adver_Timer in MASTER, none otherwise. */
  readonly timerAt: Instant | undefined;
  /** keepalived's preempt_time (preempt_delay). */
  readonly preemptAt: Instant | undefined;
  /** The last valid advert heard, for reasons in words. */
  readonly lastHeardAddress: Ipv4 | undefined;
  readonly lastHeardPriority: number | undefined;
  readonly lastHeardAt: Instant | undefined;
  /** The last advert heard was a lower priority one a preempting BACKUP discarded (its timer kept running). */
  readonly lastHeardDiscarded: boolean;
  /** When the instance last entered BACKUP: where "no advert for …" counts from when none was heard since. */
  readonly backupSince: Instant | undefined;
  /** Adverts dropped for a peer mismatch since the last valid one (explain.ts isPeerMismatch). */
  readonly dropsSinceHeard: DropTally | undefined;
  /** num_script_if_fault: weight-0 trackers currently down. */
  readonly faultCount: number;
  /** num_script_init: weight-0 scripts that have not reported yet. */
  readonly scriptsInInit: number;
  /** The VIPs are installed (keepalived's vipset). */
  readonly vipSet: boolean;
  /** Last IP identification sent; keepalived counts from 1 and skips 0. */
  readonly ipId: number;
  /** Delayed GARP bursts (garp_master_delay, garp_lower_prio_delay), earliest first. */
  readonly garpBursts: readonly GarpBurst[];
}

/** How many adverts were dropped, the last one's sender and reason: the words of a takeover they cause. */
export interface DropTally {
  readonly count: number;
  readonly from: Ipv4;
  readonly reason: DropReason;
}

export interface ScriptRecord extends ScriptCounter {
  /** Next run; undefined for scripts no instance tracks (keepalived removes them). */
  readonly nextRunAt: Instant | undefined;
  readonly lastExitCode: number | undefined;
}

export interface GroupRecord {
  readonly state: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';
  /** num_member_fault */
  readonly memberFaults: number;
  /** num_member_init */
  readonly memberInits: number;
}

export type DropCounts = Readonly<Partial<Record<DropCode, number>>>;

export interface VrrpNodeState {
  readonly node: CompiledNode;
  readonly instances: readonly InstanceRecord[];
  readonly scripts: readonly ScriptRecord[];
  readonly groups: readonly GroupRecord[];
  readonly linkUp: readonly boolean[];
  readonly dropCounts: DropCounts;
  /** After `shutdown` every instance is STOP and the engine does nothing more. */
  readonly stopped: boolean;
  readonly nextDeadlineAt: Instant | undefined;
}

// ---------------------------------------------------------------- draft

export interface Draft {
  readonly node: CompiledNode;
  readonly now: Instant;
  readonly instances: InstanceRecord[];
  readonly scripts: ScriptRecord[];
  readonly groups: GroupRecord[];
  readonly linkUp: boolean[];
  dropCounts: DropCounts;
  stopped: boolean;
  readonly outputs: VrrpOutput[];
}

export function openDraft(s: VrrpNodeState, now: Instant): Draft {
  return {
    node: s.node,
    now,
    instances: s.instances.slice(),
    scripts: s.scripts.slice(),
    groups: s.groups.slice(),
    linkUp: s.linkUp.slice(),
    dropCounts: s.dropCounts,
    stopped: s.stopped,
    outputs: [],
  };
}

export function closeDraft(d: Draft): VrrpNodeState {
  return {
    node: d.node,
    instances: d.instances,
    scripts: d.scripts,
    groups: d.groups,
    linkUp: d.linkUp,
    dropCounts: d.dropCounts,
    stopped: d.stopped,
    nextDeadlineAt: earliestDeadline(d.instances, d.scripts),
  };
}

export function earliestDeadline(instances: readonly InstanceRecord[], scripts: readonly ScriptRecord[]): Instant | undefined {
  let min: number | undefined;
  for (const r of instances) {
    if (r.timerAt !== undefined && (min === undefined || r.timerAt < min)) min = r.timerAt;
    const g = r.garpBursts[0];
    if (g !== undefined && (min === undefined || g.at < min)) min = g.at;
  }
  for (const s of scripts) if (s.nextRunAt !== undefined && (min === undefined || s.nextRunAt < min)) min = s.nextRunAt;
  return min as Instant | undefined;
}

export const inst = (d: Draft, i: number): InstanceRecord => d.instances[i] as InstanceRecord;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A field-by-field copy: every record gets the same hidden class, so the
 * engine's hot paths stay monomorphic (object spread of records was the
 * single largest cost per packet).
 */
function cloneInstance(r: InstanceRecord): Mutable<InstanceRecord> {
  return {
    state: r.state,
    wantState: r.wantState,
    basePriority: r.basePriority,
    totalPriority: r.totalPriority,
    effectivePriority: r.effectivePriority,
    msDownTimerUs: r.msDownTimerUs,
    timerAt: r.timerAt,
    preemptAt: r.preemptAt,
    lastHeardAddress: r.lastHeardAddress,
    lastHeardPriority: r.lastHeardPriority,
    lastHeardAt: r.lastHeardAt,
    lastHeardDiscarded: r.lastHeardDiscarded,
    backupSince: r.backupSince,
    dropsSinceHeard: r.dropsSinceHeard,
    faultCount: r.faultCount,
    scriptsInInit: r.scriptsInInit,
    vipSet: r.vipSet,
    ipId: r.ipId,
    garpBursts: r.garpBursts,
  };
}

/** Replaces instance `i`'s record by a copy with `patch` applied (the old record is never written). */
export function setInstance(d: Draft, i: number, patch: Partial<InstanceRecord>): InstanceRecord {
  const next = Object.assign(cloneInstance(inst(d, i)), patch);
  d.instances[i] = next;
  return next;
}

export const group = (d: Draft, g: number): GroupRecord => d.groups[g] as GroupRecord;

export function setGroup(d: Draft, g: number, patch: Partial<GroupRecord>): void {
  d.groups[g] = { ...group(d, g), ...patch };
}

/** RFC 3768 §6.1 Master_Down_Interval at the instance's current effective priority. */
export function downIntervalUs(d: Draft, i: number, priority = inst(d, i).effectivePriority): DurationUs {
  const c = d.node.instances[i];
  return c ? masterDownIntervalUs(priority, c.adverIntUs, c.config.downTimerAdverts) : 0;
}

/**
 * keepalived's vrrp_init_instance_sands: MASTER → now + Advertisement_Interval,
 * BACKUP → now + ms_down_timer, any other state → no timer.
 */
export function armTimer(d: Draft, i: number): void {
  const r = inst(d, i);
  const c = d.node.instances[i];
  let at: Instant | undefined;
  if (r.state === 'MASTER' && c) at = later(d.now, c.adverIntUs);
  else if (r.state === 'BACKUP') at = later(d.now, r.msDownTimerUs);
  if (at !== r.timerAt) setInstance(d, i, { timerAt: at });
}

export function countDrop(d: Draft, code: DropCode): void {
  d.dropCounts = { ...d.dropCounts, [code]: (d.dropCounts[code] ?? 0) + 1 };
}

// ---------------------------------------------------------------- views

export interface InstanceView {
  readonly name: string;
  readonly vrid: number;
  readonly state: VrrpStateName;
  /** Effective priority (what adverts carry). */
  readonly priority: number;
  readonly basePriority: number;
  readonly wantState: WantState;
  /** Master_Down_Timer deadline (BACKUP). */
  readonly masterDownAt: Instant | undefined;
  /** Adver_Timer deadline (MASTER). */
  readonly adverAt: Instant | undefined;
  readonly vipsInstalled: boolean;
  readonly faultCount: number;
  readonly lastHeard: { readonly address: string; readonly priority: number; readonly at: Instant } | undefined;
}
