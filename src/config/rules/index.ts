/**
 * The checks keepalived makes after reading the whole configuration
 * (vrrp_complete_init, vrrp_complete_instance, check_vrid_conflicts,
 * sync-group and script checks), one file per family. Each fills in the
 * model's `effective` values and reports on the most relevant line (keepalived
 * itself prints these without a line number).
 */
import type { BuildContext } from '../build-context.js';
import type { Draft, KeepalivedConfig } from '../model.js';

export function runChecks(_model: Draft<KeepalivedConfig>, _ctx: BuildContext): void {}
