import { describe, expect, it } from 'vitest';
import type { KeepalivedConfig, VrrpInstance } from '../config/model.js';
import type { VrrpInstanceConfig } from '../vrrp/types.js';
import { assignAddresses } from './addresses.js';
import { effectiveAdvertIntUs } from '../core/rfc3768.js';
import { addressNeeds, toVrrpNodeConfig } from './from-keepalived.js';
import { instance, model, ref, script, stateStatement, syncGroup, v, vip } from './from-keepalived.test-utils.js';

function mapped(m: KeepalivedConfig) {
  const interfaces = assignAddresses([addressNeeds(m, 'lb1')]).get('lb1') ?? [];
  return toVrrpNodeConfig(m, 'lb1', interfaces);
}
const first = (m: KeepalivedConfig): VrrpInstanceConfig => mapped(m).value.instances[0] as VrrpInstanceConfig;

describe('keepalived model → engine config', () => {
  it('fills keepalived\'s defaults', () => {
    const i = first(model({ vrrpInstances: [instance({ name: 'VI_1' })] }));
    expect(i).toMatchObject({
      name: 'VI_1', interface: 'eth0', vrid: 51, priority: 100, initialState: 'BACKUP', advertIntUs: 1_000_000, version: 2,
      nopreempt: false, preemptDelayUs: 0, auth: { type: 'none' }, unicastPeers: [], downTimerAdverts: 3,
      lowerPrioNoAdvert: false, higherPrioSendAdvert: false, garpMasterRepeat: 5, garpMasterDelayUs: 5_000_000, garpLowerPrioRepeat: 5,
    });
    expect(i.virtualAddresses).toEqual([{ address: '192.0.2.100', prefixLength: 24 }]);
  });

  it('gives state MASTER without a priority the owner priority 255', () => {
    expect(first(model({ vrrpInstances: [instance({ name: 'VI_1', state: v('MASTER') })] }))).toMatchObject({ priority: 255, initialState: 'MASTER' });
    expect(first(model({ vrrpInstances: [instance({ name: 'VI_1', priority: v(255) })] }))).toMatchObject({ priority: 255, initialState: 'MASTER' });
    expect(first(model({ vrrpInstances: [instance({ name: 'VI_1', state: v('MASTER'), priority: v(100) })] }))).toMatchObject({ priority: 100, initialState: 'MASTER' });
  });

  it('treats a state word keepalived does not know as BACKUP', () => {
    expect(first(model({ vrrpInstances: [instance({ name: 'VI_1' }, [stateStatement('EQUAL')])] }))).toMatchObject({ priority: 100, initialState: 'BACKUP' });
  });

  it('clears nopreempt and preempt_delay where keepalived does', () => {
    const withState = (state: 'MASTER' | 'BACKUP', priority: number) =>
      first(model({ vrrpInstances: [instance({ name: 'VI_1', state: v(state), priority: v(priority), nopreempt: v(true), preemptDelayUs: v(5_000_000) })] }));
    expect(withState('MASTER', 100)).toMatchObject({ nopreempt: false, preemptDelayUs: 0 });
    expect(withState('BACKUP', 255)).toMatchObject({ nopreempt: false, preemptDelayUs: 5_000_000 });
    expect(withState('BACKUP', 100)).toMatchObject({ nopreempt: true, preemptDelayUs: 0 });
    const delayOnly = first(model({ vrrpInstances: [instance({ name: 'VI_1', preemptDelayUs: v(5_000_000) })] }));
    expect(delayOnly.preemptDelayUs).toBe(5_000_000);
    const strict = first(model({ vrrpInstances: [instance({ name: 'VI_1', preemptDelayUs: v(5_000_000), strictMode: v(true) })] }));
    expect(strict).toMatchObject({ preemptDelayUs: 0, lowerPrioNoAdvert: true, garpLowerPrioRepeat: 0 });
  });

  it('rounds advert_int like keepalived: v2 to whole seconds, v3 to 10 ms', () => {
    expect(effectiveAdvertIntUs(undefined, 2)).toBe(1_000_000);
    expect(effectiveAdvertIntUs(500_000, 2)).toBe(1_000_000);
    expect(effectiveAdvertIntUs(1_400_000, 2)).toBe(1_000_000);
    expect(effectiveAdvertIntUs(1_500_000, 2)).toBe(2_000_000);
    expect(effectiveAdvertIntUs(300_000_000, 2)).toBe(255_000_000);
    expect(effectiveAdvertIntUs(55_000, 3)).toBe(60_000);
    expect(effectiveAdvertIntUs(3_000, 3)).toBe(10_000);
  });

  it('keeps 8 bytes of a PASS key and drops auth where keepalived ignores it', () => {
    const auth = (p: object) => first(model({ vrrpInstances: [instance({ name: 'VI_1', authentication: { loc: v(0).loc, ...p } })] })).auth;
    expect(auth({ type: v('PASS'), pass: v('password1') })).toEqual({ type: 'pass', password: 'password' });
    expect(auth({ type: v('PASS') })).toEqual({ type: 'none' });
  });

  it('refuses a VRRPv3 instance at the `version` line, or at global_defs\' vrrp_version', () => {
    const own = mapped(model({ vrrpInstances: [instance({ name: 'VI_1', version: v(3) })] }));
    expect(own.value.instances).toEqual([]);
    expect(own.diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ code: 'simulate-vrrp-v3-unsupported', line: v(3).loc.line }]);
    const global = mapped(model({ globalDefs: { notificationEmail: [], statements: [], vrrpVersion: v(3) }, vrrpInstances: [instance({ name: 'VI_1' })] }));
    expect(global.diagnostics.map((d) => d.code)).toContain('simulate-vrrp-v3-unsupported');
    expect(global.value.instances).toEqual([]);
  });

  it('refuses AH with a reason, and forces a non-owner MASTER to BACKUP as keepalived does', () => {
    const m = mapped(model({ vrrpInstances: [instance({ name: 'VI_1', state: v('MASTER'), priority: v(100), authentication: { loc: v(0).loc, type: v('AH'), pass: v('k') } })] }));
    expect(m.diagnostics.find((d) => d.severity === 'error')?.code).toBe('simulate-ah-unsupported');
    expect(m.value.instances[0]?.initialState).toBe('BACKUP');
  });

  it('falls back to multicast when unicast has no peers', () => {
    const i = first(model({ vrrpInstances: [instance({ name: 'VI_1', unicastConfigured: true, unicastSrcIp: v('192.0.2.11') })] }));
    expect(i.unicastPeers).toEqual([]);
    expect(i.sourceAddress).toBe('192.0.2.11');
  });

  it('drops weighted trackers for an owner, keeps weight-0 ones', () => {
    const m = model({
      vrrpScripts: [script('chk', { weight: v(-20) }), script('must')],
      vrrpInstances: [instance({ name: 'VI_1', priority: v(255), trackScripts: [ref('chk'), ref('must')], trackInterfaces: [ref('eth1', 10), ref('eth2')] })],
    });
    const i = first(m);
    expect(i.trackScripts).toEqual([{ script: 'must', weight: 0, reverse: false }]);
    expect(i.trackInterfaces).toEqual([{ interface: 'eth2', weight: 0, reverse: false }]);
    expect(mapped(m).value.scripts.map((s) => s.name)).toEqual(['must']);
  });

  it('in a sync group drops weighted track_script but keeps the weight of track_interface (keepalived 2.2.7)', () => {
    const m = model({
      vrrpScripts: [script('chk', { weight: v(-20) })],
      vrrpInstances: [
        instance({ name: 'VI_1', trackScripts: [ref('chk')], trackInterfaces: [ref('eth1', -50)] }),
        instance({ name: 'VI_2', virtualRouterId: v(52), virtualIpaddresses: [vip('192.0.2.101/24')] }),
      ],
      syncGroups: [syncGroup('G1', ['VI_1', 'VI_2', 'VI_MISSING'])],
    });
    const cfg = mapped(m).value;
    expect(cfg.instances[0]?.trackScripts).toEqual([]);
    expect(cfg.instances[0]?.trackInterfaces).toEqual([{ interface: 'eth1', weight: -50, reverse: false }]);
    expect(cfg.syncGroups).toEqual([{ name: 'G1', members: ['VI_1', 'VI_2'], initialState: 'BACKUP' }]);
  });

  it('gives a sync group\'s own trackers to every member with their weights (recording 34); the group starts BACKUP unless every member is an owner written state MASTER, and each member keeps the state it wants (recording 35)', () => {
    const m = model({
      vrrpScripts: [script('grp', { weight: v(10) })],
      vrrpInstances: [
        instance({ name: 'VI_1', state: v('MASTER'), priority: v(150) }),
        instance({ name: 'VI_2', virtualRouterId: v(52), state: v('MASTER'), priority: v(150), virtualIpaddresses: [vip('192.0.2.101/24')] }),
      ],
      syncGroups: [syncGroup('G1', ['VI_1', 'VI_2'], { trackScripts: [ref('grp')] })],
    });
    const cfg = mapped(m).value;
    expect(cfg.instances.map((i) => i.initialState)).toEqual(['MASTER', 'MASTER']);
    expect(cfg.syncGroups.map((g) => g.initialState)).toEqual(['BACKUP']);
    expect(cfg.instances.map((i) => i.trackScripts)).toEqual([[{ script: 'grp', weight: 10, reverse: false }], [{ script: 'grp', weight: 10, reverse: false }]]);
    // an address owner among the members clears the group's weights for every member
    const owned = model({ ...m, vrrpInstances: [m.vrrpInstances[0] as VrrpInstance, { ...(m.vrrpInstances[1] as VrrpInstance), priority: v(255) }] });
    expect(mapped(owned).value.instances.map((i) => i.trackScripts)).toEqual([[{ script: 'grp', weight: 0, reverse: false }], [{ script: 'grp', weight: 0, reverse: false }]]);
    const bothOwners = model({ ...m, vrrpInstances: m.vrrpInstances.map((i) => ({ ...i, priority: v(255) })) });
    expect(mapped(bothOwners).value.syncGroups.map((g) => g.initialState)).toEqual(['MASTER']);
    // state MASTER without a priority: an owner (255) only after keepalived has set the group's state from what is written
    const implicit = model({ ...m, vrrpInstances: m.vrrpInstances.map(({ priority: _p, ...i }) => i as VrrpInstance) });
    expect(mapped(implicit).value.instances.map((i) => i.priority)).toEqual([255, 255]);
    expect(mapped(implicit).value.syncGroups.map((g) => g.initialState)).toEqual(['BACKUP']);
    const unweighted = model({ ...m, syncGroups: [syncGroup('G1', ['VI_1', 'VI_2'], { trackScripts: [ref('grp', 0)] })] });
    expect(mapped(unweighted).value.instances.map((i) => i.trackScripts)).toEqual([[{ script: 'grp', weight: 0, reverse: false }], [{ script: 'grp', weight: 0, reverse: false }]]);
  });

  it('ignores a track_interface on the instance\'s own interface, and a missing track_script', () => {
    const i = first(model({ vrrpInstances: [instance({ name: 'VI_1', trackInterfaces: [ref('eth0'), ref('eth1')], trackScripts: [ref('nope', 5)] })] }));
    expect(i.trackInterfaces.map((t) => t.interface)).toEqual(['eth1']);
    expect(i.trackScripts).toEqual([]);
  });

  it('maps script settings with keepalived\'s defaults and per-instance weight overrides', () => {
    const m = model({
      vrrpScripts: [script('chk', { intervalS: v(2), fall: v(3), rise: v(2) })],
      vrrpInstances: [instance({ name: 'VI_1', trackScripts: [ref('chk', -60)] })],
    });
    const cfg = mapped(m).value;
    expect(cfg.scripts).toEqual([{ name: 'chk', intervalUs: 2_000_000, timeoutUs: 0, weight: 0, reverse: false, rise: 2, fall: 3 }]);
    expect(cfg.instances[0]?.trackScripts).toEqual([{ script: 'chk', weight: -60, reverse: false }]);
  });

  it('names every interface the config uses and addresses them on their segments', () => {
    const m = model({
      vrrpInstances: [instance({ name: 'VI_1', interface: v('eth1'), trackInterfaces: [ref('eth0')], virtualIpaddresses: [vip('192.0.2.1/24', 'eth1')] })],
    });
    const cfg = mapped(m).value;
    expect(cfg.interfaces).toEqual([
      { name: 'eth1', address: '192.0.2.2', prefixLength: 24 },
      { name: 'eth0', address: '198.51.100.1', prefixLength: 24 },
    ]);
    expect(cfg.instances[0]?.virtualAddresses).toEqual([{ address: '192.0.2.1', prefixLength: 24 }]);
  });

  it('refuses an instance without a virtual_router_id', () => {
    const { virtualRouterId: _drop, ...noVrid } = instance({ name: 'VI_1' });
    const m = mapped(model({ vrrpInstances: [noVrid as never] }));
    expect(m.value.instances).toEqual([]);
    expect(m.diagnostics.map((d) => d.code)).toContain('simulate-vrid-unset');
  });
});
