import { describe, expect, it } from 'vitest';
import { codesAt, parse } from './config.test-utils.js';

/** Lines carrying a diagnostic with `code`. */
const linesWith = (r: ReturnType<typeof parse>, code: string): number[] =>
  [...new Set(r.diagnostics.filter((d) => d.code === code).map((d) => d.line))].sort((a, b) => (a ?? 0) - (b ?? 0)) as number[];

describe('keepalived block recovery', () => {
  it("lets an unknown block's '}' close the enclosing block early", () => {
    const r = parse([
      'virtual_server 192.0.2.1 80 {', //  1
      '  protocol TCP', //                 2
      '  real_server 192.0.2.2 80 {', //   3
      '    BOGUS_CHECK {', //              4  unknown + unexpected '{'
      '      connect_timeout 3', //        5  (a real_server keyword)
      '    }', //                          6  closes real_server
      '    weight 2', //                   7  virtual_server's weight
      '  }', //                            8  closes virtual_server
      '  delay_loop 3', //                 9  unknown at the top level
      '}', //                              10 unknown '}' at the top level
    ].join('\n') + '\n');
    expect(codesAt(r, 4).sort()).toEqual(['unexpected-open-brace', 'unknown-keyword']);
    expect(linesWith(r, 'unknown-keyword')).toEqual([4, 9, 10]);
    expect(r.model.virtualServers[0]?.realServers.length).toBe(1);
    expect(r.model.unknown.map((u) => [u.keyword, u.block])).toEqual([['BOGUS_CHECK', 'real_server'], ['delay_loop', 'root'], ['}', 'root']]);
  });

  it("reports a missing '{' and, like keepalived's other processes, the lines they read at the top level", () => {
    const r = parse([
      'vrrp_instance VI_1', //       1
      '  interface eth0', //         2  missing '{' (VRRP process); unknown (others)
      '  virtual_router_id 1', //    3
      '  virtual_ipaddress {', //    4
      '    192.0.2.1', //            5
      '  }', //                      6
      '}', //                        7  extra '}'
    ].join('\n') + '\n');
    expect(codesAt(r, 2)).toContain('missing-open-brace');
    expect(linesWith(r, 'unknown-keyword')).toEqual([2, 3, 4, 5, 6, 7]);
    expect(codesAt(r, 7)).toContain('extra-close-brace');
    expect(r.model.vrrpInstances[0]?.interface?.value).toBe('eth0');
  });

  it('skips a block with a duplicate or missing name without looking inside', () => {
    const r = parse('vrrp_instance VI_1 {\n interface eth0\n}\nvrrp_instance VI_1 {\n bogus 1\n}\nvrrp_instance {\n bogus 2\n}\n');
    expect(codesAt(r, 4)).toContain('vrrp-instance-duplicate');
    expect(codesAt(r, 7)).toContain('vrrp-instance-name-missing');
    expect(linesWith(r, 'unknown-keyword')).toEqual([]);
    expect(r.model.vrrpInstances.length).toBe(1);
  });

  it("reports missing '}' at the end of input", () => {
    const r = parse('global_defs {\n router_id x\n');
    expect(r.diagnostics.map((d) => d.code)).toContain('missing-close-brace');
    expect(r.model.globalDefs.routerId?.value).toBe('x');
  });

  it('reads the lines after a value keyword with extra words as its block', () => {
    const r = parse(
      'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_interface eth1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n',
      { host: { interfaces: ['eth0', 'eth1'] } },
    );
    expect(codesAt(r, 4)).toContain('value-block-extra-parameters');
    // keepalived took `virtual_ipaddress`, `{` and the address as tracked interfaces
    expect(codesAt(r, 5)).toContain('track-interface-missing');
    expect(r.model.vrrpInstances[0]?.virtualIpaddresses).toEqual([]);
  });

  it('reports a missing parameter where keepalived stops with exit status 2', () => {
    const r = parse('vrrp_instance VI_1 {\n state\n interface\n}\n');
    expect(codesAt(r, 2)).toEqual(['missing-parameter']);
    expect(codesAt(r, 3)).toEqual(['missing-parameter']);
  });

  it('treats keywords as case-sensitive', () => {
    expect(codesAt(parse('VRRP_INSTANCE x {\n}\n'), 1)).toContain('unknown-keyword');
  });

  it('keeps the position of every statement and value', () => {
    const r = parse('vrrp_instance VI_1 {\n    priority 150\n}\n');
    const inst = r.model.vrrpInstances[0];
    expect(inst?.loc).toEqual({ file: 'keepalived.conf', line: 1, column: 1 });
    expect(inst?.priority).toEqual({ value: 150, loc: { file: 'keepalived.conf', line: 2, column: 14 } });
    expect(inst?.end?.line).toBe(3);
    expect(inst?.statements.map((s) => s.keyword)).toEqual(['priority']);
  });
});
