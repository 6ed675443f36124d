import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import {
  always,
  atTime,
  checkExpectation,
  eventually,
  failoverWithin,
  holderIs,
  masterIs,
  neverTwoMasters,
  priorityIs,
  stateIs,
  vipsFollowMasterAlways,
  withSlack,
} from './expectations.js';
import { buildTimeline } from './timeline.js';
import { add, crashTimeline, tr } from './timeline.test-utils.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;
const tl = crashTimeline();
const ok = (e: Parameters<typeof checkExpectation>[1]): boolean => checkExpectation(tl, e).ok;

describe('expectations over a timeline', () => {
  it('checks facts at an instant', () => {
    expect(ok(atTime(10, masterIs('VI_1', 'lb2')))).toBe(true);
    expect(ok(atTime(10, masterIs('VI_1', 'lb1')))).toBe(false);
    expect(ok(atTime(7, masterIs('VI_1')))).toBe(true);
    expect(ok(atTime(15.414062, masterIs(51, 'lb1', 'lb2')))).toBe(true);
    expect(ok(atTime(10, holderIs('192.0.2.100', 'lb2')))).toBe(true);
    expect(ok(atTime(7, stateIs('lb1', 'VI_1', 'OFF')))).toBe(true);
    expect(ok(atTime(18, priorityIs('lb2', 'VI_1', 90)))).toBe(true);
  });

  it('decides always and eventually exactly at the change points', () => {
    expect(ok(always(3.414062, 5.999999, masterIs('VI_1', 'lb1')))).toBe(true);
    expect(ok(always(3.414062, 6, masterIs('VI_1', 'lb1')))).toBe(false);
    expect(ok(eventually(6, 9.609375, masterIs('VI_1', 'lb2')))).toBe(true);
    expect(ok(eventually(6, 9.609374, masterIs('VI_1', 'lb2')))).toBe(false);
  });

  it('measures failover from an instant', () => {
    const r = checkExpectation(tl, failoverWithin('VI_1', 6, 4, 'lb2'));
    expect(r.ok).toBe(true);
    expect(r.at).toBe(s(9.609375));
    expect(ok(failoverWithin('VI_1', 6, 3.6))).toBe(false);
    expect(ok(failoverWithin('VI_1', 12, 4, 'lb1'))).toBe(true);
  });

  it('finds split brain, and forgives a takeover in flight', () => {
    expect(ok(neverTwoMasters())).toBe(true);
    const strict = checkExpectation(tl, neverTwoMasters({ graceUs: 100 }));
    expect(strict.ok).toBe(false);
    expect(strict.at).toBe(s(15.414062));
    expect(strict.message).toContain('but:      lb1 and lb2 were both MASTER for VRID 51 on eth0 from 15.414062 s to 15.414562 s\n');
  });

  it('forgives two masters during a partition, plus a settle time after the heal', () => {
    const split = buildTimeline({
      seed: 3,
      until: s(20),
      nodes: [],
      instances: [],
      observations: [
        tr(0, 'lb1', 'INIT', 'BACKUP', 150), tr(0, 'lb2', 'INIT', 'BACKUP', 100),
        tr(3.4, 'lb1', 'BACKUP', 'MASTER', 150), add(3.4, 'lb1'),
        tr(9.6, 'lb2', 'BACKUP', 'MASTER', 100), add(9.6, 'lb2'),
        tr(12.5, 'lb2', 'MASTER', 'BACKUP', 100),
      ],
      events: [
        { at: s(6), event: { kind: 'partition', groups: [['lb1'], ['lb2']] }, observationIndex: 4 },
        { at: s(12), event: { kind: 'heal' }, observationIndex: 6 },
      ],
    });
    expect(checkExpectation(split, neverTwoMasters({ exceptDuringPartition: true })).ok).toBe(true);
    expect(checkExpectation(split, neverTwoMasters({ exceptDuringPartition: true, settleUs: 100_000 })).ok).toBe(false);
    const strict = checkExpectation(split, neverTwoMasters());
    expect(strict.ok).toBe(false);
    expect(strict.message).toContain('lb1 and lb2 were both MASTER for VI_1 from 9.6 s to 12.5 s');
  });

  it('checks that each VIP follows its master, and says where it did not', () => {
    expect(ok(vipsFollowMasterAlways())).toBe(true);
    const late = buildTimeline({
      seed: 3,
      until: s(10),
      nodes: [],
      instances: [{ node: 'lb1', instance: 'VI_1', vrid: 51, interface: 'eth0', virtualAddresses: ['192.0.2.100/24'] }],
      observations: [tr(3, 'lb1', 'BACKUP', 'MASTER', 150), add(3.3, 'lb1')],
      events: [],
    });
    const r = checkExpectation(late, vipsFollowMasterAlways());
    expect(r.ok).toBe(false);
    expect(r.message).toContain('but:      lb1 is MASTER of VI_1 without 192.0.2.100 from 3 s to 3.3 s (VRID 51 on eth0)');
    expect(checkExpectation(late, withSlack(vipsFollowMasterAlways(), 200_000)).ok).toBe(true);
  });

  it('explains a failure: expected, actual, the timeline around it, the seed', () => {
    const r = checkExpectation(tl, { ...atTime(10, masterIs('VI_1', 'lb1')), location: { file: 'crash.scenario', line: 9, column: 1 } });
    expect(r.ok).toBe(false);
    const lines = (r.message ?? '').split('\n');
    expect(lines[0]).toBe('crash.scenario:9:1: expected: at 10 s, the master of VI_1 is lb1');
    expect(lines[1]).toBe('but:      at 10 s the master of VI_1 is lb2');
    expect(lines[2]).toBe('timeline around 10 s (6 s … 14 s):');
    expect(r.message).toMatch(/9\.609375 +lb2 +VI_1 +BACKUP → MASTER/);
    expect(lines[lines.length - 1]).toBe('seed 7');
  });
});

describe('withSlack: the same expectations on a real clock', () => {
  it('lets a failover, an instant and an eventually be late by the slack, and no later', () => {
    // lb2 takes over at 9.609375 s in this timeline (crash at 6 s)
    expect(ok(failoverWithin('VI_1', 6, 3.5, 'lb2'))).toBe(false);
    expect(ok(withSlack(failoverWithin('VI_1', 6, 3.5, 'lb2'), 200_000))).toBe(true);
    expect(ok(withSlack(failoverWithin('VI_1', 6, 3.5, 'lb2'), 100_000))).toBe(false);
    expect(ok(atTime(9.5, masterIs('VI_1', 'lb2')))).toBe(false);
    expect(ok(withSlack(atTime(9.5, masterIs('VI_1', 'lb2')), 200_000))).toBe(true);
    expect(ok(withSlack(eventually(6, 9.5, masterIs('VI_1', 'lb2')), 200_000))).toBe(true);
    expect(ok(withSlack(always(3.3, 5.9, masterIs('VI_1', 'lb1')), 200_000))).toBe(true);
  });

  it('keeps the state just before a change true at its instant: a real run is late, never early', () => {
    // lb1 is master until its crash at 6 s: "at 5.9 s lb1" holds at 5.9 s itself, though not at 5.9 s + slack
    expect(ok(atTime(6.4, masterIs('VI_1', 'lb1')))).toBe(false);
    expect(ok(withSlack(atTime(5.9, masterIs('VI_1', 'lb1')), 500_000))).toBe(true);
    // … and a state that never held in [t, t + slack] still fails
    expect(ok(withSlack(atTime(9.0, masterIs('VI_1', 'lb2')), 500_000))).toBe(false);
    expect(withSlack(atTime(5.9, masterIs('VI_1', 'lb1')), 0)).toEqual(atTime(5.9, masterIs('VI_1', 'lb1')));
  });
});
