/**
 * The VRRPv2 engine (RFC 3768 + keepalived 2.2.7 behaviour): public API.
 *
 *   const config = vrrpNode({ node: 'lb1', interfaces: [{ name: 'eth0', address: '192.0.2.11', prefixLength: 24 }],
 *     instances: [vrrpInstance({ name: 'VI_1', interface: 'eth0', vrid: 51, priority: 150,
 *       virtualAddresses: [{ address: '192.0.2.100', prefixLength: 24 }] })] });
 *   let { state, outputs } = vrrpEngine.init(config, now);          // throws ConfigError for unusable configs
 *   ({ state, outputs } = vrrpEngine.step(state, input, now));      // packet | script-result | link | shutdown | timeout
 *   vrrpEngine.nextDeadline(state);                                 // wake up then with { kind: 'timeout' }
 *   instanceView(state, 'VI_1');                                    // { state: 'MASTER', priority: 150, … }
 *   dropCounts(state);                                              // { 'auth-password-mismatch': 3, … }
 */
export * from './types.js';
export { vrrpEngine } from './engine.js';
export type { VrrpNodeState, InstanceView, DropCounts, WantState } from './state.js';
export { instanceView, instanceViews, scriptViews, dropCounts, isStopped, linkIsUp, type ScriptView } from './views.js';
export {
  encodeAdvertisement,
  decodeAdvertisement,
  parseIpv4,
  formatIpv4,
  passwordKey,
  internetChecksum,
  toHex,
  fromHex,
  VRRP_MULTICAST_GROUP,
  IPPROTO_VRRP,
  PRIORITY_OWNER,
  PRIORITY_STOP,
  AUTH_NONE,
  AUTH_PASS,
  type Advertisement,
  type AdvertisementFields,
  type Ipv4,
} from './packet.js';
export { checkAdvertisement, type ReceiveContext } from './receive.js';
export { describeDrop, isPeerMismatch } from './explain.js';
export {
  skewTimeUs,
  skewMinUs,
  masterDownIntervalUs,
  effectiveAdvertIntUs,
  effectivePriority,
  trackerContribution,
  DEFAULT_DOWN_TIMER_ADVERTS,
  PRIORITY_MIN,
  PRIORITY_DEFAULT,
  PRIORITY_MAX_BACKUP,
} from '../core/rfc3768.js';
export { scriptResult, initialScriptCounter, type ScriptStatus, type ScriptCounter } from './script-counter.js';
export { vrrpInstance, vrrpNode, vrrpScript } from './defaults.js';
