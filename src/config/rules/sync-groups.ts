/**
 * vrrp_sync_group checks (vrrp_sync.c vrrp_sync_set_group): members must exist
 * and belong to one group only; a group without members is removed; a group of
 * one is accepted with a warning.
 */
import { report, type BuildContext } from '../build-context.js';
import type { Draft, KeepalivedConfig } from '../model.js';

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

/** After the instances are completed: owners and non-owners cannot start together as MASTER. */
export function checkSyncGroupOwners(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  for (const g of model.syncGroups) {
    const insts = model.vrrpInstances.filter((i) => i.effective?.syncGroup === g.name);
    const owners = insts.filter((i) => i.effective?.priority === 255 && i.effective.state === 'MASTER');
    if (owners.length > 0 && owners.length < insts.length) {
      report(ctx, 'sync-group-mixed-owner', 'error', g.loc, `sync group ${g.name} has some members as address owner and some not: this won't work`);
    }
  }
}
