/**
 * The engine contract: config checked once at init, deadlines and their
 * order, spurious wake-ups, shutdown, and keepalived's master-side quirks.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { instant, type Instant } from '../core/time.js';
import { vrrpEngine } from './engine.js';
import { AUTH_NONE, encodeAdvertisement, parseIpv4, VRRP_MULTICAST_GROUP } from './packet.js';
import type { VrrpNodeState } from './state.js';
import { lb, seconds, vrrpInstance, vrrpScript } from './test-harness.test-utils.js';
import { masterDownIntervalUs } from '../core/rfc3768.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput } from './types.js';
import { instanceView, instanceViews, scriptViews } from './views.js';

const DOWN = (p: number): number => masterDownIntervalUs(p, 1_000_000);
const ip = (s: string): number => parseIpv4(s) as number;

function advert(priority: number, source = '192.0.2.13', over: Partial<Parameters<typeof encodeAdvertisement>[0]> = {}): VrrpInput {
  const bytes = encodeAdvertisement({
    source: ip(source),
    destination: VRRP_MULTICAST_GROUP,
    ipId: 1,
    vrid: 51,
    priority,
    adverIntS: 1,
    authType: AUTH_NONE,
    addresses: [ip('192.0.2.100')],
    ...over,
  });
  return { kind: 'packet', interface: 'eth0', bytes };
}

/** Feeds inputs at times; returns the final state and every output. */
function drive(config: VrrpNodeConfig, events: [number, VrrpInput | { kind: 'timeout' }][]): { state: VrrpNodeState; log: [number, VrrpOutput][] } {
  const first = vrrpEngine.init(config, instant(0));
  let state = first.state;
  const log: [number, VrrpOutput][] = first.outputs.map((o) => [0, o]);
  const fire = (until: number): void => {
    for (let next = vrrpEngine.nextDeadline(state); next !== undefined && next <= until; next = vrrpEngine.nextDeadline(state)) {
      const r = vrrpEngine.step(state, { kind: 'timeout' }, next);
      state = r.state;
      for (const o of r.outputs) log.push([next, o]);
    }
  };
  for (const [t, input] of events) {
    fire(t);
    const r = vrrpEngine.step(state, input, instant(t));
    state = r.state;
    for (const o of r.outputs) log.push([t, o]);
  }
  return { state, log };
}

describe('configuration is checked once, at init', () => {
  const base = lb('lb1', '192.0.2.11', {});
  const withInstance = (over: Partial<Parameters<typeof vrrpInstance>[0]>): VrrpNodeConfig => ({
    ...base,
    instances: [vrrpInstance({ name: 'VI_1', interface: 'eth0', vrid: 51, ...over })],
  });
  const code = (config: VrrpNodeConfig): string => {
    try {
      vrrpEngine.init(config, instant(0));
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).code;
    }
  };

  it.each([
    ['unknown-interface', withInstance({ interface: 'eth9' })],
    ['vrid-out-of-range', withInstance({ vrid: 256 })],
    ['priority-out-of-range', withInstance({ priority: 0 })],
    ['vrrp-version-unsupported', withInstance({ version: 3 })],
    ['advert-int-invalid', withInstance({ advertIntUs: 500_000 })],
    ['invalid-address', withInstance({ virtualAddresses: [{ address: '300.1.1.1', prefixLength: 24 }] })],
    ['unknown-script', withInstance({ trackScripts: [{ script: 'nope', weight: 0, reverse: false }] })],
    ['unknown-interface', withInstance({ trackInterfaces: [{ interface: 'eth9', weight: 0, reverse: false }] })],
    ['down-timer-adverts-out-of-range', withInstance({ downTimerAdverts: 0 })],
    ['duplicate-vrid', { ...base, instances: [...base.instances, vrrpInstance({ name: 'VI_2', interface: 'eth0', vrid: 51 })] }],
    ['duplicate-vrrp-instance', { ...base, instances: [...base.instances, ...base.instances] }],
    ['sync-group-unknown-member', { ...base, syncGroups: [{ name: 'G', members: ['VI_1', 'VI_X'], initialState: 'BACKUP' as const }] }],
    ['script-rise-invalid', { ...base, scripts: [vrrpScript({ name: 'chk', rise: 0 })] }],
  ])('%s', (expected, config) => {
    expect(code(config)).toBe(expected);
  });

  it('two unicast instances may share a VRID when their peers differ', () => {
    const a = vrrpInstance({ name: 'A', interface: 'eth0', vrid: 51, unicastPeers: ['192.0.2.21'] });
    const b = vrrpInstance({ name: 'B', interface: 'eth0', vrid: 51, unicastPeers: ['192.0.2.22'] });
    expect(code({ ...base, instances: [a, b] })).toBe('ok');
    expect(code({ ...base, instances: [a, { ...b, unicastPeers: ['192.0.2.21'] }] })).toBe('duplicate-vrid');
  });

  it('says whether keepalived refuses a shared VRID (vridConflict) or only the engine cannot dispatch it', () => {
    const init = (config: VrrpNodeConfig) => () => vrrpEngine.init(config, instant(0));
    const m1 = vrrpInstance({ name: 'A', interface: 'eth0', vrid: 51 });
    const m2 = vrrpInstance({ name: 'B', interface: 'eth0', vrid: 51 });
    expect(init({ ...base, instances: [m1, m2] })).toThrow('keepalived refuses the configuration');
    // keepalived runs a multicast and a unicast instance with one VRID; this engine cannot tell their adverts apart
    expect(init({ ...base, instances: [m1, { ...m2, unicastPeers: ['192.0.2.21'] }] })).toThrow('the engine cannot tell their adverts apart');
  });

  it('refuses a config that still needs one of keepalived\'s load-time corrections, naming it (the resolver applies them)', () => {
    const refused = (config: VrrpNodeConfig): string => {
      try {
        vrrpEngine.init(config, instant(0));
        return 'ok';
      } catch (e) {
        expect((e as ConfigError).code).toBe('config-not-resolved');
        return (e as Error).message;
      }
    };
    const one = (over: Partial<Parameters<typeof vrrpInstance>[0]>, extra: Partial<VrrpNodeConfig> = {}): VrrpNodeConfig =>
      lb('lb1', '192.0.2.11', { priority: 150, ...over }, { scripts: [vrrpScript({ name: 'chk' })], ...extra } as Parameters<typeof lb>[3]);
    expect(refused(one({ initialState: 'MASTER', nopreempt: true }))).toBe('vrrp_instance VI_1: nopreempt or preempt_delay with state MASTER (keepalived corrects this when it loads the file; resolve the config first)');
    expect(refused(one({ priority: 255, nopreempt: true }))).toContain('nopreempt with priority 255');
    expect(refused(one({ nopreempt: true, preemptDelayUs: seconds(5) }))).toContain('preempt_delay with nopreempt');
    expect(refused(one({ priority: 255, trackScripts: [{ script: 'chk', weight: -50, reverse: false }] }))).toContain('weighted track_script chk on an address owner');
    const group = { instances: [vrrpInstance({ name: 'VI_2', interface: 'eth0', vrid: 52 })], syncGroups: [{ name: 'G1', members: ['VI_1', 'VI_2'], initialState: 'BACKUP' as const }] };
    const masterGroup = { ...group, syncGroups: [{ ...group.syncGroups[0]!, initialState: 'MASTER' as const }] };
    expect(refused(one({ priority: 255, initialState: 'MASTER' }, masterGroup))).toContain('sync group G1 starts MASTER but VI_2 is not an address owner in state MASTER');
    // a member that wants MASTER in a group that starts BACKUP is what keepalived runs (recording 35)
    expect(refused(one({ initialState: 'MASTER' }, group))).toBe('ok');
    // Resolved configs run as given: trackers in a group, weighted ones included (keepalived applies a group's weights), an owner's weight-0 tracker.
    expect(refused(one({ trackScripts: [{ script: 'chk', weight: -60, reverse: false }] }, group))).toBe('ok');
    expect(refused(one({ trackScripts: [{ script: 'chk', weight: 0, reverse: false }] }, group))).toBe('ok');
    expect(refused(one({ priority: 255, initialState: 'MASTER', trackScripts: [{ script: 'chk', weight: 0, reverse: false }] }))).toBe('ok');
  });
});

describe('deadlines', () => {
  it('nextDeadline is the earliest of instance timers, scripts and delayed GARP bursts', () => {
    const config = lb('lb1', '192.0.2.11', { priority: 150, trackScripts: [{ script: 'chk', weight: -10, reverse: false }] }, {
      scripts: [vrrpScript({ name: 'chk', intervalUs: seconds(10) })],
    });
    const { state } = vrrpEngine.init(config, instant(0));
    expect(vrrpEngine.nextDeadline(state)).toBe(DOWN(150));
    const { state: master } = drive(config, [[DOWN(150), { kind: 'timeout' }]]);
    expect(vrrpEngine.nextDeadline(master)).toBe(DOWN(150) + seconds(1));
  });

  it('a spurious timeout is a no-op returning the same state', () => {
    const { state } = vrrpEngine.init(lb('lb1', '192.0.2.11', {}), instant(0));
    const r = vrrpEngine.step(state, { kind: 'timeout' }, instant(5));
    expect(r.state).toBe(state);
    expect(r.outputs).toEqual([]);
  });

  it('deadlines due together run in order: instance timers first, in config order, then scripts', () => {
    const config: VrrpNodeConfig = {
      ...lb('lb1', '192.0.2.11', { priority: 100, trackScripts: [{ script: 'chk', weight: -1, reverse: false }] }, {
        scripts: [vrrpScript({ name: 'chk', intervalUs: DOWN(100) })],
      }),
    };
    const two: VrrpNodeConfig = { ...config, instances: [...config.instances, vrrpInstance({ name: 'VI_2', interface: 'eth0', vrid: 52 })] };
    const { state } = vrrpEngine.init(two, instant(0));
    const r = vrrpEngine.step(state, { kind: 'timeout' }, instant(DOWN(100)));
    const order = r.outputs
      .filter((o) => o.kind === 'transitioned' || o.kind === 'run-script')
      .map((o) => (o.kind === 'transitioned' ? o.instance : o.kind));
    expect(order).toEqual(['VI_1', 'VI_2', 'run-script']);
  });

  it('a late timeout acts at now and re-arms from now, as keepalived does when it wakes late', () => {
    const { state } = drive(lb('lb1', '192.0.2.11', { priority: 150 }), []);
    const late = DOWN(150) + seconds(3);
    const r = vrrpEngine.step(state, { kind: 'timeout' }, instant(late));
    expect(r.outputs.filter((o) => o.kind === 'send-advertisement')).toHaveLength(1);
    expect(vrrpEngine.nextDeadline(r.state)).toBe(late + seconds(1));
  });
});

describe('BACKUP', () => {
  const config = lb('lb2', '192.0.2.12', { priority: 100 });

  it('an accepted advert resets Master_Down_Timer; a priority-0 advert sets it to Skew_Time', () => {
    const { state } = drive(config, [[seconds(1), advert(150)]]);
    expect(instanceView(state, 'VI_1').masterDownAt).toBe(seconds(1) + DOWN(100));
    const { state: s0 } = drive(config, [[seconds(1), advert(150)], [seconds(2), advert(0)]]);
    expect(instanceView(s0, 'VI_1').masterDownAt).toBe(seconds(2) + 609_375);
  });

  it('an invalid or lower advert leaves the deadline where it was', () => {
    const { state } = drive(config, [[seconds(1), advert(150)], [seconds(2), advert(50)], [seconds(3), advert(150, '192.0.2.13', { adverIntS: 2 })]]);
    expect(instanceView(state, 'VI_1').masterDownAt).toBe(seconds(1) + DOWN(100));
  });

  it('a priority change shifts the deadline by the change in the down interval', () => {
    const tracked = lb('lb2', '192.0.2.12', { priority: 100, trackInterfaces: [{ interface: 'eth1', weight: -60, reverse: false }] }, {
      interfaces: [{ name: 'eth1', address: '198.51.100.12', prefixLength: 24 }],
    });
    const { state } = drive(tracked, [[seconds(1), advert(150)], [seconds(2), { kind: 'link', interface: 'eth1', up: false }]]);
    expect(instanceView(state, 'VI_1')).toMatchObject({ priority: 40, masterDownAt: seconds(1) + DOWN(40) });
  });

  it('a shift that lands in the past fires within the same step', () => {
    const tracked = lb('lb2', '192.0.2.12', { priority: 1, trackInterfaces: [{ interface: 'eth1', weight: 250, reverse: false }] }, {
      interfaces: [{ name: 'eth1', address: '198.51.100.12', prefixLength: 24, up: false }],
    });
    // down(1) = 3.996 s; at 3.5 s the priority jumps to 251: down(251) = 3.0195 s, so the deadline is 0.48 s ago
    const { state, log } = drive(tracked, [[seconds(3.5), { kind: 'link', interface: 'eth1', up: true }]]);
    expect(instanceView(state, 'VI_1').state).toBe('MASTER');
    expect(log.find(([, o]) => o.kind === 'transitioned' && o.to === 'MASTER')?.[0]).toBe(seconds(3.5));
  });
});

describe('MASTER quirks (research §2.5)', () => {
  const config = (over: Partial<Parameters<typeof vrrpInstance>[0]> = {}) => lb('lb1', '192.0.2.11', { priority: 150, ...over });
  const becomeMaster: [number, { kind: 'timeout' }] = [DOWN(150), { kind: 'timeout' }];

  it('every packet for the VRID, even an invalid one, re-phases the Adver_Timer', () => {
    const t = DOWN(150) + 500_000;
    const { state } = drive(config(), [becomeMaster, [t, advert(100, '192.0.2.13', { adverIntS: 7 })]]);
    expect(instanceView(state, 'VI_1').adverAt).toBe(t + seconds(1));
  });

  it('a priority-0 advert is answered with an advert at once', () => {
    const t = DOWN(150) + 500_000;
    const { log } = drive(config(), [becomeMaster, [t, advert(0)]]);
    expect(log.filter(([at, o]) => at === t && o.kind === 'send-advertisement')).toHaveLength(1);
  });

  it('lower_prio_no_advert: no answer to a lower advert and no re-phase', () => {
    const t = DOWN(150) + 500_000;
    const { state, log } = drive(config({ lowerPrioNoAdvert: true, garpLowerPrioRepeat: 0 }), [becomeMaster, [t, advert(100)]]);
    expect(log.filter(([at]) => at === t)).toEqual([]);
    expect(instanceView(state, 'VI_1').adverAt).toBe(DOWN(150) + seconds(1));
  });

  it('higher_prio_send_advert: one advert at our priority before yielding', () => {
    const t = DOWN(150) + 500_000;
    const { log, state } = drive(config({ higherPrioSendAdvert: true }), [becomeMaster, [t, advert(200)]]);
    const kinds = log.filter(([at]) => at === t).map(([, o]) => o.kind);
    expect(kinds).toEqual(['send-advertisement', 'remove-address', 'transitioned']);
    expect(instanceView(state, 'VI_1')).toMatchObject({ state: 'BACKUP', masterDownAt: t + DOWN(150) });
  });

  it('the delayed GARP burst is not sent once the VIPs are gone', () => {
    const higher = [1, 2, 3, 4, 5, 6].map((k): [number, VrrpInput] => [DOWN(150) + seconds(k) - 1, advert(200)]);
    const { log } = drive(config(), [becomeMaster, ...higher]);
    const garps = log.filter(([, o]) => o.kind === 'send-gratuitous-arp').map(([at]) => at);
    expect(garps).toEqual(Array(5).fill(DOWN(150)));
  });
});

describe('shutdown and views', () => {
  it('after shutdown every instance is STOP, no deadline remains and inputs do nothing', () => {
    const config = lb('lb1', '192.0.2.11', { priority: 150, trackScripts: [{ script: 'chk', weight: -1, reverse: false }] }, {
      scripts: [vrrpScript({ name: 'chk' })],
      instances: [vrrpInstance({ name: 'VI_2', interface: 'eth0', vrid: 52 })],
    });
    const { state, log } = drive(config, [[seconds(1), { kind: 'shutdown' }]]);
    expect(instanceViews(state).map((v) => v.state)).toEqual(['STOP', 'STOP']);
    expect(log.filter(([, o]) => o.kind === 'transitioned' && o.to === 'STOP')).toHaveLength(2);
    expect(vrrpEngine.nextDeadline(state)).toBeUndefined();
    expect(vrrpEngine.step(state, { kind: 'link', interface: 'eth0', up: false }, instant(seconds(2)) as Instant).outputs).toEqual([]);
    expect(scriptViews(state)[0]?.nextRunAt).toBeUndefined();
  });

  it('instanceView names an unknown instance with a ConfigError', () => {
    const { state } = vrrpEngine.init(lb('lb1', '192.0.2.11', {}), instant(0));
    expect(() => instanceView(state, 'VI_9')).toThrow(ConfigError);
    expect(instanceView(state, 'VI_1')).toMatchObject({ name: 'VI_1', vrid: 51, state: 'BACKUP', priority: 100, masterDownAt: DOWN(100) });
  });
});
