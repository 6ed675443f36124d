import { describe, expect, it } from 'vitest';
import { checkCib, looksLikeCib, readCib, validateCib, parseScore, parseDurationMs, MAX_NODES } from './index.js';

const CIB = `<?xml version="1.0"?>
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="5" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="o1" name="stonith-enabled" value="true"/>
        <nvpair id="o2" name="no-quorum-policy" value="freeze"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
    </nodes>
    <resources>
      <primitive id="fence-node1" class="stonith" type="fence_ipmilan">
        <instance_attributes id="f1"><nvpair id="f1h" name="pcmk_host_list" value="node1"/></instance_attributes>
      </primitive>
      <primitive id="vm1" class="ocf" provider="heartbeat" type="VirtualDomain">
        <meta_attributes id="vm1-m"><nvpair id="vm1-m1" name="migration-threshold" value="2"/></meta_attributes>
        <operations><op id="vm1-mon" name="monitor" interval="10s" on-fail="restart"/></operations>
      </primitive>
      <group id="g1"><primitive id="ip1" class="ocf" provider="heartbeat" type="IPaddr2"/></group>
    </resources>
    <constraints>
      <rsc_location id="l1" rsc="vm1" node="node2" score="-INFINITY"/>
      <rsc_location id="l2" rsc="vm1" node="node1" score="-inf"/>
      <rsc_colocation id="c1" rsc="ip1" with-rsc="ghost" score="INFINITY"/>
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="s1"><nvpair id="s1a" name="fail-count-vm1#monitor_10000" value="1"/></instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources><lrm_resource id="vm1" class="ocf" type="VirtualDomain">
        <lrm_rsc_op id="vm1_last_0" operation="start" interval="0" rc-code="0" op-status="0" call-id="5" transition-key="1:0:0:abc" last-rc-change="1767225600"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>
`;

describe('readCib', () => {
  it('reads options, nodes, resources, constraints and status with their positions', () => {
    const { cib, diagnostics } = readCib(CIB, 'cib.xml');
    expect(diagnostics).toEqual([]);
    expect(cib.haveQuorum).toBe(true);
    expect(cib.options['no-quorum-policy']).toMatchObject({ value: 'freeze', line: 7 });
    expect(cib.nodes.map((n) => [n.uname, n.line, n.column])).toEqual([['node1', 11, 7], ['node2', 12, 7]]);
    const vm1 = cib.resources[1];
    expect(vm1).toMatchObject({ kind: 'primitive', id: 'vm1', line: 18, meta: { 'migration-threshold': { value: '2' } } });
    expect(vm1?.kind === 'primitive' && vm1.ops[0]).toMatchObject({ name: 'monitor', intervalMs: 10_000, onFail: 'restart' });
    expect(cib.resources[2]).toMatchObject({ kind: 'group', members: [{ id: 'ip1' }] });
    expect(cib.locations.map((l) => l.score)).toEqual([-1_000_000, -1_000_000]);
    const ns = cib.status?.[0];
    expect(ns).toMatchObject({ uname: 'node1', inCcm: true, crmdOnline: true, expected: 'member' });
    expect(ns?.lrm['vm1']?.[0]).toMatchObject({ operation: 'start', rc: 0, callId: 5, targetRc: 0, lastRcChange: 1767225600 });
    expect(ns?.attributes['fail-count-vm1#monitor_10000']?.value).toBe('1');
  });

  it('checks what a reviewer would: unknown references, a resource nobody can run', () => {
    const { cib } = readCib(CIB, 'cib.xml');
    const codes = checkCib(cib).map((d) => `${d.code}@${d.line}`);
    expect(codes).toContain('unknown-resource@27');
    expect(codes).toContain('resource-cannot-run@18');
    expect(codes).toContain('node-not-fenceable@12');
    expect(codes).toContain('fence-race@15');
  });

  it('flags fencing without a device, and -INFINITY colocations that evict', () => {
    const noDevice = CIB.replace(/<primitive id="fence-node1"[\s\S]*?<\/primitive>/, '')
      .replace('<rsc_colocation id="c1" rsc="ip1" with-rsc="ghost" score="INFINITY"/>', '<rsc_colocation id="c1" rsc="ip1" with-rsc="vm1" score="-INFINITY"/>');
    const codes = checkCib(readCib(noDevice, 'cib.xml').cib).map((d) => `${d.severity}:${d.code}`);
    expect(codes).toContain('error:no-fence-device');
    expect(codes).toContain('warning:exclusive-evicts');
  });

  it('reports bad values located and keeps going', () => {
    const bad = CIB.replace('score="-INFINITY"', 'score="lots"').replace('interval="10s"', 'interval="often"').replace('<alerts/>', '').replace('<constraints>', '<constraints><rsc_ticket id="t" rsc="vm1" ticket="x"/><bogus/>');
    const ds = readCib(bad, 'cib.xml').diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
    expect(ds).toEqual(expect.arrayContaining(['bad-score@25:7', 'bad-interval@20:21', 'not-modelled@24:18', 'unknown-element@24:59']));
  });

  it('turns malformed XML and a non-CIB into one located diagnostic', () => {
    expect(validateCib(CIB.replace('</nodes>', ''), 'cib.xml')).toEqual([expect.objectContaining({ code: 'xml-syntax', line: 29, column: 3, severity: 'error', message: '</configuration> does not match <nodes> (line 10)' })]);
    expect(validateCib('<cluster name="x"/>', 'c.xml')).toEqual([expect.objectContaining({ code: 'not-a-cib', line: 1, column: 1 })]);
  });

  it('reads 10,000 nodes boundedly: one located error, the first MAX_NODES kept', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => `<node id="${i}" uname="n${i}"/>`).join('\n');
    const t0 = performance.now();
    const { cib, diagnostics } = readCib(`<cib><configuration><nodes>\n${nodes}\n</nodes></configuration></cib>`, 'big.xml');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(cib.nodes).toHaveLength(MAX_NODES);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'too-many-nodes', line: MAX_NODES + 2 })]);
  });

  it('parses scores and durations as Pacemaker does', () => {
    expect([parseScore('INFINITY'), parseScore('+INFINITY'), parseScore('-INFINITY'), parseScore('5000000'), parseScore('-7'), parseScore('x')]).toEqual([1e6, 1e6, -1e6, 1e6, -7, undefined]);
    expect([parseDurationMs('10'), parseDurationMs('10s'), parseDurationMs('2m'), parseDurationMs('500ms'), parseDurationMs('PT1M5S'), parseDurationMs('soon')]).toEqual([10_000, 10_000, 120_000, 500, 65_000, undefined]);
  });

  it('recognises a CIB by its root element', () => {
    expect(looksLikeCib(CIB)).toBe(true);
    expect(looksLikeCib('<cluster/>')).toBe(false);
  });
});
