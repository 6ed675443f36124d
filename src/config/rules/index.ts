/**
 * The checks keepalived makes after reading the whole configuration
 * (vrrp_complete_init: chk_min_cfg, sync groups, vrrp_complete_instance,
 * check_vrid_conflicts, unused scripts), one file per family. They fill in the
 * model's `effective` values and report on the most relevant line (keepalived
 * itself prints these without a line number).
 */
import type { BuildContext } from '../build-context.js';
import type { Draft, KeepalivedConfig, VrrpInstance } from '../model.js';
import { checkVirtualServers } from './checker.js';
import { checkScripts } from './scripts.js';
import { checkSyncGroupOwners, checkSyncGroups } from './sync-groups.js';
import { checkVridConflicts } from './vrid-conflicts.js';
import { checkInstance } from './vrrp-instances.js';

export function runChecks(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  const membership = checkSyncGroups(model, ctx);
  for (const inst of model.vrrpInstances) checkInstance(inst as Draft<VrrpInstance>, model, ctx, membership.get(inst.name));
  checkSyncGroupOwners(model, ctx);
  checkVridConflicts(model, ctx);
  checkScripts(model, ctx);
  checkVirtualServers(model, ctx);
}
