import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { buildTimeline, holdersAt, mastersAt, priorityAt, stateAt } from './timeline.js';
import { timelineToJson } from './timeline-json.js';
import { renderTimelineText } from './timeline-text.js';
import { renderTimelineSvg } from './timeline-svg.js';
import { crashTimeline, tr } from './timeline.test-utils.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;

describe('timeline queries', () => {
  const tl = crashTimeline();

  it('knows who is master when, by instance name or VRID', () => {
    expect(mastersAt(tl, 'VI_1', s(3))).toEqual([]);
    expect(mastersAt(tl, 'VI_1', s(3.414062))).toEqual(['lb1']);
    expect(mastersAt(tl, 51, s(7))).toEqual([]);
    expect(mastersAt(tl, 'vrid:51', s(10))).toEqual(['lb2']);
    expect(mastersAt(tl, 'VI_1', s(15.414062))).toEqual(['lb1', 'lb2']);
    expect(mastersAt(tl, 'VI_1', s(16))).toEqual(['lb1']);
    expect(mastersAt(tl, 99, s(16))).toEqual([]);
  });

  it('turns a killed node OFF and back to INIT when it starts again', () => {
    expect(stateAt(tl, 'lb1', 'VI_1', s(5.9))).toBe('MASTER');
    expect(stateAt(tl, 'lb1', 'VI_1', s(6))).toBe('OFF');
    expect(stateAt(tl, 'lb1', 'VI_1', s(12))).toBe('BACKUP');
    expect(stateAt(tl, 'lb9', 'VI_1', s(12))).toBeUndefined();
  });

  it('takes a killed node\'s VIPs away at the kill', () => {
    expect(holdersAt(tl, '192.0.2.100', s(5))).toEqual(['lb1']);
    expect(holdersAt(tl, '192.0.2.100/24', s(6))).toEqual([]);
    expect(holdersAt(tl, '192.0.2.100', s(9.609375))).toEqual(['lb2']);
    expect(holdersAt(tl, '192.0.2.100', s(15.414062))).toEqual(['lb1', 'lb2']);
    expect(holdersAt(tl, '192.0.2.100', s(20))).toEqual(['lb1']);
  });

  it('follows effective priority through transitions and priority changes', () => {
    expect(priorityAt(tl, 'lb2', 'VI_1', s(1))).toBe(100);
    expect(priorityAt(tl, 'lb2', 'VI_1', s(17))).toBe(90);
    expect(priorityAt(tl, 'lb1', 'VI_1', s(7))).toBeUndefined();
  });

  it('merges applied events before the observation they preceded', () => {
    expect(tl.events.map((e) => e.seq)).toEqual([4, 7]);
    expect(tl.transitions[3]?.seq).toBe(5);
  });

  it('records partitions, one-way cuts and pauses as disturbances until heal or resume', () => {
    const d = buildTimeline({
      seed: 1,
      until: s(20),
      nodes: [],
      instances: [],
      observations: [tr(0, 'lb1', 'INIT', 'BACKUP', 100)],
      events: [
        { at: s(5), event: { kind: 'partition', groups: [['lb1'], ['lb2']] }, observationIndex: 1 },
        { at: s(6), event: { kind: 'pause', node: 'lb2' }, observationIndex: 1 },
        { at: s(8), event: { kind: 'heal' }, observationIndex: 1 },
        { at: s(9), event: { kind: 'oneway', from: 'lb1', to: 'lb2' }, observationIndex: 1 },
      ],
    }).disturbances;
    expect(d).toEqual([
      { from: s(5), to: s(8), what: 'partition lb1 | lb2' },
      { from: s(6), to: undefined, what: 'lb2 paused' },
      { from: s(9), to: undefined, what: 'lb1 → lb2 cut' },
    ]);
  });
});

describe('timeline rendering', () => {
  const tl = crashTimeline();

  it('prints JSON in the documented shape, without INIT', () => {
    const j = timelineToJson(tl);
    expect(Object.keys(j).slice(0, 3)).toEqual(['transitions', 'vips', 'seed']);
    expect(j.transitions[0]).toEqual({ t: 0, node: 'lb1', instance: 'VI_1', state: 'BACKUP', priority: 150, reason: 'start-up' });
    expect(j.transitions.map((x) => x.t)).toContain(9.609375);
    expect(j.vips[0]).toEqual({ t: 3.414062, node: 'lb1', instance: 'VI_1', address: '192.0.2.100', action: 'add', interface: 'eth0', prefixLength: 24 });
    expect(j.events).toEqual([{ t: 6, event: 'kill lb1' }, { t: 12, event: 'start lb1' }]);
    expect(JSON.stringify(j)).toContain('"t":15.414562');
  });

  it('prints a readable table with reasons and a summary', () => {
    const text = renderTimelineText(tl);
    expect(text).toContain('lb1  192.0.2.1  (eth0 192.0.2.1/24)');
    expect(text).toMatch(/ 9\.609375 +lb2 +VI_1 +BACKUP → MASTER +100 +master down timer expired/);
    expect(text).toMatch(/ 6\.000000 +event: kill lb1/);
    expect(text).toContain('+ 192.0.2.100/24 eth0');
    expect(text).toContain('VI_1: master lb1 — lb1 MASTER (150), lb2 BACKUP (90)');
    expect(text).toContain('192.0.2.100: held by lb1');
  });

  it('draws an SVG with a lane per node and instance, events and VIP marks', () => {
    const svg = renderTimelineSvg(tl);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('lb1 · VI_1');
    expect(svg).toContain('lb2 · VI_1');
    expect(svg).toContain('6 kill lb1');
    expect(svg).toContain('#2e9d4f'); // a MASTER bar
    expect(svg).toContain('lb2 holds 192.0.2.100 from 9.609375 s to 15.414562 s');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
