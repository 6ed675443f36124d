import { describe, expect, it } from 'vitest';
import { trackerContribution } from '../../core/rfc3768.js';
import { buildElectionTable, compareAddresses, MAX_ENUMERATED_TRACKERS, nodeOutcome } from './election-table.js';

const contribution = (t: { weight: number; reverse: boolean }, up: boolean): number => trackerContribution(t.weight, t.reverse, up);
import { iface, node, script } from './election.test-utils.js';

describe('effective priority (keepalived 2.2.7, research §2.10)', () => {
  it('adds a positive weight when the tracker is up and nothing when down', () => {
    expect(contribution({ weight: 20, reverse: false }, true)).toBe(20);
    expect(contribution({ weight: 20, reverse: false }, false)).toBe(0);
  });

  it('adds a negative weight only when the tracker is down', () => {
    expect(contribution({ weight: -20, reverse: false }, true)).toBe(0);
    expect(contribution({ weight: -20, reverse: false }, false)).toBe(-20);
  });

  it('flips the sign with reverse', () => {
    expect(contribution({ weight: 20, reverse: true }, true)).toBe(-20);
    expect(contribution({ weight: -20, reverse: true }, false)).toBe(20);
  });

  it('clamps to 1..254 and keeps the total', () => {
    const n = node('a', 250, { trackers: [script('a', 'up', 10)] });
    expect(nodeOutcome(n, new Set())).toEqual({ node: 'a', fault: false, total: 260, effective: 254 });
    const m = node('b', 5, { trackers: [script('b', 'dn', -10)] });
    expect(nodeOutcome(m, new Set(['b:dn']))).toEqual({ node: 'b', fault: false, total: -5, effective: 1 });
  });

  it('pins the owner at 255 whatever the weights', () => {
    const n = node('a', 255, { trackers: [script('a', 's', -100)] });
    expect(nodeOutcome(n, new Set(['a:s']))).toMatchObject({ fault: false, effective: 255 });
  });

  it('faults on a weight-0 tracker that is down, or up with reverse', () => {
    const n = node('a', 100, { trackers: [script('a', 's', 0), iface('a', 'eth1', 0, true)] });
    expect(nodeOutcome(n, new Set(['a:s', 'a:if eth1']))).toEqual({ node: 'a', fault: true, faultedBy: ['a:s'] });
    expect(nodeOutcome(n, new Set())).toEqual({ node: 'a', fault: true, faultedBy: ['a:if eth1'] });
    expect(nodeOutcome(n, new Set(['a:if eth1']))).toMatchObject({ fault: false, effective: 100 });
  });
});

describe('buildElectionTable', () => {
  it('enumerates every combination, all-up first, and elects the highest priority', () => {
    const t = buildElectionTable({
      interface: 'eth0',
      vrid: 51,
      nodes: [node('lb1', 150, { trackers: [script('lb1', 'chk', -60)] }), node('lb2', 100)],
    });
    expect(t.complete).toBe(true);
    expect(t.rows.map((r) => r.down)).toEqual([[], ['lb1:chk']]);
    expect(t.rows[0]!.master).toEqual({ kind: 'node', node: 'lb1', priority: 150 });
    expect(t.rows[1]!.master).toEqual({ kind: 'node', node: 'lb2', priority: 100 });
  });

  it('breaks ties by the higher address when every tied address is known', () => {
    const t = buildElectionTable({
      interface: 'eth0',
      vrid: 1,
      nodes: [node('a', 100, { address: '192.0.2.9' }), node('b', 100, { address: '192.0.2.10' })],
    });
    expect(t.rows[0]!.master).toEqual({ kind: 'tie', nodes: ['a', 'b'], priority: 100, node: 'b', address: '192.0.2.10' });
  });

  it('leaves a tie open when an address is unknown', () => {
    const t = buildElectionTable({ interface: 'eth0', vrid: 1, nodes: [node('a', 100), node('b', 100, { address: '192.0.2.1' })] });
    expect(t.rows[0]!.master).toEqual({ kind: 'tie', nodes: ['a', 'b'], priority: 100 });
  });

  it('reports no master when every node is in FAULT', () => {
    const t = buildElectionTable({ interface: 'eth0', vrid: 1, nodes: [node('a', 100, { trackers: [script('a', 's', 0)] })] });
    expect(t.rows[1]!.master).toEqual({ kind: 'none' });
  });

  it('caps the combinations and says so', () => {
    const many = Array.from({ length: MAX_ENUMERATED_TRACKERS + 1 }, (_, i) => script('a', `s${i}`, -1));
    const t = buildElectionTable({ interface: 'eth0', vrid: 1, nodes: [node('a', 100, { trackers: many }), node('b', 90)] });
    expect(t.complete).toBe(false);
    expect(t.note).toMatch(/9 trackers would give 512 combinations/);
    expect(t.rows).toHaveLength(1 + many.length + 1);
  });
});

describe('compareAddresses', () => {
  it('compares IPv4 numerically, not as text', () => {
    expect(compareAddresses('192.0.2.10', '192.0.2.9')).toBe(1);
    expect(compareAddresses('10.0.0.1/24', '10.0.0.1')).toBe(0);
  });
  it('compares IPv6 with :: compression', () => {
    expect(compareAddresses('2001:db8::2', '2001:db8::1')).toBe(1);
    expect(compareAddresses('fe80::1', '2001:db8::ffff')).toBe(1);
  });
  it('treats unparseable addresses as equal', () => {
    expect(compareAddresses('not-an-ip', '192.0.2.1')).toBe(0);
  });
});
