/** NodeSpecs for tests that build a cluster from engine configs, without a scenario. */
import type { VrrpNodeConfig } from '../vrrp/types.js';
import type { NodeSpec } from './node-spec.js';

/** A node whose keepalived.conf is not read: the engine config is the whole story. */
export function nodeSpecFromVrrp(vrrp: VrrpNodeConfig, options: { readonly keepalived?: string; readonly scriptExitCodes?: Readonly<Record<string, number>> } = {}): NodeSpec {
  return {
    interfaces: vrrp.interfaces.map((i) => ({ name: i.name, address: i.address, prefixLength: i.prefixLength })),
    vrrp,
    initialScriptExitCodes: options.scriptExitCodes ?? {},
    keepalived: { file: 'test', text: options.keepalived ?? '', included: [] },
  };
}
