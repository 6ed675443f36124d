/**
 * Hand-built VRRP node configs for the simulator's tests: what a keepalived.conf
 * with one vrrp_instance would compile to, keepalived's defaults filled in.
 */
import type { TrackedScript, VrrpInstanceConfig, VrrpNodeConfig, VrrpScriptConfig } from '../vrrp/types.js';

export interface NodeOptions {
  readonly vip?: string;
  readonly vrid?: number;
  /** vrrp_script names (interval 1 s, weight 0, rise 1, fall 1) — or full script configs. */
  readonly scripts?: readonly (string | VrrpScriptConfig)[];
  readonly trackScripts?: readonly TrackedScript[];
  readonly instance?: Partial<VrrpInstanceConfig>;
}

/** A one-node VRRP config built by hand: one interface eth0 (/24), one instance VI_1 with keepalived's defaults. */
export function nodeConfig(node: string, address: string, priority: number, options: NodeOptions = {}): VrrpNodeConfig {
  return {
    node,
    interfaces: [{ name: 'eth0', address, prefixLength: 24 }],
    scripts: (options.scripts ?? []).map((s) => (typeof s === 'string' ? { name: s, intervalUs: 1_000_000, timeoutUs: 0, weight: 0, reverse: false, rise: 1, fall: 1 } : s)),
    syncGroups: [],
    instances: [
      {
        name: 'VI_1',
        interface: 'eth0',
        vrid: options.vrid ?? 51,
        priority,
        initialState: 'BACKUP',
        advertIntUs: 1_000_000,
        version: 2,
        nopreempt: false,
        preemptDelayUs: 0,
        auth: { type: 'none' },
        virtualAddresses: [{ address: options.vip ?? '192.0.2.100', prefixLength: 24 }],
        trackScripts: options.trackScripts ?? [],
        trackInterfaces: [],
        unicastPeers: [],
        downTimerAdverts: 3,
        lowerPrioNoAdvert: false,
        higherPrioSendAdvert: false,
        dontTrackPrimary: false,
        garpMasterRepeat: 5,
        garpMasterDelayUs: 5_000_000,
        garpLowerPrioRepeat: 5,
        ...options.instance,
      },
    ],
  };
}
