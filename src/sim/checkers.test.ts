import { describe, expect, it } from 'vitest';
import type { ClusterEvent, Observation, StateName } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { atMostOneMaster, checkTrace, convergence, convergenceBoundUs, routerDirectory } from './checkers.js';
import { nodeConfig } from './topology.test-utils.js';

const nodes = [
  { id: 'a', config: { vrrp: nodeConfig('a', '192.0.2.1', 200) } },
  { id: 'b', config: { vrrp: nodeConfig('b', '192.0.2.2', 100) } },
  { id: 'c', config: { vrrp: nodeConfig('c', '192.0.2.3', 100) } },
];
const routerOf = routerDirectory(nodes);

const tr = (at: number, node: string, from: StateName, to: StateName, priority = 100): Observation => ({
  kind: 'transitioned', at: at as Instant, node, instance: 'VI_1', from, to, priority, reason: 'test',
});
const ev = (at: number, event: ClusterEvent): Observation => ({ kind: 'event', at: at as Instant, node: 'node' in event ? event.node : '*', event });
const end = (us: number) => us as Instant;

describe('routerDirectory', () => {
  it('groups instances by segment and VRID', () => {
    expect(routerOf('a', 'VI_1')).toEqual({ router: '192.0.2.0/24#51', address: '192.0.2.1', preempt: true });
    const other = routerDirectory([{ id: 'x', config: { vrrp: nodeConfig('x', '198.51.100.1', 100) } }]);
    expect(other('x', 'VI_1')?.router).toBe('198.51.100.0/24#51');
  });
});

describe('atMostOneMaster', () => {
  const checker = () => atMostOneMaster({ routerOf, graceUs: 4_000_000, overlapUs: 100 });

  it('accepts a handover whose overlap is one delivery delay', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP'), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_000_000, 'b', 'BACKUP', 'MASTER'), tr(5_000_000, 'a', 'BACKUP', 'MASTER'), tr(5_000_100, 'b', 'MASTER', 'BACKUP')];
    expect(checkTrace(trace, [checker()], end(10_000_000))).toEqual([]);
  });

  it('flags two masters on a whole network, from when the second one rose', () => {
    const trace = [tr(5_000_000, 'a', 'BACKUP', 'MASTER'), tr(5_000_000, 'b', 'BACKUP', 'MASTER'), tr(6_000_000, 'b', 'MASTER', 'BACKUP')];
    const found = checkTrace(trace, [checker()], end(10_000_000));
    expect(found).toMatchObject([{ checker: 'at-most-one-master', at: 5_000_000, nodes: ['a', 'b'], router: '192.0.2.0/24#51' }]);
    expect(found[0]?.message).toContain('1000000 µs');
  });

  it('allows two masters during a partition and for the grace after heal, not beyond', () => {
    const trace = [
      tr(1_000_000, 'a', 'BACKUP', 'MASTER'),
      ev(2_000_000, { kind: 'partition', groups: [['a'], ['b']] }),
      tr(6_000_000, 'b', 'BACKUP', 'MASTER'),
      ev(10_000_000, { kind: 'heal' }),
    ];
    // Still two masters 5 s after the heal: the grace (4 s) is over at 14 s.
    const found = checkTrace(trace, [checker()], end(15_000_000));
    expect(found).toMatchObject([{ at: 14_000_000, nodes: ['a', 'b'] }]);
    // Resolved within the grace: fine.
    const resolved = [...trace, tr(13_000_000, 'b', 'MASTER', 'BACKUP')];
    expect(checkTrace(resolved, [checker()], end(15_000_000))).toEqual([]);
  });

  it('pause, loss, one-way cuts and a down link also suspend the invariant', () => {
    for (const fault of [
      { kind: 'pause', node: 'a' },
      { kind: 'loss', node: 'a', lossRatio: 0.5 },
      { kind: 'oneway', from: 'a', to: 'b' },
      { kind: 'linkdown', node: 'a' },
    ] as const) {
      const trace = [tr(1_000_000, 'a', 'BACKUP', 'MASTER'), ev(2_000_000, fault), tr(6_000_000, 'b', 'BACKUP', 'MASTER')];
      expect(checkTrace(trace, [checker()], end(9_000_000))).toEqual([]);
    }
  });

  it('a killed master no longer counts', () => {
    const trace = [tr(1_000_000, 'a', 'BACKUP', 'MASTER'), ev(2_000_000, { kind: 'kill', node: 'a' }), tr(5_000_000, 'b', 'BACKUP', 'MASTER')];
    expect(checkTrace(trace, [checker()], end(9_000_000))).toEqual([]);
  });
});

describe('convergence', () => {
  const bound = convergenceBoundUs(nodes, 100);
  const checker = () => convergence({ routerOf, boundUs: bound });

  it('computes the bound from the slowest Master_Down_Interval plus two delays', () => {
    expect(bound).toBe(3_000_000 + 996_093 + 200);
  });

  it('accepts the highest priority as the only master', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200)];
    expect(checkTrace(trace, [checker()], end(20_000_000))).toEqual([]);
  });

  it('flags a lower priority master that stays after the bound', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_609_375, 'b', 'BACKUP', 'MASTER')];
    const found = checkTrace(trace, [checker()], end(20_000_000));
    expect(found).toMatchObject([{ checker: 'convergence', at: bound, nodes: ['a', 'b'] }]);
    expect(found[0]?.message).toContain('should have converged on a (priority 200, 192.0.2.1), but b is MASTER');
  });

  it('breaks a priority tie by the higher primary address', () => {
    const base = [tr(0, 'b', 'INIT', 'BACKUP'), tr(0, 'c', 'INIT', 'BACKUP')];
    expect(checkTrace([...base, tr(3_600_000, 'c', 'BACKUP', 'MASTER')], [checker()], end(20_000_000))).toEqual([]);
    expect(checkTrace([...base, tr(3_600_000, 'b', 'BACKUP', 'MASTER')], [checker()], end(20_000_000))).toHaveLength(1);
  });

  it('measures from the last change, and follows priority changes', () => {
    const trace: Observation[] = [
      tr(0, 'a', 'INIT', 'BACKUP', 200),
      tr(0, 'b', 'INIT', 'BACKUP'),
      tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200),
      { kind: 'priority-changed', at: 10_000_000 as Instant, node: 'a', instance: 'VI_1', from: 200, to: 50, reason: 'script' },
    ];
    // b has not taken over by the end of the bound after the change:
    expect(checkTrace(trace, [checker()], end(30_000_000))).toMatchObject([{ at: 10_000_000 + bound }]);
    const took = [...trace, tr(13_000_000, 'b', 'BACKUP', 'MASTER'), tr(13_000_100, 'a', 'MASTER', 'BACKUP', 50)];
    expect(checkTrace(took, [checker()], end(30_000_000))).toEqual([]);
  });

  it('skips judging while the network is split', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), ev(1_000_000, { kind: 'partition', groups: [['a'], ['b']] }), tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200), tr(3_609_375, 'b', 'BACKUP', 'MASTER')];
    expect(checkTrace(trace, [checker()], end(30_000_000))).toEqual([]);
  });
});
