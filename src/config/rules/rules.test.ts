/**
 * The checks keepalived makes after reading the whole file (it prints them
 * without a line; we point at the keyword concerned).
 */
import { describe, expect, it } from 'vitest';
import { codesAt, errors, instance, parse } from '../config.test-utils.js';

const vip = ' virtual_ipaddress {\n  192.0.2.1\n }';

describe('owner, preemption and state', () => {
  it('clears nopreempt on an owner (priority 255)', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 1\n priority 255\n nopreempt\n${vip}`));
    expect(codesAt(r, 5)).toEqual(['nopreempt-owner']);
    expect(r.model.vrrpInstances[0]?.effective?.preempt).toBe(true);
  });

  it('clears nopreempt and preempt_delay with state MASTER', () => {
    const r = parse(instance(` state MASTER\n priority 150\n interface eth0\n virtual_router_id 1\n nopreempt\n preempt_delay 5\n${vip}`));
    expect(codesAt(r, 6)).toEqual(['nopreempt-master']);
    expect(codesAt(r, 7)).toEqual(['preempt-delay-master']);
    expect(r.model.vrrpInstances[0]?.effective).toMatchObject({ preempt: true, preemptDelayUs: 0 });
  });

  it('resets preempt_delay with nopreempt', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 1\n nopreempt\n preempt_delay 5\n${vip}`));
    expect(codesAt(r, 5)).toEqual(['preempt-delay-nopreempt']);
  });

  it('keeps state BACKUP with nopreempt silent', () => {
    const r = parse(instance(` state BACKUP\n interface eth0\n virtual_router_id 1\n priority 100\n nopreempt\n${vip}`));
    expect(r.diagnostics).toEqual([]);
    expect(r.model.vrrpInstances[0]?.effective).toMatchObject({ state: 'BACKUP', priority: 100, preempt: false });
  });
});

describe('minimal configuration', () => {
  it('requires a VRID', () => {
    const r = parse(instance(` interface eth0\n${vip}`));
    expect(codesAt(r, 1)).toEqual(['vrid-missing']);
  });

  it('requires an interface unless unicast peers are given', () => {
    expect(codesAt(parse(instance(` virtual_router_id 1\n${vip}`)), 1)).toEqual(['instance-no-interface']);
    const unicast = parse(instance(` virtual_router_id 1\n unicast_src_ip 192.0.2.5\n unicast_peer {\n  192.0.2.6\n }\n${vip}`));
    expect(errors(unicast)).toEqual([]);
  });

  it('warns on no VIP in VRRPv2 and refuses it in VRRPv3', () => {
    const v2 = parse(instance(' interface eth0\n virtual_router_id 1'));
    expect(v2.diagnostics.find((d) => d.code === 'no-vip')?.severity).toBe('warning');
    const v3 = parse(instance(' interface eth0\n virtual_router_id 1\n version 3'));
    expect(v3.diagnostics.find((d) => d.code === 'no-vip')?.severity).toBe('error');
  });
});

describe('advertisement interval', () => {
  it('rounds VRRPv2 intervals to whole seconds (minimum 1)', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 1\n advert_int 0.5\n${vip}`));
    expect(codesAt(r, 4)).toEqual(['advert-int-rounded']);
    expect(r.model.vrrpInstances[0]?.effective?.advertIntUs).toBe(1_000_000);
  });

  it('rounds VRRPv3 intervals to 10 ms', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 1\n version 3\n advert_int 0.055\n${vip}`));
    expect(codesAt(r, 5)).toEqual(['advert-int-rounded']);
    expect(r.model.vrrpInstances[0]?.effective?.advertIntUs).toBe(60_000);
  });

  it('takes the version from global_defs wherever global_defs is', () => {
    const r = parse(`${instance(` interface eth0\n virtual_router_id 1\n advert_int 0.5\n${vip}`)}global_defs {\n vrrp_version 3\n}\n`);
    expect(r.model.vrrpInstances[0]?.effective).toMatchObject({ version: 3, advertIntUs: 500_000 });
  });
});

describe('VRID conflicts', () => {
  it('refuses two multicast instances with one VRID on one interface', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 51\n${vip}`, 'VI_1') + instance(` interface eth0\n virtual_router_id 51\n${vip}`, 'VI_2'));
    expect(r.diagnostics.filter((d) => d.code === 'vrid-duplicate').map((d) => d.line)).toEqual([10]);
  });

  it('allows the same VRID on different interfaces or multicast groups', () => {
    const r = parse(instance(` interface eth0\n virtual_router_id 51\n${vip}`, 'VI_1') + instance(` interface eth1\n virtual_router_id 51\n${vip}`, 'VI_2'));
    expect(r.diagnostics.filter((d) => d.code === 'vrid-duplicate')).toEqual([]);
  });
});

describe('sync groups', () => {
  const two = instance(` interface eth0\n virtual_router_id 1\n${vip}`, 'VI_1') + instance(` interface eth0\n virtual_router_id 2\n${vip}`, 'VI_2');

  it('reports missing members, members of two groups and one-member groups', () => {
    const r = parse(`${two}vrrp_sync_group G1 {\n group {\n  VI_1\n  VI_X\n }\n}\nvrrp_sync_group G2 {\n group {\n  VI_1\n }\n}\n`);
    expect(codesAt(r, 18)).toEqual(['sync-group-member-missing']);
    expect(codesAt(r, 23)).toEqual(['sync-group-member-duplicate']);
    expect(r.diagnostics.filter((d) => d.code === 'sync-group-single-member').map((d) => d.line)).toEqual([15]);
    expect(r.diagnostics.filter((d) => d.code === 'sync-group-no-members').map((d) => d.line)).toEqual([21]);
  });

  it('drops weighted track_script entries of members', () => {
    const r = parse(`vrrp_script chk {\n script "/bin/true"\n weight 10\n}\n${instance(` interface eth0\n virtual_router_id 1\n track_script {\n  chk\n }\n${vip}`, 'VI_1')}vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n`);
    expect(codesAt(r, 9)).toEqual(['track-script-weight-ignored']);
    expect(r.model.vrrpInstances[0]?.effective?.trackScripts).toEqual([]);
  });
});

describe('scripts', () => {
  it('says scripts run as root without enable_script_security', () => {
    const r = parse(`vrrp_script chk {\n script "/bin/true"\n}\n${instance(` interface eth0\n virtual_router_id 1\n track_script {\n  chk\n }\n${vip}`)}`);
    expect(r.diagnostics.find((d) => d.code === 'script-security-disabled')).toMatchObject({ severity: 'warning', line: 2 });
  });

  it('fills in script defaults', () => {
    const r = parse(`vrrp_script chk {\n script "/bin/true"\n interval 3\n}\n${instance(` interface eth0\n virtual_router_id 1\n track_script {\n  chk\n }\n${vip}`)}`);
    expect(r.model.vrrpScripts[0]?.effective).toEqual({ intervalS: 3, timeoutS: 3, weight: 0, reverse: false, rise: 1, fall: 1, removed: false });
  });
});

describe('virtual servers', () => {
  it('fills in protocol, scheduler and forwarding defaults like keepalived', () => {
    const r = parse('virtual_server 192.0.2.1 80 {\n real_server 192.0.2.2 80 {\n  TCP_CHECK {\n  }\n }\n}\n');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['virtual-server-no-lb-kind', 'virtual-server-no-protocol', 'virtual-server-no-scheduler']);
  });

  it('ignores a virtual server without real servers', () => {
    expect(codesAt(parse('virtual_server 192.0.2.1 80 {\n protocol TCP\n}\n'), 1)).toEqual(['virtual-server-no-real-servers']);
  });

  it('skips a virtual server whose address keepalived cannot read', () => {
    const r = parse('virtual_server fakevip 80 {\n bogus 1\n}\n');
    expect(codesAt(r, 1)).toEqual(['virtual-server-invalid']);
    expect(r.model.virtualServers).toEqual([]);
  });
});

describe('sync group of owners and non-owners (vrrp_sync_set_group, in member order)', () => {
  const inst = (name: string, vrid: number, lines: string): string => `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n${lines}\n${vip}\n}\n`;
  const group = (members: string): string => `vrrp_sync_group G {\n group {\n  ${members}\n }\n}\n`;
  const mixed = (text: string): boolean => parse(text).diagnostics.some((d) => d.code === 'sync-group-mixed-owner');

  it('says so at a member written BACKUP after owners written MASTER, as keepalived does', () => {
    const owner = inst('A', 1, ' state MASTER\n priority 255');
    const backup = inst('B', 2, ' state BACKUP\n priority 100');
    expect(mixed(group('A B') + owner + backup)).toBe(true);
    // the other order, or a non-owner that says MASTER, leaves the group BACKUP without a word
    expect(mixed(group('B A') + owner + backup)).toBe(false);
    expect(mixed(group('A B') + owner + inst('B', 2, ' state MASTER\n priority 150'))).toBe(false);
  });
});
