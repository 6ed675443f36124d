/**
 * vrrp_script checks made after all instances are complete: scripts nothing
 * tracks are removed, and scripts run as root without enable_script_security
 * make keepalived -t report a SECURITY VIOLATION.
 */
import { report, type BuildContext } from '../build-context.js';
import type { Draft, KeepalivedConfig } from '../model.js';

export function checkScripts(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  const used = new Set<string>();
  for (const i of model.vrrpInstances) for (const t of i.effective?.trackScripts ?? []) used.add(t.name);
  for (const g of model.syncGroups) for (const t of g.trackScripts) used.add(t.name);
  const reported = new Set<string>();
  for (const s of model.vrrpScripts) {
    const removedEarlier = s.effective?.removed ?? false;
    s.effective = {
      intervalS: s.intervalS?.value ?? 1,
      timeoutS: s.timeoutS?.value ?? s.intervalS?.value ?? 1,
      weight: s.weight?.value ?? 0,
      reverse: s.reverse?.value ?? false,
      rise: s.rise?.value ?? 1,
      fall: s.fall?.value ?? 1,
      removed: removedEarlier || !used.has(s.name),
    };
    if (!removedEarlier && !used.has(s.name) && !reported.has(s.name)) {
      reported.add(s.name);
      report(ctx, 'script-unused', 'warning', s.loc, `vrrp_script ${s.name} is not used by any vrrp_instance or sync group: keepalived removes it`);
    }
  }
  checkScriptSecurity(model, ctx);
  listScriptFiles(model, ctx);
}

/**
 * Whether a script exists, is executable and is safe (keepalived's
 * script_security checks) depends on the target host's files, which this
 * layer does not read: list each command so the caller can check it there.
 */
function listScriptFiles(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  const why = 'script files live on the target host; the configuration layer does not read them';
  const note = (loc: import('../model.js').Loc, command: string): void =>
    ctx.reporter.notChecked('script-file', loc, `script '${command.split(/\s+/)[0] ?? command}' exists, is executable and is secure`, why);
  for (const s of model.vrrpScripts) if (s.script && !s.effective?.removed) note(s.script.loc, s.script.value);
  for (const owner of [...model.vrrpInstances, ...model.syncGroups]) {
    for (const n of Object.values(owner.notify)) if (n && n.command !== '') note(n.loc, n.command);
  }
  for (const c of model.virtualServers.flatMap((v) => v.realServers).flatMap((r) => r.checkers)) {
    if (c.miscPath) note(c.miscPath.loc, c.miscPath.value);
  }
}

function checkScriptSecurity(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  if (model.globalDefs.enableScriptSecurity?.value) return;
  const first = model.vrrpScripts.find((s) => s.script && !s.effective?.removed)?.script
    ?? firstNotify(model)
    ?? model.virtualServers.flatMap((v) => v.realServers).flatMap((r) => r.checkers).find((c) => c.miscPath)?.miscPath;
  if (!first) return;
  report(ctx, 'script-security-disabled', 'warning', first.loc,
    'scripts are configured but enable_script_security is not set: keepalived runs them as root and -t reports a SECURITY VIOLATION',
    'add enable_script_security (and script_user) to global_defs');
}

function firstNotify(model: Draft<KeepalivedConfig>): { loc: import('../model.js').Loc } | undefined {
  for (const i of model.vrrpInstances) {
    const n = i.notify;
    const s = n.master ?? n.backup ?? n.fault ?? n.stop ?? n.generic ?? n.deleted ?? n.masterRxLowerPri;
    if (s && s.command !== '') return s;
  }
  for (const g of model.syncGroups) {
    const n = g.notify;
    const s = n.master ?? n.backup ?? n.fault ?? n.stop ?? n.generic;
    if (s) return s;
  }
  return undefined;
}
