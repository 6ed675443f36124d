/**
 * The configurations of the project's seed documents (placeholders filled with
 * documentation addresses), checked as keepalived 2.2.7 checks them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';

const seed = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/seeds/${name}`, import.meta.url));
const at = (r: ReturnType<typeof loadConfig>, line: number): string[] => r.diagnostics.filter((d) => d.line === line).map((d) => d.code);

describe('seed 000: a gateway pair with a tracked interface', () => {
  const host = { interfaces: ['lo', 'eth0', 'eth1'] };

  it('is accepted on a host with eth0 and eth1, except that tracking its own interface is ignored', () => {
    const r = loadConfig(seed('seed000-gateway.conf'), { host });
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[20, 'track-own-interface']]);
    const vi = r.model.vrrpInstances[0];
    expect(vi?.effective).toMatchObject({ state: 'MASTER', priority: 100, advertIntUs: 1_000_000, auth: { type: 'PASS', key: '4821' } });
    expect(vi?.trackInterfaces.map((t) => t.name)).toEqual(['eth0', 'eth1']);
    expect(vi?.virtualIpaddresses[0]).toMatchObject({ address: '192.0.2.1', prefixLength: 24, broadcast: { value: '192.0.2.255' }, dev: { value: 'eth1' } });
  });

  it('keeps only eth0 as a tracked interface', () => {
    const r = loadConfig(seed('seed000-gateway.conf'), { host });
    expect(r.model.vrrpInstances[0]?.effective?.trackInterfaces.map((t) => t.name)).toEqual(['eth0']);
  });

  it('lists the interface checks as not checked when no host is given', () => {
    const r = loadConfig(seed('seed000-gateway.conf'));
    expect(r.notChecked.map((n) => [n.check, n.line])).toEqual([
      ['interface-exists', 15], ['interface-exists', 19], ['interface-exists', 20], ['interface-exists', 30],
    ]);
  });

  it('reports missing interfaces on a host without them', () => {
    const r = loadConfig(seed('seed000-gateway.conf'), { host: { interfaces: ['lo', 'eth0'] } });
    expect(at(r, 15)).toEqual(['interface-missing']);
    expect(at(r, 20)).toEqual(['track-interface-missing']);
    expect(at(r, 30)).toEqual(['address-interface-missing']);
  });
});

describe('seed 003: an LVS director pair in DR mode', () => {
  for (const [file, state, priority] of [['seed003-lb1.conf', 'MASTER', 100], ['seed003-lb2.conf', 'BACKUP', 50]] as const) {
    it(`${file} is accepted silently, like keepalived does`, () => {
      const r = loadConfig(seed(file), { host: { interfaces: ['lo', 'eth0'] } });
      expect(r.diagnostics).toEqual([]);
      expect(r.model.vrrpInstances[0]?.effective).toMatchObject({ state, priority });
      const vs = r.model.virtualServers[0];
      expect(vs?.target).toEqual({ kind: 'address', address: '192.0.2.100', family: 'inet', port: 2811 });
      expect([vs?.lbAlgo?.value, vs?.lbKind?.value, vs?.protocol?.value]).toEqual(['wlc', 'DR', 'TCP']);
      expect(vs?.realServers[0]?.checkers.map((c) => [c.type, c.connectTimeoutUs?.value])).toEqual([['TCP_CHECK', 3_000_000]]);
    });
  }
});

describe('seed 004: Eucalyptus cluster controllers', () => {
  for (const file of ['seed004-cc1.conf', 'seed004-cc2.conf']) {
    it(`${file}: lvs_id is unknown, state EQUAL falls back to BACKUP, the script weighs 2`, () => {
      const r = loadConfig(seed(file), { host: { interfaces: ['lo', 'eth0', 'bond1'] } });
      expect(at(r, 10)).toEqual(['unknown-keyword']);
      expect(at(r, 22)).toEqual(['state-invalid']);
      expect(r.diagnostics.find((d) => d.code === 'state-invalid')?.message).toBe(
        "(cloud_cluster1_gateway) unknown state 'EQUAL'; keepalived defaults to BACKUP",
      );
      const vi = r.model.vrrpInstances[0];
      expect(vi?.effective).toMatchObject({ state: 'BACKUP', priority: 100 });
      expect(vi?.effective?.trackScripts).toEqual([{ name: 'cc-enabled-check', weight: 2, reverse: false }]);
      expect(r.model.vrrpScripts[0]?.effective).toMatchObject({ intervalS: 5, weight: 2, rise: 1, fall: 1 });
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([10, 22]);
    });
  }
});
