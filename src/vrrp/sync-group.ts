/**
 * Sync groups (keepalived vrrp_sync.c; research §2.13): instances that must
 * share one fate on a node — typically the outside and inside gateway of a
 * router.
 *
 * Theory of operation
 * - Going MASTER is gated: an instance whose Master_Down_Timer expires becomes
 *   master only if the group already is MASTER, or every *other* member already
 *   wants MASTER. Otherwise it stays BACKUP, records wantState = MASTER and
 *   re-arms a full Master_Down_Interval ("prefer backup to avoid thrashing").
 * - Once one member becomes MASTER, the rest are forced to MASTER; a member
 *   that drops to BACKUP forces the rest to BACKUP; a member entering FAULT
 *   forces the rest to FAULT (a forced master sends one priority-0 advert; the
 *   member that faulted itself sends two). The group leaves FAULT only when no
 *   member has a fault.
 * - keepalived's transition matrix (vrrp_scheduler.c VRRP_TSM) runs the
 *   propagation after a timer or a packet changed a member's state:
 *   BACKUP→MASTER, MASTER→MASTER and FAULT→MASTER sync to MASTER,
 *   MASTER→BACKUP syncs to BACKUP. Fault propagation runs from the fault path.
 *
 * Rules
 * - This module never imports the transitions; they are passed in
 *   (`SyncActions`), so the dependency runs one way.
 * - A member in INIT (keepalived: FAULT, not notified) counts as FAULT here.
 */
import { armTimer, downIntervalUs, group, inst, setGroup, setInstance, type Draft } from './state.js';
import type { TransitionCause, VrrpStateName } from './types.js';

export interface Because {
  readonly cause: TransitionCause;
  readonly reason: string;
}

/** The instance transitions the propagation drives (see transitions.ts). */
export interface SyncActions {
  gotoMaster(d: Draft, i: number, because: Because): void;
  leaveMaster(d: Draft, i: number, sendPriorityZero: boolean, because: Because): void;
  leaveFault(d: Draft, i: number, because: Because): void;
}

const isFaultLike = (s: VrrpStateName): boolean => s === 'FAULT' || s === 'INIT';

function syncBecause(d: Draft, i: number, to: string): Because {
  const c = d.node.instances[i];
  const g = c ? d.node.groups[c.group] : undefined;
  const groupName = g?.name ?? '?';
  const member = c?.name ?? '?';
  return { cause: { code: 'sync-group', group: groupName, member }, reason: `sync group ${groupName}: ${member} went ${to}` };
}

/**
 * vrrp_sync_can_goto_master. When the answer is no, the asking instance's
 * Master_Down_Timer is re-armed to a full interval, as keepalived does.
 */
export function canGoToMaster(d: Draft, i: number): boolean {
  const c = d.node.instances[i];
  if (!c || c.group < 0) return true;
  if (group(d, c.group).state === 'MASTER') return true;
  const members = d.node.groups[c.group]?.members ?? [];
  for (const m of members) {
    if (m !== i && inst(d, m).wantState !== 'MASTER') {
      setInstance(d, i, { msDownTimerUs: downIntervalUs(d, i) });
      armTimer(d, i);
      return false;
    }
  }
  return true;
}

/**
 * After canGoToMaster said no: a `sync-group-wait` output naming the members
 * that do not want MASTER yet, so a reader sees why nobody is master (the
 * group waits for each member's own Master_Down_Timer; keepalived logs nothing).
 */
export function reportSyncWait(d: Draft, i: number, reason: string): void {
  const c = d.node.instances[i];
  const g = c && c.group >= 0 ? d.node.groups[c.group] : undefined;
  if (!c || !g) return;
  const waitingFor = g.members.filter((m) => m !== i && inst(d, m).wantState !== 'MASTER').map((m) => d.node.instances[m]?.name ?? '?');
  d.outputs.push({ kind: 'sync-group-wait', instance: c.name, group: g.name, waitingFor, reason });
}

/** vrrp_sync_master: every other member follows `i` to MASTER. */
export function syncMaster(d: Draft, i: number, act: SyncActions): void {
  const c = d.node.instances[i];
  if (!c || c.group < 0 || group(d, c.group).state === 'MASTER') return;
  if (!canGoToMaster(d, i)) return;
  const because = syncBecause(d, i, 'MASTER');
  for (const m of d.node.groups[c.group]?.members ?? []) {
    if (m === i || inst(d, m).state === 'MASTER') continue;
    setInstance(d, m, { wantState: 'MASTER' });
    act.gotoMaster(d, m, because);
  }
  setGroup(d, c.group, { state: 'MASTER' });
}

/** vrrp_sync_backup: every other member follows `i` to BACKUP. */
export function syncBackup(d: Draft, i: number, act: SyncActions): void {
  const c = d.node.instances[i];
  if (!c || c.group < 0 || group(d, c.group).state === 'BACKUP') return;
  const because = syncBecause(d, i, 'BACKUP');
  for (const m of d.node.groups[c.group]?.members ?? []) {
    const s = inst(d, m).state;
    if (m === i || s === 'BACKUP') continue;
    setInstance(d, m, { wantState: 'BACKUP' });
    if (isFaultLike(s)) act.leaveFault(d, m, because);
    else act.leaveMaster(d, m, false, because);
  }
  setGroup(d, c.group, { state: 'BACKUP' });
}

/** vrrp_sync_fault: every other member follows `i` to FAULT. */
export function syncFault(d: Draft, i: number, act: SyncActions): void {
  const c = d.node.instances[i];
  if (!c || c.group < 0 || group(d, c.group).state === 'FAULT') return;
  const because = syncBecause(d, i, 'FAULT');
  for (const m of d.node.groups[c.group]?.members ?? []) {
    const s = inst(d, m).state;
    if (m === i || isFaultLike(s)) continue;
    setInstance(d, m, { wantState: 'FAULT' });
    if (s === 'MASTER') act.leaveMaster(d, m, false, because);
    else act.leaveFault(d, m, because);
  }
  setGroup(d, c.group, { state: 'FAULT' });
}

/** keepalived's VRRP_TSM_HANDLE after a timer or packet moved instance `i` from `prev`. */
export function afterTransition(d: Draft, i: number, prev: VrrpStateName, act: SyncActions): void {
  const c = d.node.instances[i];
  if (!c || c.group < 0) return;
  const now = inst(d, i).state;
  if (now === 'MASTER' && (prev === 'BACKUP' || prev === 'MASTER' || isFaultLike(prev))) syncMaster(d, i, act);
  else if (now === 'BACKUP' && prev === 'MASTER') syncBackup(d, i, act);
}
