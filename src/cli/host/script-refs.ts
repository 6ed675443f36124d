/**
 * Every program a config would run: vrrp_script `script`, MISC_CHECK
 * `misc_path`, notify scripts of instances, sync groups and real servers.
 */
import type { InstanceNotify, KeepalivedConfig, NotifyScript } from '../../config/index.js';
import type { ScriptRef } from './script-files.js';

function notifyRefs(owner: string, notify: InstanceNotify): ScriptRef[] {
  const entries: Array<[string, NotifyScript | undefined]> = [
    ['notify_master', notify.master],
    ['notify_backup', notify.backup],
    ['notify_fault', notify.fault],
    ['notify_stop', notify.stop],
    ['notify_deleted', notify.deleted],
    ['notify', notify.generic],
    ['notify_master_rx_lower_pri', notify.masterRxLowerPri],
  ];
  return entries.flatMap(([role, n]) => (n ? [fromNotify(`${owner} ${role}`, n)] : []));
}

function fromNotify(role: string, n: NotifyScript): ScriptRef {
  return { command: n.command, role, file: n.loc.file, line: n.loc.line, column: n.loc.column };
}

export function scriptRefs(config: KeepalivedConfig): ScriptRef[] {
  const out: ScriptRef[] = [];
  for (const s of config.vrrpScripts) {
    if (s.script) out.push({ command: s.script.value, role: `vrrp_script ${s.name}`, file: s.script.loc.file, line: s.script.loc.line, column: s.script.loc.column });
  }
  for (const i of config.vrrpInstances) out.push(...notifyRefs(`vrrp_instance ${i.name}`, i.notify));
  for (const g of config.syncGroups) out.push(...notifyRefs(`vrrp_sync_group ${g.name}`, g.notify));
  for (const vs of config.virtualServers) {
    for (const rs of vs.realServers) {
      const name = `real_server ${rs.address}${rs.port !== undefined ? ` ${rs.port}` : ''}`;
      if (rs.notifyUp) out.push(fromNotify(`${name} notify_up`, rs.notifyUp));
      if (rs.notifyDown) out.push(fromNotify(`${name} notify_down`, rs.notifyDown));
      for (const c of rs.checkers) {
        if (c.miscPath) out.push({ command: c.miscPath.value, role: `${name} MISC_CHECK misc_path`, file: c.miscPath.loc.file, line: c.miscPath.loc.line, column: c.miscPath.loc.column });
      }
    }
  }
  return out;
}
