import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `  node {\n    nodeid: ${i + 1}\n    name: n${i + 1}\n    ring0_addr: 10.0.0.${i + 1}\n  }\n`).join('');
const conf = (n: number, quorum = '') => `totem {\n  version: 2\n  cluster_name: lab\n}\nquorum {\n  provider: corosync_votequorum\n${quorum}}\nnodelist {\n${nodes(n)}}\n`;

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('vrrp-lab cluster simulate', () => {
  const three = file('three.conf', conf(3));

  it('prints {"events":[…]} with membership and quorum events', async () => {
    const r = await run('cluster', 'simulate', '--config', three, '--event', '8 kill n3', '--until', '20', '--json');
    expect(r.code, r.err).toBe(0);
    const { events } = JSON.parse(r.out) as { events: Array<Record<string, unknown>> };
    expect(Object.keys(JSON.parse(r.out))).toEqual(['events']);
    const last = events.filter((e) => e['kind'] === 'quorum' && e['node'] === 'n1').at(-1)!;
    expect(last).toMatchObject({ quorate: true, expected_votes: 3, highest_expected: 3, total_votes: 2, quorum: 2, flags: ['Quorate'] });
    expect(Object.keys(last).sort()).toEqual(['expected_votes', 'flags', 'highest_expected', 'kind', 'node', 'quorate', 'quorum', 't', 'total_votes']);
    const change = events.find((e) => e['kind'] === 'membership' && e['node'] === 'n1' && (e['t'] as number) > 8)!;
    expect(change['members']).toEqual(['n1', 'n2']);
  });

  it('prints a readable timeline without --json', async () => {
    const r = await run('cluster', 'simulate', '--config', three, '--event', '8 stop n2', '--until', '12');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/n1 +membership +\[n1 n3\]/);
    expect(r.out).toContain('seed 1');
  });

  it('explains itself with --help', async () => {
    const r = await run('cluster', 'simulate', '--help');
    expect(r.out).toContain('T partition A,B C');
    expect(r.out).toContain('--case <dir>');
  });

  it('locates a bad event and an unknown node (exit 2)', async () => {
    const bad = await run('cluster', 'simulate', '--config', three, '--event', 'soon kill n1', '--until', '10');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--event #1:1:1');
    const unknown = await run('cluster', 'simulate', '--config', three, '--event', '1 kill n1', '--event', '2 kill n9', '--until', '10');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--event #2:1:1: '2 kill n9': no node 'n9'/);
    const verb = await run('cluster', 'simulate', '--config', three, '--event', '2 explode n1', '--until', '10');
    expect(verb.code).toBe(2);
    expect(verb.err).toContain("'explode' is not an event this cluster understands");
  });

  it('refuses a configuration corosync would refuse, located, without a stack', async () => {
    const broken = file('broken.conf', 'totem {\n  version: 2\n\nquorum {\n}\n');
    const r = await run('cluster', 'simulate', '--config', broken, '--until', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.conf:1:1: error\[parse-error\]/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const dev = file('dev.conf', conf(2, '  two_node: 1\n  device {\n    model: net\n  }\n'));
    // votequorum refuses it at start: simulated as nodes that exit at once.
    const d = await run('cluster', 'simulate', '--config', dev, '--until', '10', '--json');
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toEqual({ events: [] });
    expect(d.err).toContain('two_node and quorum device cannot be configured at the same time');
  });

  it('stays bounded on 10,000 nodes and on a huge file', async () => {
    const big = file('big.conf', conf(10_000));
    const started = Date.now();
    const r = await run('cluster', 'simulate', '--config', big, '--until', '10');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/big\.conf:\d+:\d+: error\[too-many-nodes\]/);
    const huge = file('huge.conf', `totem {\n${'  # padding\n'.repeat(500_000)}}\n`);
    const h = await run('cluster', 'simulate', '--config', huge, '--until', '10');
    expect(h.code).toBe(2);
    expect(h.err).toContain('are not read');
  });

  it('refuses a run too big for its budget instead of hanging', async () => {
    const device = '  device {\n    model: net\n    votes: 63\n    net {\n      host: 10.0.0.250\n    }\n  }\n';
    const many = file('many.conf', conf(64, device));
    const started = Date.now();
    const r = await run('cluster', 'simulate', '--config', many, '--until', '604800');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    expect(r.err).toContain('simulate a shorter time');
    const more = await run('cluster', 'simulate', '--config', file('more.conf', conf(65)), '--until', '10');
    expect(more.code).toBe(2);
    expect(more.err).toContain('at most 64 nodes');
  }, 30_000);

  it('needs --config or --case and --until', async () => {
    expect((await run('cluster', 'simulate', '--until', '5')).code).toBe(2);
    expect((await run('cluster', 'simulate', '--config', three)).code).toBe(2);
    expect((await run('cluster', 'simulate', '--config', join(dir, 'missing.conf'), '--until', '5')).err).toContain('ENOENT');
  });
});

describe('vrrp-lab validate recognises the file kind', () => {
  it('checks a corosync.conf with its own reader', async () => {
    const p = file('corosync.conf', conf(3, '  two_node: 1\n'));
    const r = await run('validate', p);
    expect(r.out).toContain('warning[two-node-many-nodes]');
    expect(r.code).toBe(0);
  });

  it('does not read a CIB as keepalived.conf', async () => {
    const p = file('cib.xml', '<cib crm_feature_set="3.16.1"><configuration/></cib>\n');
    const r = await run('validate', p);
    expect(r.out).not.toContain('unknown-keyword');
  });
});
