/**
 * Duplicate VRIDs (vrrp.c check_vrid_conflicts): two multicast instances with
 * the same VRID, family, interface and multicast group cannot run together,
 * and keepalived refuses the configuration; unicast instances conflict only
 * when they share a local address and a peer.
 */
import { report, type BuildContext } from '../build-context.js';
import { vridConflict, type VridEndpoint } from '../../core/rfc3768.js';
import type { Draft, KeepalivedConfig, VrrpInstance } from '../model.js';

const DEFAULT_GROUP = { inet: '224.0.0.18', inet6: 'ff02::12' } as const;

function group(i: VrrpInstance, model: Draft<KeepalivedConfig>): string {
  const family = i.family ?? 'inet';
  if (i.mcastDstIp) return i.mcastDstIp.value;
  return family === 'inet' ? model.globalDefs.vrrpMcastGroup4?.value ?? DEFAULT_GROUP.inet : model.globalDefs.vrrpMcastGroup6?.value ?? DEFAULT_GROUP.inet6;
}

function endpoint(i: VrrpInstance, model: Draft<KeepalivedConfig>): VridEndpoint {
  return {
    family: i.family ?? 'inet',
    vrid: i.virtualRouterId?.value ?? 0,
    interface: i.interface?.value,
    unicast: i.effective?.unicast ?? false,
    group: group(i, model),
    source: i.unicastSrcIp?.value ?? i.mcastSrcIp?.value,
    peers: i.unicastPeers.map((p) => p.address),
  };
}

/** keepalived's rule is `vridConflict` (core/rfc3768.ts), which the engine's config check reads too. */
export function checkVridConflicts(model: Draft<KeepalivedConfig>, ctx: BuildContext): void {
  const list = model.vrrpInstances.filter((i) => i.virtualRouterId && i.effective);
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      const x = list[a] as VrrpInstance;
      const y = list[b] as VrrpInstance;
      if (!vridConflict(endpoint(x, model), endpoint(y, model))) continue;
      const vrid = x.virtualRouterId?.value;
      if (x.effective?.unicast) {
        report(ctx, 'vrid-duplicate', 'error', y.virtualRouterId?.loc, `(${x.name}) and ${y.name} both use VRID ${vrid} with the same source and a common unicast peer: keepalived refuses the configuration`);
        continue;
      }
      report(ctx, 'vrid-duplicate', 'error', y.virtualRouterId?.loc,
        `${x.name} and ${y.name} both use VRID ${vrid} with IPv${(x.family ?? 'inet') === 'inet' ? 4 : 6} on interface ${x.interface?.value}: keepalived refuses the configuration`,
        'every VRRP instance on one network needs its own virtual_router_id');
    }
  }
}
