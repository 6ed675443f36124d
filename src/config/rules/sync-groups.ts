/**
 * vrrp_sync_group checks (vrrp_sync.c vrrp_sync_set_group): members must exist
 * and belong to one group only; a group without members is removed; a group of
 * one is accepted with a warning.
 */
import { report, type BuildContext } from '../build-context.js';
import { PRIORITY_OWNER } from '../../core/rfc3768.js';
import type { Draft, KeepalivedConfig, VrrpInstance } from '../model.js';

export interface Membership {
  readonly name: string;
  readonly trackingWeight: boolean;
}

/** Instance name → the sync group keepalived puts it in. */
export function checkSyncGroups(model: Draft<KeepalivedConfig>, ctx: BuildContext): Map<string, Membership> {
  const member = new Map<string, Membership>();
  for (const g of model.syncGroups) {
    if (g.members.length === 0) {
      report(ctx, 'sync-group-no-members', 'error', g.loc, `sync group ${g.name} has no virtual routers: keepalived removes it`);
      continue;
    }
    const kept: string[] = [];
    for (const m of g.members) {
      const inst = model.vrrpInstances.find((i) => i.name === m.value);
      if (!inst) {
        report(ctx, 'sync-group-member-missing', 'error', m.loc, `virtual router ${m.value} in sync group ${g.name} does not exist: keepalived ignores it`);
        continue;
      }
      const other = member.get(m.value);
      if (other) {
        report(ctx, 'sync-group-member-duplicate', 'error', m.loc, `virtual router ${m.value} is already in sync group ${other.name}: keepalived ignores it in ${g.name}`);
        continue;
      }
      member.set(m.value, { name: g.name, trackingWeight: g.syncGroupTrackingWeight?.value ?? false });
      kept.push(m.value);
    }
    if (kept.length === 0) {
      report(ctx, 'sync-group-no-members', 'error', g.loc, `sync group ${g.name} has no existing virtual router: keepalived removes it`);
    } else if (kept.length === 1) {
      report(ctx, 'sync-group-single-member', 'warning', g.loc, `sync group ${g.name} has only 1 virtual router: this probably is not what you want`);
    }
  }
  return member;
}

/** What keepalived's vrrp_sync_set_group makes of a group when it loads the file. */
export interface SyncGroupStart {
  /** The state every member starts in (vrrp_scheduler: a member takes its group's state). */
  readonly state: 'MASTER' | 'BACKUP';
  /** The member at which keepalived says some members are address owners and some not. */
  readonly mixedOwnerAt?: VrrpInstance;
}

/** `state` as written: an unknown word is BACKUP ("defaulting to BACKUP"); undefined when not written. */
function writtenState(i: VrrpInstance): 'MASTER' | 'BACKUP' | undefined {
  return i.state?.value ?? (i.statements.some((st) => st.keyword === 'state') ? 'BACKUP' : undefined);
}

/**
 * The one reading of a sync group's start state. keepalived sets it before it
 * completes the instances, so from what is written: the group starts MASTER
 * only when every member (kept, in order) says `state MASTER` and
 * `priority 255` — `state MASTER` without a priority becomes an owner only
 * later, and its group starts BACKUP (recording 35). keepalived's warning
 * fires at a member written BACKUP once every member before it was such an owner.
 */
export function syncGroupStart(members: readonly VrrpInstance[]): SyncGroupStart {
  let state: 'MASTER' | 'BACKUP' | undefined;
  let mixedOwnerAt: VrrpInstance | undefined;
  for (const m of members) {
    const wants = writtenState(m);
    if (state === 'MASTER' && wants === 'BACKUP') mixedOwnerAt ??= m;
    if (state !== 'BACKUP') state = wants === 'MASTER' && m.priority?.value === PRIORITY_OWNER ? 'MASTER' : 'BACKUP';
  }
  return { state: state ?? 'BACKUP', ...(mixedOwnerAt ? { mixedOwnerAt } : {}) };
}

/** After the instances are completed: keepalived's warning on a group of owners and non-owners. */
export function checkSyncGroupOwners(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  for (const g of model.syncGroups) {
    const members = g.members.map((m) => model.vrrpInstances.find((i) => i.name === m.value && i.effective?.syncGroup === g.name)).filter((i, k, all) => i !== undefined && all.indexOf(i) === k) as VrrpInstance[];
    if (syncGroupStart(members).mixedOwnerAt) {
      report(ctx, 'sync-group-mixed-owner', 'error', g.loc, `sync group ${g.name} has some members as address owner and some not: this won't work`);
    }
  }
}
