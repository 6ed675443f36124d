import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readClusterConf, MAX_CLUSTER_NODES } from './index.js';

const seed1 = readFileSync('scenarios/cluster/seed001-cluster.conf', 'utf8');
const seed2 = readFileSync('scenarios/cluster/seed002-cluster.conf', 'utf8');
const codes = (text: string) => readClusterConf(text, 'cluster.conf').diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);

function conf(body: string, cman = '<cman/>'): string {
  return `<?xml version="1.0"?>\n<cluster name="c" config_version="2">\n  ${cman}\n${body}\n</cluster>\n`;
}
const node = (i: number, fence = `<fence><method name="1"><device name="ipmi${i}"/></method><method name="2"><device name="pdu" port="${i}"/></method></fence>`) =>
  `    <clusternode name="n${i}" nodeid="${i}">${fence}</clusternode>`;
const devices = (n: number) =>
  `  <fencedevices>${Array.from({ length: n }, (_, i) => `<fencedevice name="ipmi${i + 1}" agent="fence_ipmilan" ipaddr="10.9.1.${i + 1}"/>`).join('')}<fencedevice name="pdu" agent="fence_apc_snmp" ipaddr="10.9.2.1"/></fencedevices>`;
const three = (nodes = [1, 2, 3].map((i) => node(i)).join('\n')) => conf(`  <clusternodes>\n${nodes}\n  </clusternodes>\n${devices(3)}`);

describe('cluster.conf reader', () => {
  it('reads seed 001 into the model, without errors', () => {
    const r = readClusterConf(seed1, 'seed001.conf');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = r.model!;
    expect(m).toMatchObject({ name: 'mytestcluster', configVersion: 5 });
    expect(m.nodes.map((n) => [n.name, n.nodeid, n.votes, n.methods.length])).toEqual([['node01-p', 1, 1, 2], ['node02-p', 2, 1, 2], ['node03-p', 3, 1, 2]]);
    expect(m.fenceDaemon).toMatchObject({ postFailDelayS: 0, postJoinDelayS: 20, cleanStart: false });
    expect(m.rm?.services.map((s) => [s.id, s.domain, s.autostart, s.maxRestarts, s.restartExpireTimeS])).toEqual([
      ['vm:testbox1', 'prefer_node01', true, 2, 600], ['vm:mytestVM', 'prefer_node02', false, 2, 600]]);
    expect(m.rm?.domains[0]).toMatchObject({ name: 'prefer_node01', ordered: true, restricted: false, nodes: [{ name: 'node01-p', priority: 1 }, { name: 'node02-p', priority: 2 }, { name: 'node03-p', priority: 3 }] });
  });

  it('reads seed 002: two_node with expected_votes 1, the device delay, nested resources', () => {
    const r = readClusterConf(seed2, 'seed002.conf');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model?.cman).toMatchObject({ twoNode: true, expectedVotes: 1 });
    expect(r.model?.nodes[0]?.methods[0]?.devices[0]).toMatchObject({ name: 'ipmi_an01', delayS: 15, action: 'reboot' });
    expect(r.diagnostics.map((d) => d.code)).not.toContain('rhcs-fence-race');
  });

  it('malformed XML is one located error', () => {
    const r = readClusterConf('<cluster name="x" config_version="1">\n  <cman>\n</cluster>\n', 'bad.conf');
    expect(r.model).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', file: 'bad.conf' });
    expect(r.diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it('unknown elements and attributes are located', () => {
    const text = three().replace('<cman/>', '<cman/>\n  <quorum_device/>').replace('nodeid="2"', 'nodeid="2" vote="1"');
    expect(codes(text)).toEqual(expect.arrayContaining(['rhcs-unknown-element@4:3', 'rhcs-unknown-attribute@7:39']));
  });

  it('a node with no fence method; no fence devices at all', () => {
    expect(codes(three([node(1), node(2), '    <clusternode name="n3" nodeid="3"><fence/></clusternode>'].join('\n')))).toContain('rhcs-no-fence-method@7:5');
    expect(codes(conf('  <clusternodes><clusternode name="a" nodeid="1"/><clusternode name="b" nodeid="2"/><clusternode name="c" nodeid="3"/></clusternodes>'))).toContain('rhcs-no-fence-devices@2:1');
  });

  it('two_node needs expected_votes 1 and exactly two nodes; without a delay it warns of the race', () => {
    const two = (cman: string) => conf(`  <clusternodes>\n${node(1)}\n${node(2)}\n  </clusternodes>\n${devices(2)}`, cman);
    expect(codes(two('<cman two_node="1"/>'))).toContain('rhcs-two-node-expected-votes@3:3');
    expect(codes(two('<cman two_node="1" expected_votes="1"/>'))).toEqual(['rhcs-fence-race@3:3']);
    expect(codes(three().replace('<cman/>', '<cman two_node="1" expected_votes="1"/>'))).toContain('rhcs-two-node-node-count@3:3');
  });

  it('expected_votes so low that both halves of a split are quorate', () => {
    expect(codes(three().replace('<cman/>', '<cman expected_votes="1"/>'))).toContain('rhcs-expected-votes-too-low@3:3');
    // 3 votes with expected 2: quorum 2, and two disjoint halves cannot both hold 2 of 3.
    expect(codes(three().replace('<cman/>', '<cman expected_votes="2"/>'))).not.toContain('rhcs-expected-votes-too-low@3:3');
  });

  it('duplicate nodeids and fence levels, unknown devices', () => {
    const dup = three([node(1), node(2), '    <clusternode name="n3" nodeid="2"><fence><method name="1"><device name="ipmi3"/></method><method name="1"><device name="nope"/></method></fence></clusternode>'].join('\n'));
    expect(codes(dup)).toEqual(expect.arrayContaining(['rhcs-duplicate-nodeid@7:5', 'rhcs-duplicate-fence-level@7:94', 'rhcs-unknown-fencedevice@7:111']));
  });

  it('cyclic fencing: each node fenced only through a device hosted on the other', () => {
    const cyc = conf(`  <clusternodes>
    <clusternode name="h1" nodeid="1"><fence><method name="1"><device name="virsh_on_h2" port="h1"/></method></fence></clusternode>
    <clusternode name="h2" nodeid="2"><fence><method name="1"><device name="virsh_on_h1" port="h2"/></method></fence></clusternode>
    <clusternode name="h3" nodeid="3"><fence><method name="1"><device name="virsh_on_h1" port="h3"/></method></fence></clusternode>
  </clusternodes>
  <fencedevices><fencedevice name="virsh_on_h1" agent="fence_virsh" ipaddr="h1"/><fencedevice name="virsh_on_h2" agent="fence_virsh" ipaddr="h2"/></fencedevices>`);
    const d = readClusterConf(cyc, 'c.conf').diagnostics.filter((x) => x.code === 'rhcs-fence-cycle');
    expect(d).toHaveLength(1);
    expect(d[0]?.message).toContain('h1 → h2 → h1');
  });

  it('fencing only through the node\'s own BMC; devices on the cluster network', () => {
    const bmcOnly = three([1, 2, 3].map((i) => node(i, `<fence><method name="1"><device name="ipmi${i}"/></method></fence>`)).join('\n'));
    expect(codes(bmcOnly).filter((c) => c.startsWith('rhcs-fence-dies-with-node'))).toHaveLength(3);
    const ring = bmcOnly.replace('name="n1"', 'name="10.9.1.101"');
    expect(codes(ring)).toContain('rhcs-fence-on-cluster-network@5:71');
  });

  it('VM without a domain, unknown domain, restart window too short, exclusive that may stay stopped', () => {
    const rm = `<rm><failoverdomains><failoverdomain name="d" ordered="1"><failoverdomainnode name="n1" priority="1"/><failoverdomainnode name="n2"/></failoverdomain></failoverdomains>
  <vm name="a"/><vm name="b" domain="nope"/><vm name="c" domain="d" max_restarts="3" restart_expire_time="60"/><service name="x" exclusive="1"/></rm>`;
    const text = three().replace('</cluster>', `${rm}\n</cluster>`);
    expect(codes(text)).toEqual(expect.arrayContaining([
      'rhcs-vm-without-domain@11:3', 'rhcs-unknown-domain@11:30', 'rhcs-restart-window-too-short@11:86',
      'rhcs-ordered-domain-no-priority@10:103', 'rhcs-exclusive-may-stay-stopped@11:130',
    ]));
  });

  it('config_version must go up against the previous file', () => {
    const r = readClusterConf(seed1, 'new.conf', { previous: { text: seed1, file: 'old.conf' } });
    expect(r.diagnostics.filter((d) => d.code === 'rhcs-config-version-not-raised')).toMatchObject([{ line: 3, column: 1, severity: 'error' }]);
    const raised = seed1.replace('config_version="5"', 'config_version="6"');
    expect(readClusterConf(raised, 'new.conf', { previous: { text: seed1, file: 'old.conf' } }).diagnostics.map((d) => d.code)).not.toContain('rhcs-config-version-not-raised');
  });

  it('10,000 nodes: one located refusal, fast', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `<clusternode name="n${i}" nodeid="${i + 1}"/>`).join('\n');
    const started = performance.now();
    const r = readClusterConf(conf(`<clusternodes>\n${many}\n</clusternodes>`), 'big.conf');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'rhcs-too-many-nodes', line: 4, column: 1 }]);
    expect(r.diagnostics[0]?.message).toContain(String(MAX_CLUSTER_NODES));
  });

  it('bad numbers and booleans are located errors, not exceptions', () => {
    const text = three().replace('nodeid="1"', 'nodeid="one"').replace('<cman/>', '<cman two_node="maybe"/>');
    const got = codes(text);
    expect(got).toEqual(expect.arrayContaining(['rhcs-bad-boolean@3:9', 'rhcs-bad-number@5:28']));
    expect(got.filter((c) => c.startsWith('rhcs-missing-nodeid'))).toEqual([]);
  });
});
