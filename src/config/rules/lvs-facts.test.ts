/**
 * The LVS checks with the facts read from the model (lvs-facts.ts), on whole
 * configs. Each case notes what keepalived 2.2.7 `-t` itself prints for it, so
 * our finding can be read against keepalived's: where keepalived warns and
 * "fixes" the config we say what the fix does to traffic; where it says
 * nothing we say what it silently does.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { clusterNodeFromModel } from './cluster-adapter.js';
import type { ClusterNode } from './cluster-view.js';
import { lvsFacts } from './lvs-facts.js';
import { lvsFindings } from './lvs.js';

/** The node as the validator builds it, with the LVS facts attached to each virtual server. */
function nodeOf(text: string): ClusterNode {
  const { model } = parseConfig(text, { file: 'lb.conf' });
  const node = clusterNodeFromModel('lb', 'lb.conf', model);
  return { ...node, virtualServers: node.virtualServers.map((vs, i) => ({ ...vs, lvs: lvsFacts(model.virtualServers[i]!, model) })) };
}

const findings = (text: string, ...codes: string[]): Diagnostic[] =>
  lvsFindings(nodeOf(text)).filter((d) => codes.length === 0 || codes.includes(d.code));
const codesLines = (ds: readonly Diagnostic[]) => ds.map((d) => [d.code, d.line]);

const vs = (head: string, body: string, servers: string) => `virtual_server ${head} {\n${body}${servers}}\n`;
const rs = (addr: string, extra = '') => `    real_server ${addr} {\n        weight 1\n${extra}    }\n`;

describe('ports under DR and TUN (keepalived: "ports don\'t match - resetting")', () => {
  it('a real server on another port, under the service\'s lb_kind DR or TUN', () => {
    for (const kind of ['DR', 'TUN']) {
      const ds = findings(vs('192.0.2.80 80', `    lb_kind ${kind}\n    protocol TCP\n`, rs('192.0.2.21 8080')), 'lvs-dr-port-mismatch');
      expect(codesLines(ds)).toEqual([['lvs-dr-port-mismatch', 4]]);
      expect(ds[0]!.message).toContain(`${kind} cannot translate ports: packets for 192.0.2.80:80 arrive on port 80, and keepalived resets it to port 80`);
    }
  });

  it('follows the real server\'s own lvs_method: DR in a NAT service is checked, NAT in a DR service is not', () => {
    // keepalived warns for the first ("ports don't match - resetting") and says nothing for the second.
    const drInNat = findings(vs('192.0.2.80 80', '    lb_kind NAT\n    protocol TCP\n', rs('192.0.2.21 8080', '        lvs_method DR\n')));
    expect(codesLines(drInNat)).toEqual([['lvs-dr-arp', 6], ['lvs-dr-port-mismatch', 4]]);
    const natInDr = findings(vs('192.0.2.80 80', '    lb_kind DR\n    protocol TCP\n', rs('192.0.2.21 8080', '        lvs_method NAT\n')), 'lvs-dr-port-mismatch');
    expect(natInDr).toEqual([]);
  });

  it('no port written, or the service\'s own: nothing to say', () => {
    expect(findings(vs('192.0.2.80 80', '    lb_kind DR\n', rs('192.0.2.21') + rs('192.0.2.22 80')), 'lvs-dr-port-mismatch')).toEqual([]);
  });

  it('a group service: each address entry\'s port (keepalived: "ports don\'t match", no reset)', () => {
    const text = 'virtual_server_group web {\n    192.0.2.80 80\n    192.0.2.81 443\n}\n' + vs('group web', '    lb_kind DR\n    protocol TCP\n', rs('192.0.2.21 80'));
    const ds = findings(text, 'lvs-dr-port-mismatch');
    expect(codesLines(ds)).toEqual([['lvs-dr-port-mismatch', 8]]);
    expect(ds[0]!.message).toContain('arrive on port 443 (group entry, line 3) and keepalived only warns');
  });

  it('a fwmark service: a port on a DR real server means nothing (keepalived: "has port specified - clearing")', () => {
    const ds = findings(vs('fwmark 1', '    lb_kind DR\n', rs('192.0.2.21 8080')), 'lvs-fwmark-port-ignored', 'lvs-dr-port-mismatch');
    expect(ds.map((d) => [d.code, d.severity, d.line])).toEqual([['lvs-fwmark-port-ignored', 'warning', 3]]);
    expect(findings(vs('fwmark 1', '    lb_kind NAT\n', rs('192.0.2.21 8080')), 'lvs-fwmark-port-ignored')).toEqual([]);
  });

  it('the sorry server too, with sorry_server_lvs_method (keepalived: "sorry server ports don\'t match - resetting")', () => {
    const ds = findings(vs('192.0.2.80 80', '    lb_kind NAT\n    protocol TCP\n    sorry_server 192.0.2.99 8080\n    sorry_server_lvs_method DR\n', rs('192.0.2.21 80')), 'lvs-dr-port-mismatch');
    expect(codesLines(ds)).toEqual([['lvs-dr-port-mismatch', 4]]);
    expect(ds[0]!.message).toMatch(/^sorry_server 192\.0\.2\.99 listens on port 8080/);
  });
});

describe('weights and quorum (keepalived: "quorum … exceeds total weight …, reducing quorum")', () => {
  it('counts the virtual server\'s default weight for real servers without one', () => {
    // weight 3 by default, two servers: 6 >= quorum 5, keepalived says nothing.
    const text = vs('192.0.2.80 80', '    protocol TCP\n    weight 3\n    quorum 5\n', '    real_server 192.0.2.21 80 {\n    }\n    real_server 192.0.2.22 80 {\n    }\n');
    expect(findings(text, 'lvs-quorum-unreachable')).toEqual([]);
    const higher = findings(text.replace('quorum 5', 'quorum 7'), 'lvs-quorum-unreachable');
    expect(higher.map((d) => [d.code, d.severity, d.line])).toEqual([['lvs-quorum-unreachable', 'warning', 4]]);
    expect(higher[0]!.message).toContain('(6): keepalived lowers it to 6, so the service keeps quorum only while every real server is up');
  });

  it('all weights 0: no connection is ever scheduled (keepalived: "reducing quorum to 0")', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n', '    real_server 192.0.2.21 80 {\n        weight 0\n    }\n    real_server 192.0.2.22 80 {\n        weight 0\n    }\n');
    const ds = findings(text, 'lvs-all-weights-zero', 'lvs-quorum-unreachable', 'lvs-hysteresis-not-below-quorum');
    expect(ds.map((d) => [d.code, d.severity, d.line])).toEqual([['lvs-all-weights-zero', 'warning', 3]]);
    expect(ds[0]!.message).toContain('no destination available');
  });

  it('hysteresis not below quorum (keepalived: "hysteresis 5 >= quorum 5; setting hysteresis to 4")', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n    weight 3\n    quorum 5\n    hysteresis 5\n', rs('192.0.2.21 80') + rs('192.0.2.22 80'));
    // weight 1 each (written), so quorum 5 > 2 is lowered to 2 first, then hysteresis 5 >= 2 → 1
    const ds = findings(text, 'lvs-quorum-unreachable', 'lvs-hysteresis-not-below-quorum');
    expect(codesLines(ds)).toEqual([['lvs-quorum-unreachable', 4], ['lvs-hysteresis-not-below-quorum', 5]]);
    expect(ds[1]!.message).toBe('hysteresis 5 of 192.0.2.80:80 is not below quorum 2 (as lowered): keepalived sets it to 1');
  });
});

describe('persistence, scheduler flags and the forwarding method', () => {
  it('persistence_granularity alone makes the service persistent for 360 s (keepalived says nothing)', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n    persistence_granularity 255.255.255.0\n', rs('192.0.2.21 80'));
    expect(codesLines(findings(text, 'lvs-granularity-makes-persistent'))).toEqual([['lvs-granularity-makes-persistent', 3]]);
    const withTimeout = text.replace('    protocol TCP\n', '    protocol TCP\n    persistence_timeout 600\n');
    expect(findings(withTimeout, 'lvs-granularity-makes-persistent')).toEqual([]);
  });

  it('mh-port under lb_algo sh is dropped without a word (keepalived says nothing); sh-port is not', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n    lb_algo sh\n    mh-port\n    sh-fallback\n', rs('192.0.2.21 80'));
    const ds = findings(text, 'lvs-scheduler-flag-dropped', 'lvs-scheduler-flag-unused');
    expect(codesLines(ds)).toEqual([['lvs-scheduler-flag-dropped', 4]]);
    expect(ds[0]!.hint).toContain('write sh-port instead');
  });

  it('a flag left behind by a later lb_algo does nothing (keepalived says nothing)', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n    lb_algo mh\n    mh-fallback\n    lb_algo wlc\n', rs('192.0.2.21 80'));
    expect(codesLines(findings(text, 'lvs-scheduler-flag-dropped', 'lvs-scheduler-flag-unused'))).toEqual([['lvs-scheduler-flag-unused', 4]]);
  });

  it('lb_kind and lvs_method are one setting: the earlier line is forgotten (keepalived says nothing)', () => {
    const text = vs('192.0.2.80 80', '    protocol TCP\n    lvs_method DR\n    lb_kind NAT\n', rs('192.0.2.21 80'));
    const ds = findings(text, 'lvs-forwarding-overridden');
    expect(codesLines(ds)).toEqual([['lvs-forwarding-overridden', 3]]);
    expect(ds[0]!.message).toContain('lvs_method DR of 192.0.2.80:80 is overridden by lb_kind NAT on line 4');
    expect(findings(text.replace('lb_kind NAT', 'lb_kind DR'), 'lvs-forwarding-overridden')).toEqual([]);
  });
});

describe('malformed virtual_server blocks', () => {
  it.each([
    'virtual_server 192.0.2.80 {\n    lb_algo\n    real_server 192.0.2.21 80 {\n        weight -1\n        TCP_CHECK {\n    }\n}\n',
    'virtual_server {\n}\nvirtual_server 192.0.2.999 80 {\n  real_server 1.2.3.4 99999 {\n  }\n}\n',
    'virtual_server_group g {\n}\nvirtual_server group g {\n  lb_kind DR\n  real_server 1.2.3.4 80 {\n  }\n}\nvirtual_server group nope {\n  real_server 1.2.3.4 8080 {\n    lvs_method TUN\n  }\n}\n',
    'virtual_server fwmark x {\n  sorry_server 1.2.3.4\n  sorry_server_lvs_method DR\n  quorum 99999999999\n  hysteresis -1\n  weight 0\n  real_server 1.2.3.4 {\n    weight 99999999999\n  }\n}\n',
  ])('never throws, whatever the block holds: %j', (text) => {
    expect(() => lvsFindings(nodeOf(text))).not.toThrow();
  });
});
