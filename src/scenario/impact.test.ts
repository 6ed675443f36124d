import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { computeImpact, failingSince, holderSteps, masterSteps, windowStats } from './impact.js';
import { faultLines, impactToJson, renderImpactText } from './impact-render.js';
import { crashTimeline } from './timeline.test-utils.js';
import type { TimelineClientOutcome } from './lvs/timeline.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;

describe('impact of each fault', () => {
  // lb1 master 3.414062, killed 6, lb2 master 9.609375; lb1 starts 12, master 15.414062, lb2 steps down 15.414562
  const tl = crashTimeline();
  const impact = computeImpact(tl);

  it('reads masters and holders as step functions, a hand-over at one instant without a gap', () => {
    expect(masterSteps(tl, 'VI_1')).toEqual([
      { from: 0, nodes: [] },
      { from: s(3.414062), nodes: ['lb1'] },
      { from: s(6), nodes: [] },
      { from: s(9.609375), nodes: ['lb2'] },
      { from: s(15.414062), nodes: ['lb1', 'lb2'] },
      { from: s(15.414562), nodes: ['lb1'] },
    ]);
    expect(holderSteps(tl, '192.0.2.100')).toEqual(masterSteps(tl, 'VI_1'));
  });

  it('measures who was master before and after a kill, when, and the time without one', () => {
    const kill = impact.faults[0]!;
    expect(kill.at).toBe(s(6));
    expect(kill.until).toBe(s(12));
    expect(kill.instances).toEqual([{ instance: 'VI_1', before: ['lb1'], after: ['lb2'], settledAt: s(9.609375), noneUs: 3_609_375, twoOrMoreUs: 0, transitions: 1, priorities: [] }]);
    expect(kill.vips).toEqual([{ address: '192.0.2.100', instance: 'VI_1', before: ['lb1'], after: ['lb2'], settledAt: s(9.609375), noneUs: 3_609_375, twoOrMoreUs: 0 }]);
    expect(kill.clients).toBeUndefined();
  });

  it('counts the preemption after a restart: two masters for 500 µs, two transitions (start-up not counted)', () => {
    const start = impact.faults[1]!;
    expect(start.instances[0]).toMatchObject({ before: ['lb2'], after: ['lb1'], settledAt: s(15.414562), noneUs: 0, twoOrMoreUs: 500, transitions: 2, priorities: [{ node: 'lb2', from: 100, to: 90 }] });
  });

  it('gives each VIP its availability and failover count over the run', () => {
    expect(impact.availability).toEqual([
      { address: '192.0.2.100', instance: 'VI_1', totalUs: 20_000_000, noneUs: 7_023_437, twoOrMoreUs: 500, oneUs: 12_976_063, failovers: 2 },
    ]);
  });

  it('measures only inside the window it is given', () => {
    const w = windowStats(masterSteps(tl, 'VI_1'), s(8), s(10));
    expect(w).toEqual({ before: [], after: ['lb2'], settledAt: s(9.609375), noneUs: 1_609_375, twoOrMoreUs: 0 });
  });

  it('says it in one line per fault', () => {
    expect(faultLines(impact.faults[0]!)).toEqual(['6  kill lb1 → VI_1 master lb1 → lb2 after 3.609375 s; 3.609375 s without a master or VIP holder; 1 transition']);
    expect(faultLines(impact.faults[1]!)).toEqual(['12  start lb1 → VI_1 master lb2 → lb1 after 3.414562 s; 0.0005 s with two masters holding the VIP; 2 transitions; priority lb2 100 → 90']);
    expect(renderImpactText(impact, tl.until)[0]).toBe('impact of each fault (measured until the next one):');
  });

  it('gives exact seconds in JSON', () => {
    const j = impactToJson(impact);
    expect(j.faults[0]).toMatchObject({ t: 6, events: ['kill lb1'], until: 12, instances: [{ instance: 'VI_1', before: ['lb1'], after: ['lb2'], settledAfter: 3.609375, none: 3.609375, twoOrMore: 0, transitions: 1 }] });
    expect(j.availability[0]).toMatchObject({ address: '192.0.2.100', total: 20, none: 7.023437, twoOrMore: 0.0005, one: 12.976063, failovers: 2 });
  });

  it('dates a failed connection from when it began to fail', () => {
    const o = (outcome: TimelineClientOutcome['outcome'], reason: string): TimelineClientOutcome => ({ seq: 0, at: s(40), outcome, service: 'v', client: 'c', reason });
    expect(failingSince(o('timed-out', 'no answer to SYN within 15 s'))).toBe(s(25));
    expect(failingSince(o('broken', 'no answer to FIN within 15 s'))).toBe(s(25));
    expect(failingSince(o('broken', 'reset by rs1'))).toBe(s(40));
    expect(failingSince(o('refused', 'reset by rs1'))).toBe(s(40));
  });
});
