import { describe, expect, it } from 'vitest';
import { looksLikeCorosyncConf, readCorosyncConf } from './index.js';

const nodes = (n: number, extra = ''): string =>
  `nodelist {\n${Array.from({ length: n }, (_, i) => `  node {\n    nodeid: ${i + 1}\n    name: n${i + 1}\n    ring0_addr: 10.0.0.${i + 1}\n${extra}  }\n`).join('')}}\n`;
const conf = (quorum: string, n = 3): string => `totem {\n  version: 2\n  cluster_name: lab\n}\nquorum {\n  provider: corosync_votequorum\n${quorum}}\n${nodes(n)}`;
const codes = (text: string) => readCorosyncConf(text, 'c.conf').diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);

describe('corosync.conf reader', () => {
  it('reads a located model', () => {
    const r = readCorosyncConf(conf('  two_node: 1\n', 2), 'c.conf');
    expect(r.conf?.quorum.twoNode).toEqual({ value: 1, line: 7, column: 13 });
    expect(r.conf?.nodes.map((n) => n.nodeid?.value)).toEqual([1, 2]);
    expect(r.diagnostics).toEqual([]);
    expect(looksLikeCorosyncConf(conf('', 2))).toBe(true);
  });

  it('refuses structure errors as corosync does, located', () => {
    expect(codes('totem {\n  version: 2\n')).toEqual(['parse-error@1:1']);
    expect(codes('totem {\n  what is this\n}\n')).toEqual(['parse-error@2:3']);
    expect(codes('}\n')).toEqual(['parse-error@1:1']);
    expect(codes(`totem {\n  token: ${'9'.repeat(600)}\n}\n`)).toEqual(['line-too-long@2:512']);
    expect(readCorosyncConf('totem {\n  x: 1\n}\n'.repeat(1), 'c').conf).toBeDefined();
  });

  it('types integers like corosync and refuses bad ones', () => {
    const r = readCorosyncConf(conf('  two_node: yes\n'), 'c.conf');
    expect(r.diagnostics[0]).toMatchObject({ code: 'bad-integer', severity: 'error', line: 7, column: 13 });
    expect(r.diagnostics[0]!.message).toContain('expected to be integer in range (0..255), but "yes" was given');
  });

  it('warns about keys corosync stores but never reads', () => {
    expect(codes(conf('  two_nodes: 1\n'))).toContain('unknown-key@7:3');
  });

  it('flags two_node in a nodelist of more than two nodes', () => {
    const r = readCorosyncConf(conf('  two_node: 1\n', 3), 'c.conf');
    expect(r.diagnostics.find((d) => d.code === 'two-node-many-nodes')).toMatchObject({ severity: 'warning', line: 7 });
  });

  it('reports the combinations votequorum refuses at startup', () => {
    const dev = '  device {\n    model: net\n    net {\n      host: 10.0.0.9\n    }\n  }\n';
    expect(codes(conf(`  two_node: 1\n${dev}`, 2))).toContain('votequorum-two-node-device@7:13');
    expect(codes(conf(`  last_man_standing: 1\n${dev}`, 4))).toContain('votequorum-device-lms@7:22');
    expect(codes(conf('  auto_tie_breaker: 1\n  last_man_standing: 1\n', 3))).toContain('votequorum-atb-lms-odd@7:21');
    expect(codes(conf('  auto_tie_breaker: 1\n', 3))).toContain('votequorum-atb-disabled@7:21');
  });

  it('stays bounded on 10,000 nodes and locates the first one past totem\'s limit', () => {
    const text = `totem {\n  version: 2\n}\nquorum {\n  provider: corosync_votequorum\n}\n${nodes(10_000)}`;
    const started = performance.now();
    const r = readCorosyncConf(text, 'big.conf');
    expect(performance.now() - started).toBeLessThan(5000);
    const tooMany = r.diagnostics.filter((d) => d.code === 'too-many-nodes');
    expect(tooMany).toHaveLength(1);
    expect(tooMany[0]!.line).toBe(7 + 384 * 5 + 1);
  });
});
