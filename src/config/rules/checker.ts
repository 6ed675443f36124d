/**
 * keepalived's own post-parse checks on virtual servers (check_data.c
 * validate_check_config): servers without real servers are dropped, and
 * missing protocol, scheduler and forwarding method get defaults.
 */
import { report, type BuildContext } from '../build-context.js';
import type { Draft, KeepalivedConfig, VirtualServer } from '../model.js';

function describe(vs: VirtualServer): string {
  const t = vs.target;
  if (t.kind === 'fwmark') return `fwmark ${t.fwmark}`;
  if (t.kind === 'group') return `group ${t.group}`;
  return `${t.address}${t.port !== undefined ? ` port ${t.port}` : ''}`;
}

export function checkVirtualServers(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  for (const vs of model.virtualServers) {
    const name = describe(vs);
    if (vs.realServers.length === 0) {
      report(ctx, 'virtual-server-no-real-servers', 'error', vs.loc, `virtual server ${name} has no real servers: keepalived ignores it`);
      continue;
    }
    const group = vs.target.kind === 'group' ? model.virtualServerGroups.find((g) => vs.target.kind === 'group' && g.name === vs.target.group) : undefined;
    const byAddress = vs.target.kind === 'address' || (group?.entries.some((e) => e.kind === 'address') ?? false);
    const byFwmark = vs.target.kind === 'fwmark' || (group !== undefined && group.entries.every((e) => e.kind === 'fwmark') && group.entries.length > 0);
    if (vs.haSuspend && (vs.target.kind === 'fwmark' || group?.entries.some((e) => e.kind === 'fwmark'))) {
      report(ctx, 'ha-suspend-fwmark', 'error', vs.haSuspend.loc, `virtual server ${name}: ha_suspend cannot be used with fwmarks; keepalived clears it`);
    }
    if (byAddress && !vs.protocol) {
      report(ctx, 'virtual-server-no-protocol', 'error', vs.loc, `virtual server ${name} has no protocol: keepalived defaults to UDP`,
        'add "protocol TCP" for TCP services');
    }
    if (byAddress && vs.target.kind === 'address' && vs.target.port === undefined && !vs.persistenceTimeoutS) {
      report(ctx, 'virtual-server-zero-port', 'error', vs.loc, `virtual server ${name}: port 0 is only valid for persistent services; keepalived makes it persistent`);
    }
    if (byFwmark && vs.protocol) {
      report(ctx, 'protocol-with-fwmark', 'warning', vs.protocol.loc, `virtual server ${name}: protocol is ignored for fwmark services`);
    }
    if (!vs.lbAlgo) {
      report(ctx, 'virtual-server-no-scheduler', 'warning', vs.loc, `virtual server ${name} has no lb_algo: keepalived uses wlc`);
    }
    const seen: string[] = [];
    let methodDefaulted = false;
    for (const rs of vs.realServers) {
      const key = `${rs.address}:${rs.port ?? ''}`;
      if (seen.includes(key)) {
        report(ctx, 'real-server-duplicate', 'error', rs.loc, `virtual server ${name}: real server ${rs.address} ${rs.port ?? ''} is duplicated; keepalived removes the second one`);
        continue;
      }
      seen.push(key);
      if (!rs.lvsMethod && !vs.lbKind && !methodDefaulted) {
        methodDefaulted = true;
        report(ctx, 'virtual-server-no-lb-kind', 'warning', vs.loc, `virtual server ${name} has no lb_kind: keepalived uses NAT`);
      }
    }
  }
}
