/**
 * `vrrp-lab cluster plan` from the outside: output forms, state files, and bad
 * input (malformed XML, unknown nodes, bad specs, huge CIBs) → one located
 * message and exit 2, never a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const CASE = join(import.meta.dirname, '..', 'fixtures', 'pacemaker-cases', '001-node-fail-3');
const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;

async function plan(...args: string[]) {
  const io = captureIo({ cwd: dir });
  const code = await main(['cluster', 'plan', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('cluster plan', () => {
  it('plans a start from an empty status, then a node failure from the saved state', async () => {
    const s0 = join(dir, 's0.json');
    const first = await plan('--cib', join(CASE, 'cib.xml'), '--execute', '--save-state', s0, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out).actions).toContainEqual({ action: 'start', resource: 'vm4', node: 'node1' });
    const second = await plan('--cib', join(CASE, 'cib.xml'), '--state', s0, '--node-fail', 'node2', '--at', '60');
    expect(second.code).toBe(0);
    expect(second.out).toContain("* Fence (reboot) node2 'peer is no longer part of the cluster'");
    expect(second.out).toMatch(/\* Move\s+vm2\s+\( node2 -> node1 \)/);
    expect(second.out).toContain('1 start(s) wait for the fencing of node2');
  });

  it('without --execute a saved state keeps the injected events but nothing executed', async () => {
    const s = join(dir, 'plan-only.json');
    await plan('--cib', join(CASE, 'cib.xml'), '--save-state', s);
    const saved = JSON.parse(readFileSync(s, 'utf8'));
    expect(saved.format).toBe('vrrp-lab/pacemaker-state@1');
    expect(Object.keys(saved.state.history.node1 ?? {})).toEqual([]);
  });

  const bad: [string, string[], RegExp][] = [
    ['no input', [], /give --cib FILE .* or --config FILE/],
    ['both inputs', ['--config', 'cluster.conf', '--cib', 'cib.xml'], /either --cib or --config/],
    ['unknown node', ['--cib', join(CASE, 'cib.xml'), '--node-fail', 'node9'], /--node-fail: no node 'node9'/],
    ['bad op spec', ['--cib', join(CASE, 'cib.xml'), '--op-inject', 'vm1@node1'], /is not RSC_OP_INTERVAL@NODE=RC/],
    ['unknown resource', ['--cib', join(CASE, 'cib.xml'), '--op-inject', 'vm9_monitor_10000@node1=1'], /no resource 'vm9'/],
    ['bad quorum', ['--cib', join(CASE, 'cib.xml'), '--quorum', 'maybe'], /give 0 or 1/],
    ['bad attr', ['--cib', join(CASE, 'cib.xml'), '--attr', 'node1', 'x'], /three words each/],
    ['missing file', ['--cib', 'nope.xml'], /cannot read the CIB 'nope.xml': ENOENT/],
  ];
  for (const [what, args, message] of bad) {
    it(`exit 2 for ${what}`, async () => {
      const r = await plan(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(STACK);
    });
  }

  it('malformed XML and a non-CIB: a located message, exit 2', async () => {
    writeFileSync(join(dir, 'broken.xml'), '<cib>\n  <configuration>\n    <nodes>\n</cib>\n');
    const r = await plan('--cib', 'broken.xml');
    expect([r.code, r.err.trim()]).toEqual([2, 'broken.xml:4:1: </cib> does not match <nodes> (line 3)']);
    writeFileSync(join(dir, 'cluster.conf'), '<cluster name="c" config_version="1"/>\n');
    const c = await plan('--cib', 'cluster.conf');
    expect([c.code, c.err.trim()]).toEqual([2, 'cluster.conf:1:1: the root element is <cluster>, not <cib>: this is not a Pacemaker CIB']);
  });

  it('a CIB with 10,000 nodes: one located error, quickly', async () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => `<node id="${i}" uname="n${i}"/>`).join('\n');
    writeFileSync(join(dir, 'huge.xml'), `<cib have-quorum="1"><configuration><nodes>\n${nodes}\n</nodes><resources/></configuration></cib>\n`);
    const t0 = performance.now();
    const r = await plan('--cib', 'huge.xml', '--json');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(2);
    expect(r.err).toContain('huge.xml:258:1: error[too-many-nodes]');
  });

  it('--config maps a cluster.conf: ordered domain → the first member, fenced node → its VM moves after the fence', async () => {
    const conf = join(import.meta.dirname, '..', '..', 'scenarios', 'cluster', 'seed001-cluster.conf');
    const s0 = join(dir, 'conf0.json');
    const start = await plan('--config', conf, '--execute', '--save-state', s0, '--json');
    expect(start.code).toBe(0);
    expect(JSON.parse(start.out).actions).toContainEqual({ action: 'start', resource: 'vm:testbox1', node: 'node01-p' });
    const lost = await plan('--config', conf, '--state', s0, '--node-fail', 'node01-p', '--json');
    const t = JSON.parse(lost.out);
    expect(t.fence).toEqual([{ node: 'node01-p', action: 'reboot', reason: 'peer is no longer part of the cluster' }]);
    expect(t.actions).toContainEqual({ action: 'move', resource: 'vm:testbox1', source: 'node01-p', dest: 'node02-p' });
  });

  it('validate recognises a CIB: its checks located, malformed XML as one error', async () => {
    const io = captureIo({ cwd: dir });
    const code = await main(['validate', join(CASE, '..', '017-no-fence-devices', 'cib.xml')], io);
    expect(code).toBe(1);
    expect(io.out()).toMatch(/017-no-fence-devices\/cib\.xml:5:9: error\[no-fence-device\]/);
    writeFileSync(join(dir, 'cib-broken.xml'), '<cib>\n<configuration>\n</cib>\n');
    const io2 = captureIo({ cwd: dir });
    expect(await main(['validate', join(dir, 'cib-broken.xml')], io2)).toBe(1);
    expect(io2.out()).toMatch(/cib-broken\.xml:3:1: error\[xml-syntax\]: <\/cib> does not match <configuration> \(line 2\)/);
  });

  it('help names the options', async () => {
    const io = captureIo();
    const code = await main(['cluster', 'plan', '--help'], io);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/--op-inject <spec>[\s\S]*--execute/);
  });

  it('fuzz: mutated CIBs and events end with a plan (0) or a message (2), never a crash', async () => {
    const cib = readFileSync(join(CASE, 'cib.xml'), 'utf8');
    const mutate = fc.oneof(
      fc.nat(cib.length).map((n) => cib.slice(0, n)),
      fc.tuple(fc.nat(cib.length), fc.constantFrom('<', '>', '"', '&', '</x>', '<x>', 'INFINITY', '-', '')).map(([n, s]) => cib.slice(0, n) + s + cib.slice(n + 1)),
      fc.constantFrom(cib.replace(/score="[^"]*"/, 'score="x"'), cib.replace('stonith-enabled" value="true"', 'stonith-enabled" value="maybe"')),
    );
    const events = fc.array(fc.constantFrom(['--node-fail', 'node1'], ['--node-up', 'node3'], ['--node-down', 'node2'], ['--quorum', '0'], ['--op-inject', 'vm1_monitor_10000@node1=5'], ['--op-fail', 'vm2_start_0@node2=1'], ['--attr', 'node1', 'fail-count-vm1#monitor_10000', 'INFINITY'], ['--at', '99999'], ['--execute']), { maxLength: 4 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutate, events, async (text, evs) => {
        const file = join(dir, `fuzz${n++}.xml`);
        writeFileSync(file, text);
        const r = await plan('--cib', file, '--json', ...evs.flat());
        expect([0, 2]).toContain(r.code);
        expect(r.err).not.toMatch(STACK);
        if (r.code === 0) expect(() => JSON.parse(r.out)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});
