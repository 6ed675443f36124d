import { describe, expect, it } from 'vitest';
import { clusterFindings, virtualRouters } from './cluster.js';
import { at, clusterNode, instance } from './cluster.test-utils.js';
import type { InstanceView } from './cluster-view.js';

const pair = (a: Partial<InstanceView> & Record<string, unknown>, b: Partial<InstanceView> & Record<string, unknown>) => [
  clusterNode('lb1', [instance('lb1.conf', { priority: 150, ...a })]),
  clusterNode('lb2', [instance('lb2.conf', b)]),
];
const findings = (a: Partial<InstanceView> & Record<string, unknown>, b: Partial<InstanceView> & Record<string, unknown>) => clusterFindings(pair(a, b));
const codes = (a: Partial<InstanceView> & Record<string, unknown>, b: Partial<InstanceView> & Record<string, unknown>) => findings(a, b).map((d) => d.code);

describe('clusterFindings: peers of one virtual router', () => {
  it('accepts two nodes that agree and differ in priority', () => {
    expect(codes({}, {})).toEqual([]);
  });

  it('reports different VIP sets on the node that differs, naming the other file (P4)', () => {
    const [d] = findings({ vipList: ['192.0.2.100/24', '192.0.2.101/24'] }, { vipList: ['192.0.2.100/24'] });
    expect(d).toMatchObject({ code: 'cluster-vip-mismatch', severity: 'error', file: 'lb2.conf', line: 20 });
    expect(d!.message).toContain("lb2's virtual_ipaddress for VRID 51 on eth0 lacks 192.0.2.101 compared with lb1 (lb1.conf:20)");
    expect(d!.data).toEqual({ related: [{ file: 'lb1.conf', line: 20, column: 5 }] });
  });

  it('ignores VIP order and prefix length, as the advert check does', () => {
    expect(codes({ vipList: ['192.0.2.1/24', '192.0.2.2/24'] }, { vipList: ['192.0.2.2', '192.0.2.1/32'] })).toEqual([]);
  });

  it('calls disjoint VIP sets a VRID collision between clusters (P3) and checks nothing else between them', () => {
    const ds = findings({ vipList: ['192.0.2.100/24'], advertInt: 1 }, { vipList: ['198.51.100.7/24'], advertInt: 3, priority: 150 });
    expect(ds.map((d) => d.code)).toEqual(['cluster-vrid-collision']);
    expect(ds[0]).toMatchObject({ file: 'lb2.conf', line: 4 });
  });

  it('compares auth by type and the first 8 bytes of the password (P6)', () => {
    const auth = (file: string, password: string) => ({ type: 'PASS' as const, password, at: at(file, 7), passwordAt: at(file, 8) });
    expect(codes({ auth: auth('lb1.conf', 'password1') }, { auth: auth('lb2.conf', 'password2') })).toEqual(['cluster-auth-same-key']);
    expect(codes({ auth: auth('lb1.conf', 'secret1') }, { auth: auth('lb2.conf', 'secret2') })).toEqual(['cluster-auth-mismatch']);
    const [d] = findings({ auth: auth('lb1.conf', 'x') }, {});
    expect(d).toMatchObject({ code: 'cluster-auth-mismatch', file: 'lb2.conf', line: 4 });
    expect(d!.message).toContain('lb2 uses no authentication for VRID 51 on eth0 but lb1 uses auth_type PASS');
  });

  it('ignores auth under VRRPv3, as keepalived does', () => {
    const auth = { type: 'PASS' as const, password: 'x', at: at('lb1.conf', 7) };
    expect(codes({ auth, version: 3 }, { version: 3 })).toEqual([]);
  });

  it('flags advert_int differences: an error for v2 (P5), a warning for v3', () => {
    expect(findings({}, { advertInt: 2 })[0]).toMatchObject({ code: 'cluster-advert-int-mismatch', severity: 'error', line: 6 });
    expect(findings({ version: 3 }, { advertInt: 2, version: 3 })[0]).toMatchObject({ severity: 'warning' });
  });

  it('flags a version mismatch', () => {
    expect(codes({}, { version: 3 })).toEqual(['cluster-version-mismatch']);
  });

  it('warns on equal priorities and names the higher IP when known (P11)', () => {
    const [d] = findings({ priority: 100, src: '192.0.2.11', peers: ['192.0.2.12'] }, { src: '192.0.2.12', peers: ['192.0.2.11'] });
    expect(d).toMatchObject({ code: 'cluster-equal-priority', file: 'lb2.conf', line: 5 });
    expect(d!.message).toContain('the node with the higher primary IP address wins: lb2 (192.0.2.12)');
  });

  it('says only "higher primary IP" when addresses are unknown', () => {
    const [d] = findings({ priority: 100 }, {});
    expect(d!.message).toContain('the node with the higher primary IP address wins');
    expect(d!.message).not.toContain('(192');
  });

  it('reports two address owners as an error (P10)', () => {
    expect(codes({ priority: 255 }, { priority: 255 })).toEqual(['cluster-two-owners']);
  });

  it('warns when two nodes say state MASTER', () => {
    const st = (file: string) => ({ value: 'MASTER' as const, at: at(file, 2) });
    expect(codes({ state: st('lb1.conf') }, { state: st('lb2.conf') })).toEqual(['cluster-multiple-state-master']);
  });
});

describe('clusterFindings: unicast (P17)', () => {
  it('accepts symmetric peer lists', () => {
    expect(codes({ src: '192.0.2.11', peers: ['192.0.2.12'] }, { src: '192.0.2.12', peers: ['192.0.2.11'] })).toEqual([]);
  });

  it('reports a node that does not list the other node, on its unicast_peer line', () => {
    const ds = findings({ src: '192.0.2.11', peers: ['192.0.2.12'] }, { src: '192.0.2.12', peers: ['192.0.2.13'] });
    const missing = ds.find((d) => d.code === 'cluster-unicast-peer-missing');
    expect(missing).toMatchObject({ file: 'lb2.conf', line: 10 });
    expect(missing!.message).toContain("does not list lb1's unicast_src_ip 192.0.2.11 (lb1.conf:9)");
    expect(ds.find((d) => d.code === 'cluster-unicast-peer-unknown')).toMatchObject({ file: 'lb2.conf', line: 11, severity: 'info' });
  });

  it('reports a node left on multicast', () => {
    expect(codes({ src: '192.0.2.11', peers: ['192.0.2.12'] }, {})).toEqual(['cluster-unicast-mixed']);
  });

  it('warns when a node lists itself', () => {
    const ds = clusterFindings([clusterNode('lb1', [instance('lb1.conf', { src: '192.0.2.11', peers: ['192.0.2.12', '192.0.2.11'] })])]);
    expect(ds).toEqual([expect.objectContaining({ code: 'unicast-peer-self', line: 12 })]);
  });
});

describe('virtualRouters', () => {
  it('groups by interface name and VRID, and splits clusters with disjoint VIPs', () => {
    const routers = virtualRouters([
      clusterNode('a', [instance('a.conf'), instance('a.conf', { vrid: { value: 52, at: at('a.conf', 30) } })]),
      clusterNode('b', [instance('b.conf', { vipList: ['198.51.100.1'] })]),
    ]);
    expect(routers.map((r) => [r.vrid, r.members.map((m) => m.node.node)])).toEqual([
      [51, ['a']],
      [51, ['b']],
      [52, ['a']],
    ]);
  });
});
