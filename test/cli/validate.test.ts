/**
 * `vrrp-lab validate` end to end, in-process: exit codes, the JSON shape, the
 * compiler-style text, cross-file findings on the right lines, the election
 * table, and usage or input errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const FIX = 'test/cli/fixtures';
const SEEDS = 'test/fixtures/seeds';

interface JsonDiagnostic {
  file?: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  hint?: string;
  source?: string;
  data?: Record<string, unknown>;
}
interface JsonReport {
  files: Array<{ file: string; unreadable?: boolean; diagnostics: JsonDiagnostic[] }>;
  cluster: { diagnostics: JsonDiagnostic[]; separate: boolean };
  elections: Array<{
    interface: string;
    vrid: number;
    nodes: Array<{ node: string; basePriority: number }>;
    trackers: Array<{ id: string; weight: number }>;
    rows: Array<{ down: string[]; nodes: Array<{ node: string; fault: boolean; effective?: number }>; master: { kind: string; node?: string; priority?: number } }>;
  }>;
  notChecked: Array<{ check: string }>;
  summary: { files: number; errors: number; warnings: number; infos: number; unreadable: number; exitCode: number };
}

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function json(...argv: string[]): Promise<{ code: number; doc: JsonReport }> {
  const r = await run('validate', '--json', ...argv);
  expect(r.err).toBe('');
  return { code: r.code, doc: JSON.parse(r.out) as JsonReport };
}

/** What the report says about one file: its own findings and the cross-file findings anchored on it. */
function diagnosticsOf(doc: JsonReport, file: string): JsonDiagnostic[] {
  const entry = doc.files.find((f) => f.file === file);
  expect(entry, `no report for ${file}`).toBeDefined();
  return [...entry!.diagnostics, ...doc.cluster.diagnostics.filter((d) => d.file === file)];
}

const tmp = mkdtempSync(join(tmpdir(), 'vrrp-lab-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('validate: seed 004 (state EQUAL, weight 2 on equal priorities)', () => {
  const cc1 = `${FIX}/seed-004/cc1.conf`;
  const cc2 = `${FIX}/seed-004/cc2.conf`;

  it('reports state EQUAL on its line and exits 1', async () => {
    const { code, doc } = await json(cc1, cc2);
    expect(code).toBe(1);
    for (const file of [cc1, cc2]) {
      const state = diagnosticsOf(doc, file).find((d) => d.code === 'state-invalid');
      expect(state).toMatchObject({ line: 25, column: 11, severity: 'error' });
      expect(state!.message).toContain("unknown state 'EQUAL'");
    }
  });

  it('explains that weight 2 works only because both priorities are 100, on the weight line', async () => {
    const { doc } = await json(cc1, cc2);
    const fragile = diagnosticsOf(doc, cc1).find((d) => d.code === 'track-weight-fragile');
    expect(fragile).toMatchObject({ line: 19, column: 12, severity: 'info' });
    expect(fragile!.message).toContain('only because cc1 and cc2 have the same base priority 100');
    expect(fragile!.message).toContain('cc1 gets 102 and wins');
    expect(fragile!.message).toContain('with a base-priority gap of 2 that would be a tie');
  });

  it('shows it in the election table: the node whose check succeeds gets 102 and wins', async () => {
    const { doc } = await json(cc1, cc2);
    expect(doc.elections).toHaveLength(1);
    const [table] = doc.elections;
    expect(table).toMatchObject({ interface: 'bond1', vrid: 45 });
    expect(table!.trackers.map((t) => [t.id, t.weight])).toEqual([
      ['cc1:cc-enabled-check', 2],
      ['cc2:cc-enabled-check', 2],
    ]);
    const byDown = new Map(table!.rows.map((r) => [r.down.join(' '), r]));
    expect(byDown.get('')!.master).toEqual({ kind: 'tie', nodes: ['cc1', 'cc2'], priority: 102 });
    expect(byDown.get('cc2:cc-enabled-check')!.master).toEqual({ kind: 'node', node: 'cc1', priority: 102 });
    expect(byDown.get('cc1:cc-enabled-check')!.master).toEqual({ kind: 'node', node: 'cc2', priority: 102 });
  });

  it('prints the table as a grid in text', async () => {
    const r = await run('validate', cc1, cc2);
    expect(r.out).toContain('VRID 45 on bond1 (cloud_cluster1_gateway): cc1 base 100, cc2 base 100');
    expect(r.out).toContain('  a     100  102  cc2');
    expect(r.out).toContain("25 |     state EQUAL\n     |           ^^^^^");
  });

  const seed004 = existsSync(SEEDS) ? readdirSync(SEEDS).filter((f) => /004.*\.conf$/.test(f)).map((f) => join(SEEDS, f)) : [];
  it.skipIf(seed004.length < 2)("finds the same on the config layer's seed 004 fixtures, on the lines that say it", async () => {
    const { code, doc } = await json(...seed004);
    expect(code).toBe(1);
    for (const file of seed004) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const stateLine = lines.findIndex((l) => /^\s*state EQUAL/.test(l)) + 1;
      const weightLine = lines.findIndex((l) => /^\s*weight 2\b/.test(l)) + 1;
      const ds = diagnosticsOf(doc, file);
      expect(ds.find((d) => d.code === 'state-invalid')?.line).toBe(stateLine);
      expect(ds.find((d) => d.code === 'track-weight-fragile')?.line).toBe(weightLine);
    }
    expect(doc.elections[0]!.rows.map((r) => r.nodes.map((n) => n.effective))).toEqual([
      [102, 102],
      [100, 102],
      [102, 100],
      [100, 100],
    ]);
  });
});

describe('validate: two nodes that disagree', () => {
  const lb1 = `${FIX}/conflict/lb1.conf`;
  const lb2 = `${FIX}/conflict/lb2.conf`;

  it('anchors each cross-file finding on the line to change and names the other file', async () => {
    const { code, doc } = await json(lb1, lb2);
    expect(code).toBe(1);
    const found = diagnosticsOf(doc, lb2).map((d) => [d.code, d.line, d.severity]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['cluster-multiple-state-master', 3, 'warning'],
        ['cluster-equal-priority', 6, 'warning'],
        ['cluster-advert-int-mismatch', 7, 'error'],
        ['cluster-auth-same-key', 10, 'info'],
        ['cluster-unicast-peer-missing', 13, 'error'],
        ['cluster-unicast-peer-unknown', 14, 'info'],
        ['cluster-vip-mismatch', 16, 'error'],
      ]),
    );
    const vip = diagnosticsOf(doc, lb2).find((d) => d.code === 'cluster-vip-mismatch')!;
    expect(vip.message).toContain(`compared with lb1 (${lb1}:17)`);
    expect(vip.data).toEqual({ related: [{ file: lb1, line: 17, column: 5 }] });
    expect(diagnosticsOf(doc, lb1).map((d) => [d.code, d.line])).toContainEqual(['unicast-peer-self', 15]);
  });

  it('names the tie-breaking IP when the sources are known', async () => {
    const { doc } = await json(lb1, lb2);
    const equal = diagnosticsOf(doc, lb2).find((d) => d.code === 'cluster-equal-priority')!;
    expect(equal.message).toContain('the node with the higher primary IP address wins: lb2 (192.0.2.12)');
    expect(doc.elections[0]!.rows[0]!.master).toEqual({ kind: 'tie', nodes: ['lb1', 'lb2'], priority: 100, node: 'lb2', address: '192.0.2.12' });
  });

  it('makes no cross-file findings with --separate', async () => {
    const { doc } = await json('--separate', lb1, lb2);
    expect(doc.cluster.separate).toBe(true);
    const codes = [...doc.files.flatMap((f) => f.diagnostics), ...doc.cluster.diagnostics].map((d) => d.code);
    expect(codes.filter((c) => c.startsWith('cluster-'))).toEqual([]);
    expect(doc.elections).toHaveLength(2);
  });

  it('prints only errors with --quiet, and no table', async () => {
    const r = await run('validate', '--quiet', lb1, lb2);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error[cluster-vip-mismatch]');
    expect(r.out).not.toMatch(/warning\[|info\[/);
    expect(r.out).not.toContain('Election table');
  });
});

describe('validate: clean input, tables, directories', () => {
  it('exits 0 and says ok for two agreeing nodes', async () => {
    const r = await run('validate', `${FIX}/clean/lb1.conf`, `${FIX}/clean/lb2.conf`);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 files checked as one cluster: 0 errors, 0 warnings, 0 notes — ok');
    expect(r.out).toContain('  -     150  100  lb1');
  });

  it('leaves the table out with --no-table', async () => {
    const r = await run('validate', '--no-table', `${FIX}/clean/lb1.conf`, `${FIX}/clean/lb2.conf`);
    expect(r.out).not.toContain('Election table');
    expect((await json('--no-table', `${FIX}/clean/lb1.conf`)).doc.elections).toEqual([]);
  });

  it('names files found in a directory as the directory joined with their relative path', async () => {
    const { code, doc } = await json(`${FIX}/clean`);
    expect(code).toBe(0);
    expect(doc.files.map((f) => f.file)).toEqual([`${FIX}/clean/lb1.conf`, `${FIX}/clean/lb2.conf`]);
  });

  it('treats a fragment found in a directory and included by another config as part of that node', async () => {
    const dir = mkdtempSync(join(tmp, 'confd-'));
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'keepalived.conf'), 'global_defs {\n router_id lb1\n}\ninclude conf.d/*.conf\n');
    writeFileSync(join(dir, 'conf.d', 'vi1.conf'), 'vrrp_instance VI_1 {\n  state EQUAL\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n   192.0.2.1/24\n  }\n}\n');
    const { doc } = await json(dir);
    expect(doc.files.map((f) => f.file)).toEqual([join(dir, 'keepalived.conf')]);
    expect(doc.files[0]!.diagnostics.find((d) => d.code === 'state-invalid')).toMatchObject({ line: 2, source: join(dir, 'conf.d', 'vi1.conf') });
    expect(doc.elections[0]!.nodes).toHaveLength(1);
  });

  it('flags a weight smaller than the priority gap (research P7) on the master only', async () => {
    const { doc } = await json(`${FIX}/p7`);
    const all = doc.files.flatMap((f) => f.diagnostics.filter((d) => d.code === 'track-weight-no-effect').map((d) => [f.file, d.line]));
    expect(all).toEqual([[`${FIX}/p7/lb1.conf`, 4]]);
  });

  it('reports the LVS checks on their lines', async () => {
    const { doc } = await json(`${FIX}/lvs/lb.conf`);
    expect(diagnosticsOf(doc, `${FIX}/lvs/lb.conf`).map((d) => [d.code, d.line])).toEqual([
      ['lvs-dr-arp', 14],
      ['lvs-quorum-unreachable', 16],
      ['lvs-sorry-is-real', 17],
      ['lvs-dr-port-mismatch', 19],
      ['lvs-check-slower-than-loop', 21],
    ]);
  });

  it('checks interfaces only when the host interfaces are given', async () => {
    const without = await json(`${FIX}/clean/lb1.conf`);
    expect(without.doc.notChecked.map((n) => n.check)).toContain('interface-exists');
    const withHost = await json('--host-interfaces', 'eth1', `${FIX}/clean/lb1.conf`);
    expect(withHost.code).toBe(1);
    expect(diagnosticsOf(withHost.doc, `${FIX}/clean/lb1.conf`).map((d) => d.code)).toContain('interface-missing');
  });
});

describe('validate: options', () => {
  it('keeps @ID lines for the --config-id given, as keepalived -i does', async () => {
    const file = join(tmp, 'node.conf');
    writeFileSync(file, 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n@lb1 priority 150\n@^lb1 priority 100\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n');
    expect((await json('--config-id', 'lb1', file)).doc.elections[0]!.nodes[0]!.basePriority).toBe(150);
    expect((await json(file)).doc.elections[0]!.nodes[0]!.basePriority).toBe(100);
  });

  it('colours text at a terminal, and not with NO_COLOR or in JSON', async () => {
    const args = ['validate', `${FIX}/conflict/lb1.conf`, `${FIX}/conflict/lb2.conf`];
    const tty = captureIo({ tty: true });
    await main(args, tty);
    expect(tty.out()).toContain('\u001b[');
    const noColor = captureIo({ tty: true, env: { NO_COLOR: '1' } });
    await main(args, noColor);
    expect(noColor.out()).not.toContain('\u001b[');
    const asJson = captureIo({ tty: true });
    await main([...args, '--json'], asJson);
    expect(asJson.out()).not.toContain('\u001b[');
  });
});

describe('validate: JSON shape', () => {
  it('has files[].diagnostics with exactly the documented fields (plus optional extras)', async () => {
    const { doc } = await json(`${FIX}/conflict/lb1.conf`, `${FIX}/conflict/lb2.conf`);
    expect(Object.keys(doc)).toEqual(['files', 'cluster', 'elections', 'notChecked', 'summary']);
    for (const f of doc.files) {
      for (const d of f.diagnostics) {
        expect(typeof d.line).toBe('number');
        expect(typeof d.column).toBe('number');
        expect(['error', 'warning', 'info']).toContain(d.severity);
        expect(d.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(typeof d.message).toBe('string');
        for (const k of Object.keys(d)) expect(['line', 'column', 'severity', 'code', 'message', 'hint', 'source', 'rfc', 'data']).toContain(k);
      }
    }
    expect(doc.summary).toMatchObject({ files: 2, unreadable: 0, exitCode: 1 });
    // Cross-file findings sit under cluster.diagnostics, each naming the file it points at.
    expect(doc.files.flatMap((f) => f.diagnostics).filter((d) => d.code.startsWith('cluster-'))).toEqual([]);
    expect(doc.cluster.diagnostics.length).toBeGreaterThan(0);
    for (const d of doc.cluster.diagnostics) expect(doc.files.map((f) => f.file)).toContain(d.file);
    const all = [...doc.files.flatMap((f) => f.diagnostics), ...doc.cluster.diagnostics];
    expect(doc.summary.errors).toBe(all.filter((d) => d.severity === 'error').length);
  });
});

describe('validate: unreadable input', () => {
  it('exits 2 for a missing file, still checking the others', async () => {
    const missing = join(tmp, 'nope.conf');
    const { code, doc } = await json(missing, `${FIX}/clean/lb1.conf`);
    expect(code).toBe(2);
    expect(doc.files[0]).toMatchObject({ file: missing, unreadable: true });
    expect(doc.files[0]!.diagnostics[0]).toMatchObject({ code: 'file-unreadable', severity: 'error', line: 0 });
    expect(doc.files[1]!.file).toBe(`${FIX}/clean/lb1.conf`);
  });

  it('exits 2 with a plain message and no stack in text mode', async () => {
    const r = await run('validate', join(tmp, 'nope.conf'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/nope\.conf: error\[file-unreadable\]: cannot read .*nope\.conf: no such file or directory/);
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a directory without keepalived configs', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'hello\n');
    const { code, doc } = await json(empty);
    expect(code).toBe(2);
    expect(doc.files[0]!.diagnostics[0]!.code).toBe('no-configs-found');
  });

  it('treats a file given by name as a config even without keepalived keywords', async () => {
    const odd = join(tmp, 'odd.txt');
    writeFileSync(odd, 'hello world\n');
    const { code, doc } = await json(odd);
    expect(code).toBe(1);
    expect(doc.files[0]!.diagnostics.map((d) => d.code)).toContain('unknown-keyword');
  });

  it('exits 2 for an empty path argument', async () => {
    const r = await run('validate', '');
    expect(r.code).toBe(2);
    expect(r.err).toContain('an empty path was given');
  });
});

describe('validate: speed', () => {
  it('checks 256 files in one invocation well under 5 s', async () => {
    const dir = mkdtempSync(join(tmp, 'many-'));
    const text = (i: number) =>
      `vrrp_script chk { script "/bin/true"\n weight -20 }\nvrrp_instance VI_${i} {\n state BACKUP\n interface eth0\n virtual_router_id ${1 + (i % 200)}\n priority ${1 + (i % 250)}\n virtual_ipaddress {\n  192.0.2.${i % 250}/24\n }\n track_script {\n  chk\n }\n}\n`;
    const files = Array.from({ length: 256 }, (_, i) => {
      const f = join(dir, `n${String(i).padStart(3, '0')}.conf`);
      writeFileSync(f, text(i));
      return f;
    });
    const started = performance.now();
    const r = await run('validate', '--json', ...files);
    const elapsed = performance.now() - started;
    expect([0, 1]).toContain(r.code);
    expect((JSON.parse(r.out) as JsonReport).files).toHaveLength(256);
    expect(elapsed).toBeLessThan(5_000);
  });
});
