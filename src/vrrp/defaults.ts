/**
 * Builders that fill in keepalived 2.2.7's defaults (research §2.3, §2.11,
 * §4.5, §4.6), for tests and for programs that build a node without a
 * keepalived.conf. They validate nothing: `vrrpEngine.init` does.
 */
import type { InterfaceConfig, SyncGroupConfig, VrrpInstanceConfig, VrrpNodeConfig, VrrpScriptConfig } from './types.js';

type Required<T, K extends keyof T> = Partial<T> & Pick<T, K>;

/** An instance with keepalived's defaults: priority 100 (255 → state MASTER), advert_int 1 s, preempt, 5 GARPs now and 5 s later. */
export function vrrpInstance(p: Required<VrrpInstanceConfig, 'name' | 'interface' | 'vrid'>): VrrpInstanceConfig {
  const priority = p.priority ?? 100;
  return {
    priority,
    initialState: priority === 255 ? 'MASTER' : 'BACKUP',
    advertIntUs: 1_000_000,
    version: 2,
    nopreempt: false,
    preemptDelayUs: 0,
    auth: { type: 'none' },
    virtualAddresses: [],
    trackScripts: [],
    trackInterfaces: [],
    unicastPeers: [],
    downTimerAdverts: 3,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    dontTrackPrimary: false,
    garpMasterRepeat: 5,
    garpMasterDelayUs: 5_000_000,
    garpLowerPrioRepeat: 5,
    ...p,
  };
}

/** A vrrp_script with keepalived's defaults: interval 1 s, timeout = interval, weight 0, rise 1, fall 1. */
export function vrrpScript(p: Required<VrrpScriptConfig, 'name'>): VrrpScriptConfig {
  return { intervalUs: 1_000_000, timeoutUs: 0, weight: 0, reverse: false, rise: 1, fall: 1, ...p };
}

export function vrrpNode(p: {
  readonly node: string;
  readonly interfaces: readonly InterfaceConfig[];
  readonly instances: readonly VrrpInstanceConfig[];
  readonly scripts?: readonly VrrpScriptConfig[];
  readonly syncGroups?: readonly SyncGroupConfig[];
}): VrrpNodeConfig {
  return { scripts: [], syncGroups: [], ...p };
}
