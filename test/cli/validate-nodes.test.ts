/**
 * `validate --node NAME=FILE` and `validate -` (issue 11.6; trial findings F2 and
 * P7): one file run by two routers is checked as two nodes, and a config can come
 * on standard input.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../scenarios/${p}`, import.meta.url));
const GW = fixture('seed-000-gateway/gw1.conf');
const PRIO150 = fixture('classic/prio150.conf');

async function run(argv: string[], stdin?: string) {
  const io = captureIo(stdin === undefined ? {} : { stdin });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

interface JsonReport {
  files: Array<{ file: string; diagnostics: Array<{ code: string; message: string }> }>;
  elections: Array<{ nodes: Array<{ node: string }> }>;
  summary: { files: number; warnings: number };
}

describe('validate --node NAME=FILE', () => {
  it('checks one file as the two nodes that run it (seed 000): cross-node findings and a two-node election table', async () => {
    const r = await run(['validate', '--node', `gw1=${GW}`, '--node', `gw2=${GW}`]);
    expect(r.out).toContain('warning[cluster-equal-priority]: gw2 and gw1');
    expect(r.out).toContain('1 file checked as one cluster of 2 nodes');
    expect(r.out).toMatch(/VRID 151 on eth1 \(VI_1\): gw1 base 100, gw2 base 100/);
    expect(r.out).toMatch(/^ {2}-\s+100\s+100\s+tie at 100 \(gw1, gw2\)/m);
    const json = JSON.parse((await run(['validate', '--json', '--node', `gw1=${GW}`, '--node', `gw2=${GW}`])).out) as JsonReport;
    expect(json.files.map((f) => f.file)).toEqual([GW]);
    expect(json.elections[0]!.nodes.map((n) => n.node)).toEqual(['gw1', 'gw2']);
  });

  it('is what the same file given twice as arguments is not: one node, no cross-node checks', async () => {
    const r = await run(['validate', GW, GW]);
    expect(r.out).not.toContain('cluster-equal-priority');
    expect(r.out).toContain('1 file checked:');
  });

  it('mixes with files given as arguments (those come first, named after the file)', async () => {
    const json = JSON.parse((await run(['validate', '--json', PRIO150, '--node', `other=${PRIO150}`])).out) as JsonReport;
    expect(json.elections[0]!.nodes.map((n) => n.node)).toEqual(['prio150', 'other']);
  });

  it.each([
    [['--node', 'gw1'], /argument 'gw1' is invalid\. expected NAME=FILE/],
    [['--node', '=x.conf'], /expected NAME=FILE/],
    [['--node', '1x=x.conf'], /'1x' is not a node name/],
    [['--node', 'a=x.conf', '--node', 'a=y.conf'], /node 'a' is given twice/],
    [[], /give the files to check \(FILE, DIR, or - for standard input\) or --node NAME=FILE/],
  ])('refuses %j with exit 2 and a message', async (args, message) => {
    const r = await run(['validate', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('says a directory is not a node', async () => {
    const r = await run(['validate', '--node', `a=${fixture('classic')}`]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('is a directory; a node is one file');
  });
});

describe('validate - (standard input)', () => {
  it('reads the config from standard input, shown as <stdin> with its lines', async () => {
    const text = 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n  priority 100\n  virtual_ipaddress {\n    192.0.2.1/24\n  }\n}\n';
    const r = await run(['validate', '--no-table', '-'], text);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^<stdin>:3:\d+: error\[/m);
    expect(r.out).toContain('3 |   virtual_router_id 300');
  });

  it('reads standard input once for several nodes', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await run(['validate', '--node', 'a=-', '--node', 'b=-'], readFileSync(PRIO150, 'utf8'));
    expect(r.out).toContain('warning[cluster-equal-priority]: b and a');
  });

  it('refuses input over the bound with exit 2', async () => {
    const r = await run(['validate', '-'], `! ${'x'.repeat(3 * 1024 * 1024)}\n`);
    expect(r.code).toBe(2);
    expect(r.err).toContain('standard input is over 2097152 bytes');
  });
});
