import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { buildTimeline, type AppliedEvent } from './timeline.js';
import { axisScale, clockTime, renderTimelineSvg } from './timeline-svg.js';
import { crashTimeline } from './timeline.test-utils.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;
const count = (svg: string, re: RegExp): number => svg.match(new RegExp(re.source, 'g'))?.length ?? 0;

/** A day of two nodes with a kill and a start every 300 s (288 pairs): only events, which is all the event strip reads. */
function dayOfFaults(longName = 'VI_1') {
  const events: AppliedEvent[] = [];
  for (let t = 60; t < 86_400; t += 300) {
    events.push({ at: s(t), event: { kind: 'kill', node: 'lb1' } as ClusterEvent, observationIndex: 0 });
    events.push({ at: s(t + 20), event: { kind: 'start', node: 'lb1' } as ClusterEvent, observationIndex: 0 });
  }
  return buildTimeline({
    seed: 1,
    until: s(86_400),
    nodes: [{ id: 'lb1', address: '192.0.2.1', interfaces: [], deferred: false }],
    instances: [{ node: 'lb1', instance: longName, vrid: 1, interface: 'eth0', virtualAddresses: ['192.0.2.100/24'] }],
    observations: [],
    events,
  });
}

describe('the SVG of a long run (trial B10)', () => {
  it('scales the axis to seconds, minutes or hours with at most 12 ticks', () => {
    expect(axisScale(86_400)).toEqual({ stepS: 7200, unitS: 3600, unit: 'hours' });
    expect(axisScale(3600)).toEqual({ stepS: 300, unitS: 60, unit: 'minutes' });
    expect(axisScale(60)).toEqual({ stepS: 5, unitS: 1, unit: 'seconds' });
    expect(axisScale(0.5)).toEqual({ stepS: 0.05, unitS: 1, unit: 'seconds' });
    expect(clockTime(25_260_000_000)).toBe('7:01:00');
  });

  it('folds 576 events of a day into ticks with tooltips, on at most three rows of labels', () => {
    const svg = renderTimelineSvg(dayOfFaults());
    const axisLabels = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(axisLabels).toEqual(['0', '2', '4', '6', '8', '10', '12', '14', '16', '18', '20', '22', '24']);
    expect(svg).toContain('>hours</text>');
    const ticks = count(svg, /<rect x="[\d.]+" y="\d+" width="3" height="8"/);
    expect(ticks).toBeLessThanOrEqual(210); // 820 px / 4 px
    expect(ticks).toBeGreaterThan(100);
    expect(count(svg, /stroke-dasharray="4,3"/)).toBe(0); // no lines across the lanes with this many ticks
    // every event is in some tooltip, with its exact time
    expect(svg).toContain('60 s (0:01:00): kill lb1');
    expect(svg).toContain('86180 s (23:56:20): start lb1');
    const labelRows = new Set([...svg.matchAll(/<text x="[\d.]+" y="(\d+)" fill="#333">/g)].map((m) => m[1]));
    expect(labelRows.size).toBeLessThanOrEqual(3);
    expect(Number(/height="(\d+)"/.exec(svg)?.[1])).toBeLessThan(200);
  });

  it('zooms with from/to: the axis, the events and the title follow', () => {
    const svg = renderTimelineSvg(dayOfFaults(), { from: s(3600), to: s(4200) });
    expect(svg).toContain('· 3600–4200 s</text>');
    const axisLabels = [...svg.matchAll(/text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(axisLabels).toEqual(['60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '70']);
    expect(svg).toContain('3660 kill lb1');
    expect(svg).not.toContain('>60 kill lb1<');
    expect(count(svg, /stroke-dasharray="4,3"/)).toBe(4);
  });

  it('cuts a long lane name, with the full name as a tooltip (trial P1)', () => {
    const svg = renderTimelineSvg(dayOfFaults('cloud_cluster1_gateway'));
    expect(svg).toContain('<title>lb1 · cloud_cluster1_gateway</title>lb1 · cloud_cluster1_gate…</text>');
  });
});

describe('the SVG of a failover', () => {
  const tl = crashTimeline();
  const svg = renderTimelineSvg(tl);

  it('marks the time without a master over the instance\'s lanes', () => {
    expect(svg).toContain('<title>VI_1: no master from 6 s to 9.609375 s (3.609375 s)</title>');
    expect(svg).toContain('<title>VI_1: 2 masters (lb1, lb2) from 15.414062 s to 15.414562 s (0.0005 s)</title>');
  });

  it('draws the effective priority as a step line where it changes (lb2 100 → 90 at 17 s)', () => {
    expect(svg).toContain('<title>lb2 VI_1: effective priority, top 150, bottom 90</title>');
    expect(svg).not.toContain('<title>lb1 VI_1: effective priority');
  });
});
