/**
 * `cluster simulate --config cluster.conf` and `cluster scenario`: the RHCS stack
 * end to end through the CLI, as a user (or a held-out check) runs it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'rhcs-cli-'));
async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
type Ev = Record<string, unknown> & { t: number; kind: string };

/** Three nodes, IPMI per node, one VM in an ordered domain n2 > n3 > n1 (not seed 001's layout). */
const threeNode = `<?xml version="1.0"?>
<cluster name="held" config_version="3">
  <cman/>
  <clusternodes>
    <clusternode name="n1" nodeid="1"><fence><method name="ipmi"><device name="bmc1"/></method></fence></clusternode>
    <clusternode name="n2" nodeid="2"><fence><method name="ipmi"><device name="bmc2"/></method></fence></clusternode>
    <clusternode name="n3" nodeid="3"><fence><method name="ipmi"><device name="bmc3"/></method></fence></clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice name="bmc1" agent="fence_ipmilan" ipaddr="10.1.1.1"/>
    <fencedevice name="bmc2" agent="fence_ipmilan" ipaddr="10.1.1.2"/>
    <fencedevice name="bmc3" agent="fence_ipmilan" ipaddr="10.1.1.3"/>
  </fencedevices>
  <rm>
    <failoverdomains>
      <failoverdomain name="d" ordered="1" restricted="1">
        <failoverdomainnode name="n2" priority="1"/><failoverdomainnode name="n3" priority="2"/><failoverdomainnode name="n1" priority="3"/>
      </failoverdomain>
    </failoverdomains>
    <vm name="guest1" domain="d" autostart="1"/>
  </rm>
</cluster>
`;

describe('vrrp-lab cluster simulate --config cluster.conf', () => {
  const conf = join(dir, 'cluster.conf');
  writeFileSync(conf, threeNode);

  it('a node is lost: quorum held, the node fenced first, its VM started on the next domain member only after the fence', async () => {
    const r = await run('cluster', 'simulate', '--config', conf, '--event', '30 kill n2', '--until', '90', '--json');
    expect(r.code, r.err).toBe(0);
    const events = (JSON.parse(r.out) as { events: Ev[] }).events;
    const q = events.filter((e) => e.kind === 'quorum' && e.node === 'n1' && e.t > 30).at(-1);
    expect(q).toMatchObject({ quorate: true, total_votes: 2, quorum: 2 });
    const fence = events.find((e) => e.kind === 'fence' && e.target === 'n2' && e.result === 'success');
    expect(fence).toMatchObject({ by: 'n1', device: 'bmc2', method: 'ipmi' });
    const moved = events.find((e) => e.kind === 'service' && e.service === 'vm:guest1' && e.state === 'started' && e.t > 30);
    expect(moved).toMatchObject({ node: 'n3' });
    expect(moved!.t).toBeGreaterThanOrEqual(fence!.t);
    expect(events.indexOf(moved!)).toBeGreaterThan(events.indexOf(fence!));
    expect(events.some((e) => e.kind === 'corruption')).toBe(false);
    for (const e of events) expect(Object.keys(e).slice(0, 2)).toEqual(['t', 'kind']);
  });

  it('a clean stop is no failure: nothing is fenced and the VM moves at once', async () => {
    const r = await run('cluster', 'simulate', '--config', conf, '--event', '30 stop n2', '--until', '60', '--json');
    expect(r.code, r.err).toBe(0);
    const events = (JSON.parse(r.out) as { events: Ev[] }).events;
    expect(events.filter((e) => e.kind === 'fence' && e.result === 'success')).toEqual([]);
    const moved = events.find((e) => e.kind === 'service' && e.state === 'started' && e.node === 'n3');
    expect(moved!.t).toBeLessThan(35);
  });

  it('the text timeline: one line per fence and service change with its reason; routine writes counted, not listed', async () => {
    const r = await run('cluster', 'simulate', '--config', conf, '--event', '30 kill n2', '--until', '90');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    const fence = lines.find((l) => / fence +n2 by n1 via bmc2 \(method ipmi\): success — /.test(l));
    const moved = lines.find((l) => / service +vm:guest1 started on n3 — /.test(l));
    expect(fence, r.out).toBeDefined();
    expect(moved, r.out).toBeDefined();
    expect(lines.indexOf(moved!)).toBeGreaterThan(lines.indexOf(fence!));
    expect(lines.some((l) => / disk +\S+ write\b/.test(l))).toBe(false);
    const json = await run('cluster', 'simulate', '--config', conf, '--event', '30 kill n2', '--until', '90', '--json');
    const writes = (JSON.parse(json.out) as { events: Ev[] }).events.filter((e) => e.kind === 'disk' && (e.op ?? 'write') === 'write').length;
    expect(r.out).toContain(`(${writes} routine disk write${writes === 1 ? '' : 's'} not listed; --json has every one)`);
  });

  it('--svg draws a timeline with a lane per node', async () => {
    const svg = join(dir, 'run.svg');
    const r = await run('cluster', 'simulate', '--config', conf, '--event', '30 kill n2', '--until', '90', '--svg', svg);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    for (const n of ['n1', 'n2', 'n3']) expect(text).toContain(`font-weight="bold">${n}</text>`);
    expect(text).toContain('n2 fenced by n1 through bmc2');
  });

  it('malformed cluster.conf: a located error, exit 2', async () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, '<cluster name="x" config_version="1">\n  <clusternodes>\n</cluster>\n');
    const r = await run('cluster', 'simulate', '--config', bad, '--until', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.conf:3:\d+/);
  });
});

describe('vrrp-lab cluster scenario', () => {
  it('runs a seed scenario and reports its expectations', async () => {
    const r = await run('cluster', 'scenario', 'scenarios/cluster/seed002-node2-lost.scenario');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/(\d+) of \1 expectations held/);
  });

  it('a failed expectation exits 1 with its line; a bad line exits 2 located', async () => {
    const scn = join(dir, 'x.scenario');
    writeFileSync(scn, `config ${join(process.cwd(), 'scenarios/cluster/seed001-cluster.conf')}\nuntil 30\nexpect never fenced node01-p\n10 kill node01-p\nexpect fenced node01-p before 20\n`);
    const r = await run('cluster', 'scenario', scn);
    expect(r.code).toBe(1);
    expect(r.err).toContain('x.scenario:5: expectation failed');
    writeFileSync(scn, 'config a.conf\nexpect 10 flying node1\n');
    const bad = await run('cluster', 'scenario', scn);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/x\.scenario:2:\d+/);
  });
});

describe('vrrp-lab validate cluster.conf', () => {
  it('recognises a cluster.conf and reports located findings (exit 1 on errors)', async () => {
    const bad = join(dir, 'cluster-bad.conf');
    writeFileSync(bad, '<cluster name="x" config_version="1">\n<cman two_node="1"/>\n<clusternodes><clusternode name="a" nodeid="1"/><clusternode name="b" nodeid="1"/></clusternodes>\n<bogus/>\n</cluster>\n');
    const r = await run('validate', bad);
    expect(r.code).toBe(1);
    for (const w of ['3:49: error[rhcs-duplicate-nodeid]', '2:1: error[rhcs-two-node-expected-votes]', '4:1: error[rhcs-unknown-element]', '3:15: error[rhcs-no-fence-method]']) expect(r.out + r.err).toContain(w);
  });

  it('--previous: a cluster.conf that does not raise config_version is refused, located; a raised one passes', async () => {
    const running = join(process.cwd(), 'scenarios/cluster/seed001-cluster.conf');
    const same = join(dir, 'same-version.conf');
    writeFileSync(same, readFileSync(running, 'utf8'));
    const r = await run('validate', '--previous', running, same);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/same-version\.conf:\d+:\d+: error\[rhcs-config-version-not-raised\]/);
    const raised = join(dir, 'raised-version.conf');
    writeFileSync(raised, readFileSync(running, 'utf8').replace(/config_version="(\d+)"/, (_m, v: string) => `config_version="${Number(v) + 1}"`));
    const ok = await run('validate', '--previous', running, raised);
    expect(ok.out + ok.err).not.toContain('rhcs-config-version-not-raised');
    const missing = await run('validate', '--previous', join(dir, 'nope.conf'), raised);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--previous');
  });

  it('the seeds\' cluster.conf files carry no errors', async () => {
    const r = await run('validate', 'scenarios/cluster/seed001-cluster.conf', 'scenarios/cluster/seed002-cluster.conf', '--separate');
    expect(r.code, r.out + r.err).toBe(0);
  });
});
