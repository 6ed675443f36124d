/**
 * The Pacemaker agent in whole runs (corosync.conf + cib.xml through the scenario
 * runner): the DC fences and moves resources, no-quorum-policy decides what an
 * inquorate partition does, and the data-safety checker sees what goes wrong.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../core/errors.js';
import { parseClusterScenario } from '../../scenario/cluster/index.js';
import type { ClusterOutEvent } from '../../sim/cluster/index.js';
import { runClusterScenario } from './run-scenario.js';

const conf = readFileSync('scenarios/cluster/pcmk2-corosync.conf', 'utf8');
const cib = readFileSync('scenarios/cluster/pcmk2-cib.xml', 'utf8');
const withOptions = (opts: Record<string, string>): string =>
  cib.replace('</cluster_property_set>', `${Object.entries(opts).map(([k, v]) => `<nvpair id="o-${k}" name="${k}" value="${v}"/>`).join('')}</cluster_property_set>`)
    .replace(/<nvpair id="cib-bootstrap-options-no-quorum-policy"[^>]*\/>/, opts['no-quorum-policy'] !== undefined ? '' : '$&');

function run(body: string, files: { conf?: string; cib?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-agent-'));
  writeFileSync(join(dir, 'corosync.conf'), files.conf ?? conf);
  writeFileSync(join(dir, 'cib.xml'), files.cib ?? cib);
  const scn = parseClusterScenario(`config corosync.conf\ncib cib.xml\nboot 60\n${body}\n`, join(dir, 't.scenario'), (p) => join(dir, p));
  return runClusterScenario(scn, readFileSync(scn.configPath, 'utf8'));
}

const of = <K extends ClusterOutEvent['kind']>(events: readonly ClusterOutEvent[], kind: K) => events.filter((e): e is Extract<ClusterOutEvent, { kind: K }> => e.kind === kind);
const services = (events: readonly ClusterOutEvent[]) => of(events, 'service').map((e) => `${e.t} ${e.service} ${e.node} ${e.state}`);
const fences = (events: readonly ClusterOutEvent[]) => of(events, 'fence').filter((e) => e.result === 'success').map((e) => `${e.t} ${e.target} by ${e.by} ${e.device}`);

const noTwoNode = conf.replace('  two_node: 1\n', '');

describe('Pacemaker agent', () => {
  it('a lost node is fenced by the DC through its device after pcmk_delay_base, and its VM starts on the survivor only after', () => {
    const r = run('until 60\n20 kill node1');
    expect(fences(r.events)).toEqual(['35.436113 node1 by node2 fence-node1']); // lost at 26.436113, 5 s delay, 4 s IPMI
    expect(services(r.events)).toEqual(['2.325 vm1 node1 started', '20 vm1 node1 stopped', '35.436113 vm1 node2 started']);
    expect(of(r.events, 'corruption')).toEqual([]);
  });

  it('no-quorum-policy=stop: the inquorate survivor of two nodes (no two_node) stops its resources and fences nobody', () => {
    const r = run('until 60\n20 kill node2', { conf: noTwoNode });
    expect(fences(r.events)).toEqual([]);
    expect(services(r.events)).toEqual(['2.325 vm1 node1 started', '26.436113 vm1 node1 stopped']);
  });

  it('no-quorum-policy=freeze keeps what runs; ignore fences the peer and keeps going', () => {
    const frozen = run('until 60\n20 kill node2', { conf: noTwoNode, cib: withOptions({ 'no-quorum-policy': 'freeze' }) });
    expect(services(frozen.events)).toEqual(['2.325 vm1 node1 started']);
    expect(fences(frozen.events)).toEqual([]);
    const ignore = run('until 60\n20 kill node1', { conf: noTwoNode, cib: withOptions({ 'no-quorum-policy': 'ignore' }) });
    expect(fences(ignore.events)).toEqual(['35.436113 node1 by node2 fence-node1']);
    expect(services(ignore.events).at(-1)).toBe('35.436113 vm1 node2 started');
  });

  it('without fencing a split two-node cluster runs the VM on both sides: the data-safety checker reports it', () => {
    const r = run('until 60\n20 partition node1 node2', { cib: withOptions({ 'stonith-enabled': 'false' }) });
    expect(fences(r.events)).toEqual([]);
    expect(services(r.events)).toContain('26.436113 vm1 node2 started');
    expect(of(r.events, 'corruption').map((c) => c.what)).toEqual(['vm1 active on node1 and node2 at once: both wrote shared']);
  });

  it('T svcfail recovers the resource in place (stop, start); disable stops it, enable starts it again', () => {
    const r = run('until 40\n10 svcfail vm1\n20 disable vm1\n30 enable vm1');
    expect(services(r.events)).toEqual(['2.325 vm1 node1 started', '10 vm1 node1 stopped', '10 vm1 node1 started', '20 vm1 node1 stopped', '30 vm1 node1 started']);
  });

  it('T relocate moves it to the node named', () => {
    const r = run('until 20\n10 relocate vm1 node2');
    expect(services(r.events).slice(1)).toEqual(['10 vm1 node1 stopped', '10 vm1 node2 started']);
  });

  it('an event naming a resource the CIB does not have is a located error', () => {
    for (const verb of ['svcfail', 'relocate', 'disable', 'enable']) {
      let err: unknown;
      try {
        run(`until 20\n\n10 ${verb} vm9`);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).message).toMatch(new RegExp(`t\\.scenario:6:1: '10 ${verb} vm9': no resource 'vm9' in the CIB \\(resources: vm1\\)$`));
      expect((err as ScenarioError).location?.line).toBe(6);
    }
  });
});

describe('service events on a cluster.conf (RHCS)', () => {
  it('an event naming a service the cluster.conf does not have is a located error', () => {
    const file = 'scenarios/cluster/t.scenario';
    const scn = parseClusterScenario('config seed001-cluster.conf\nuntil 20\n10 relocate vm:nothere node02-p\n', file, (p) => join('scenarios/cluster', p));
    expect(() => runClusterScenario(scn, readFileSync(scn.configPath, 'utf8'))).toThrow(
      /t\.scenario:3:1: '10 relocate vm:nothere node02-p': no service 'vm:nothere' in the cluster\.conf \(services: vm:testbox1, vm:mytestVM\)$/,
    );
  });
});

describe('Pacemaker agent: fences the scheduler asks for', () => {
  it('a monitor failure with on-fail=fence gets its node fenced by the DC, and the VM restarts elsewhere after the fence', () => {
    const failFence = cib.replace('<op id="vm1-monitor-10s" name="monitor" interval="10s"/>', '<op id="vm1-monitor-10s" name="monitor" interval="10s" on-fail="fence"/>')
      .replace('<constraints/>', '<constraints><rsc_location id="l1" rsc="vm1" node="node2" score="100"/></constraints>');
    const r = run('until 120\n10 svcfail vm1', { cib: failFence });
    expect(services(r.events)[0]).toBe('2.325 vm1 node2 started');
    expect(fences(r.events)).toEqual(['14 node2 by node1 fence-node2']); // fence-node2 has no delay: 4 s IPMI
    expect(services(r.events).slice(1, 3)).toEqual(['14 vm1 node2 stopped', '14 vm1 node1 started']);
    expect(of(r.events, 'corruption')).toEqual([]);
  });
});
