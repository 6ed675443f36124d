import { describe, expect, it } from 'vitest';
import type { ClusterEvent, Observation, StateName } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { RouterDirectory, type RouterMember } from './routers.js';
import { convergenceBoundUs, standardCheckers } from './standard.js';
import { checkTrace, violationsOf, type Checker } from './verdict.js';
import { atMostOneMaster, convergence, failoverWithin, vipsFollowMaster } from './vrrp.js';

const member = (node: string, address: string, extra: Partial<RouterMember> = {}): RouterMember => ({
  node, instance: 'VI_1', router: 'VRID 51 on eth0', vrid: 51, address, preempt: true, virtualAddresses: ['192.0.2.100'], ...extra,
});
const directory = new RouterDirectory([member('a', '192.0.2.1'), member('b', '192.0.2.2'), member('c', '192.0.2.3')]);

const tr = (at: number, node: string, from: StateName, to: StateName, priority = 100): Observation => ({
  kind: 'transitioned', at: at as Instant, node, instance: 'VI_1', from, to, priority, reason: 'test',
});
const ev = (at: number, event: ClusterEvent): Observation => ({ kind: 'event', at: at as Instant, node: 'node' in event ? event.node : '*', event });
const vip = (at: number, node: string, action: 'add' | 'remove', address = '192.0.2.100'): Observation => ({
  kind: action === 'add' ? 'address-added' : 'address-removed', at: at as Instant, node, instance: 'VI_1', interface: 'eth0', address, prefixLength: 24,
});
const judge = (trace: readonly Observation[], checker: Checker, endUs: number) => violationsOf(checkTrace(trace, [checker], endUs as Instant));

describe('atMostOneMaster', () => {
  const checker = () => atMostOneMaster({ directory, judge: 'while-whole', settleUs: 4_000_000, overlapUs: 100 });

  it('accepts a handover whose overlap is one delivery delay', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP'), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_000_000, 'b', 'BACKUP', 'MASTER'), tr(5_000_000, 'a', 'BACKUP', 'MASTER'), tr(5_000_100, 'b', 'MASTER', 'BACKUP')];
    expect(judge(trace, checker(), 10_000_000)).toEqual([]);
  });

  it('flags two masters on a whole network, from when the second one rose', () => {
    const trace = [tr(5_000_000, 'a', 'BACKUP', 'MASTER'), tr(5_000_000, 'b', 'BACKUP', 'MASTER'), tr(6_000_000, 'b', 'MASTER', 'BACKUP')];
    const found = judge(trace, checker(), 10_000_000);
    expect(found).toMatchObject([{ checker: 'at-most-one-master', class: 'safety', at: 5_000_000, nodes: ['a', 'b'], subject: 'VRID 51 on eth0' }]);
    expect(found[0]?.message).toBe('a and b were both MASTER for VRID 51 on eth0 from 5 s to 6 s on a whole network');
  });

  it('allows two masters during a partition and for the settle time after heal, not beyond', () => {
    const trace = [
      tr(1_000_000, 'a', 'BACKUP', 'MASTER'),
      ev(2_000_000, { kind: 'partition', groups: [['a'], ['b']] }),
      tr(6_000_000, 'b', 'BACKUP', 'MASTER'),
      ev(10_000_000, { kind: 'heal' }),
    ];
    // Still two masters at the end, 5 s after the heal: the settle time (4 s) is over at 14 s.
    expect(judge(trace, checker(), 15_000_000)).toMatchObject([{ at: 14_000_000, nodes: ['a', 'b'] }]);
    expect(judge([...trace, tr(13_000_000, 'b', 'MASTER', 'BACKUP')], checker(), 15_000_000)).toEqual([]);
    // Judged at every instant, the partition is no excuse:
    const always = atMostOneMaster({ directory, judge: 'always', settleUs: 0, overlapUs: 100 });
    expect(judge([...trace, tr(13_000_000, 'b', 'MASTER', 'BACKUP')], always, 15_000_000)).toMatchObject([{ at: 6_000_000, message: 'a and b were both MASTER for VRID 51 on eth0 from 6 s to 13 s' }]);
  });

  it('pause, loss, one-way cuts and a down link also suspend the invariant', () => {
    for (const fault of [
      { kind: 'pause', node: 'a' },
      { kind: 'loss', node: 'a', lossRatio: 0.5 },
      { kind: 'oneway', from: 'a', to: 'b' },
      { kind: 'linkdown', node: 'a' },
    ] as const) {
      const trace = [tr(1_000_000, 'a', 'BACKUP', 'MASTER'), ev(2_000_000, fault), tr(6_000_000, 'b', 'BACKUP', 'MASTER')];
      expect(judge(trace, checker(), 9_000_000)).toEqual([]);
    }
  });

  it('a killed master no longer counts', () => {
    const trace = [tr(1_000_000, 'a', 'BACKUP', 'MASTER'), ev(2_000_000, { kind: 'kill', node: 'a' }), tr(5_000_000, 'b', 'BACKUP', 'MASTER')];
    expect(judge(trace, checker(), 9_000_000)).toEqual([]);
  });

  it('does not judge instances the directory does not know', () => {
    const stranger = (at: number): Observation => ({ kind: 'transitioned', at: at as Instant, node: 'x', instance: 'VI_9', from: 'BACKUP', to: 'MASTER', priority: 100, reason: 'test' });
    expect(judge([tr(1_000_000, 'a', 'BACKUP', 'MASTER'), stranger(1_000_000)], checker(), 9_000_000)).toEqual([]);
  });
});

describe('convergence', () => {
  const bound = convergenceBoundUs(3_000_000 + 996_093, 100);
  const checker = (d = directory) => convergence({ directory: d, boundUs: bound });

  it('accepts the highest priority as the only master', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200)];
    expect(judge(trace, checker(), 20_000_000)).toEqual([]);
  });

  it('flags a lower priority master that stays after the bound', () => {
    const trace = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_609_375, 'b', 'BACKUP', 'MASTER')];
    const found = judge(trace, checker(), 20_000_000);
    expect(found).toMatchObject([{ checker: 'convergence', class: 'liveness', at: bound, nodes: ['a', 'b'] }]);
    expect(found[0]?.message).toBe('VRID 51 on eth0 should have converged on a (priority 200, 192.0.2.1), but b is MASTER');
  });

  it('on a priority tie accepts either as the one master: a BACKUP does not preempt an equal priority (RFC 3768 §6.4.2)', () => {
    const base = [tr(0, 'b', 'INIT', 'BACKUP'), tr(0, 'c', 'INIT', 'BACKUP')];
    expect(judge([...base, tr(3_600_000, 'c', 'BACKUP', 'MASTER')], checker(), 20_000_000)).toEqual([]);
    expect(judge([...base, tr(3_600_000, 'b', 'BACKUP', 'MASTER')], checker(), 20_000_000)).toEqual([]);
    const both = judge([...base, tr(3_600_000, 'b', 'BACKUP', 'MASTER'), tr(3_600_000, 'c', 'BACKUP', 'MASTER')], checker(), 20_000_000);
    expect(both).toMatchObject([{ message: 'VRID 51 on eth0 should have converged on b (priority 100, 192.0.2.2) or c (priority 100, 192.0.2.3), but b and c are MASTER' }]);
  });

  it('measures from the last change, and follows priority changes', () => {
    const trace: Observation[] = [
      tr(0, 'a', 'INIT', 'BACKUP', 200),
      tr(0, 'b', 'INIT', 'BACKUP'),
      tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200),
      { kind: 'priority-changed', at: 10_000_000 as Instant, node: 'a', instance: 'VI_1', from: 200, to: 50, reason: 'script' },
    ];
    expect(judge(trace, checker(), 30_000_000)).toMatchObject([{ at: 10_000_000 + bound }]);
    const took = [...trace, tr(13_000_000, 'b', 'BACKUP', 'MASTER'), tr(13_000_100, 'a', 'MASTER', 'BACKUP', 50)];
    expect(judge(took, checker(), 30_000_000)).toEqual([]);
  });

  it('skips judging while the network is split, and routers that keep a lower master by design', () => {
    const split = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), ev(1_000_000, { kind: 'partition', groups: [['a'], ['b']] }), tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200), tr(3_609_375, 'b', 'BACKUP', 'MASTER')];
    expect(judge(split, checker(), 30_000_000)).toEqual([]);
    const lower = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_609_375, 'b', 'BACKUP', 'MASTER')];
    for (const extra of [{ preempt: false }, { syncGroup: 'G1' }]) {
      const d = new RouterDirectory([member('a', '192.0.2.1', extra), member('b', '192.0.2.2')]);
      expect(judge(lower, checker(d), 30_000_000)).toEqual([]);
    }
  });
});

describe('vipsFollowMaster', () => {
  const checker = () => vipsFollowMaster({ directory, toleranceUs: 1_000 });

  it('accepts VIPs that move with the master at the same instant, or within the tolerance', () => {
    const trace = [tr(3_000_000, 'a', 'BACKUP', 'MASTER'), vip(3_000_000, 'a', 'add'), tr(8_000_000, 'a', 'MASTER', 'BACKUP'), vip(8_000_500, 'a', 'remove'), tr(8_000_000, 'b', 'BACKUP', 'MASTER'), vip(8_000_900, 'b', 'add')];
    expect(judge([...trace].sort((x, y) => x.at - y.at), checker(), 10_000_000)).toEqual([]);
  });

  it('flags a master without its VIP, and a VIP left on a node that stepped down', () => {
    const missing = judge([tr(3_000_000, 'a', 'BACKUP', 'MASTER'), vip(3_500_000, 'a', 'add')], checker(), 10_000_000);
    expect(missing).toMatchObject([{ checker: 'vips-follow-master', class: 'safety', at: 3_000_000, nodes: ['a'], message: 'a is MASTER of VI_1 without 192.0.2.100 from 3 s to 3.5 s (VRID 51 on eth0)' }]);
    const left = judge([tr(3_000_000, 'a', 'BACKUP', 'MASTER'), vip(3_000_000, 'a', 'add'), tr(6_000_000, 'a', 'MASTER', 'BACKUP')], checker(), 10_000_000);
    expect(left).toMatchObject([{ at: 6_000_000, message: 'a holds 192.0.2.100 while VI_1 is BACKUP from 6 s to 10 s (VRID 51 on eth0)' }]);
  });

  it('a crash takes the node\'s addresses with it', () => {
    const trace = [tr(3_000_000, 'a', 'BACKUP', 'MASTER'), vip(3_000_000, 'a', 'add'), ev(6_000_000, { kind: 'kill', node: 'a' })];
    expect(judge(trace, checker(), 10_000_000)).toEqual([]);
  });
});

describe('failoverWithin', () => {
  const crash = [tr(0, 'a', 'INIT', 'BACKUP', 200), tr(0, 'b', 'INIT', 'BACKUP'), tr(3_218_750, 'a', 'BACKUP', 'MASTER', 200), ev(6_000_000, { kind: 'kill', node: 'a' }), tr(9_609_375, 'b', 'BACKUP', 'MASTER')];
  const within = (withinUs: number, to?: string) => failoverWithin({ directory, members: (m) => m.instance === 'VI_1', label: 'VI_1', after: 6_000_000 as Instant, withinUs, ...(to === undefined ? {} : { to }) });

  it('measures when the one new master is in place', () => {
    const c = within(4_000_000, 'b');
    expect(judge(crash, c, 20_000_000)).toEqual([]);
    expect(c.outcome()).toEqual({ at: 9_609_375, before: [], atDeadline: ['b'] });
    expect(judge(crash, within(3_609_375), 20_000_000)).toEqual([]);
  });

  it('fails when the bound passes first, saying who was master ("at 6 s": after the kill at 6 s)', () => {
    expect(judge(crash, within(3_609_374), 20_000_000)).toMatchObject([
      { checker: 'failover', class: 'liveness', at: 9_609_374, message: 'the master of VI_1 was nobody at 6 s and is nobody at 9.609374 s' },
    ]);
    expect(judge(crash, within(4_000_000, 'c'), 20_000_000)).toHaveLength(1);
  });
});

describe('standardCheckers', () => {
  it('judges one run with every standard checker, one verdict each', () => {
    const verdicts = checkTrace([tr(5_000_000, 'a', 'BACKUP', 'MASTER'), tr(5_000_000, 'b', 'BACKUP', 'MASTER')], standardCheckers({ routers: directory, overlapUs: 100, convergenceUs: 4_000_000 }), 12_000_000 as Instant);
    expect(verdicts.map((v) => [v.checker, v.ok])).toEqual([['at-most-one-master', false], ['convergence', false], ['vips-follow-master', false]]);
  });
});
