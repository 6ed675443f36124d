import { describe, expect, it } from 'vitest';
import type { InstanceView, StripLane } from '../lesson/contract.js';
import type { Instant } from '../core/time.js';
import { complete } from './complete.js';
import { layoutFor } from './layout.js';
import { logWindow, priorityArithmetic, stripRow, stripScale } from './format.js';

const at = (s: number) => (s * 1e6) as Instant;
const inst = (over: Partial<InstanceView>): InstanceView => ({ name: 'VI_1', vrid: 51, state: 'BACKUP', priority: 100, base: 100, terms: [], vips: [], ...over });

describe('the panels\' words', () => {
  it('writes the effective priority as arithmetic', () => {
    expect(priorityArithmetic(inst({}))).toBe('100');
    expect(priorityArithmetic(inst({ priority: 102, terms: [{ label: 'chk_ctrl', kind: 'script', weight: 2, applied: true, status: 'ok' }] }))).toBe('100 +2 chk_ctrl = 102');
    expect(priorityArithmetic(inst({ priority: 100, terms: [{ label: 'chk_ctrl', kind: 'script', weight: 2, applied: false, status: 'failing' }] }))).toBe('100');
    expect(priorityArithmetic(inst({ priority: 70, terms: [{ label: 'chk_web', kind: 'script', weight: -20, applied: true, status: 'failing' }, { label: 'eth1', kind: 'interface', weight: -10, applied: true, status: 'down' }] }))).toBe('100 -20 chk_web -10 eth1 = 70');
    expect(priorityArithmetic(inst({ base: 250, priority: 254, terms: [{ label: 'chk', kind: 'script', weight: 10, applied: true, status: 'ok' }] }))).toBe('250 +10 chk = 260 → 254');
  });

  it('draws a lane as one letter per column, newest at the right', () => {
    const lane: StripLane = { label: 'lb1 VI_1', segments: [{ from: at(0), to: at(3), state: 'BACKUP' }, { from: at(3), to: at(6), state: 'MASTER' }, { from: at(6), to: at(8), state: 'FAULT' }] };
    expect(stripRow(lane, at(8), 20, 1)).toBe('bbbMMMFF');
    expect(stripRow(lane, at(8), 4, 1)).toBe('MMFF');
    expect(stripRow(lane, at(8), 4, 2)).toBe('bMMF');
    expect(stripScale(at(50), 40)).toBe(2);
    expect(stripScale(at(30), 40)).toBe(1);
  });

  it('windows the log: the newest lines, or a page up when scrolled', () => {
    const lines = Array.from({ length: 10 }, (_, i) => i);
    expect(logWindow(lines, 3, 0)).toEqual([7, 8, 9]);
    expect(logWindow(lines, 3, 2)).toEqual([5, 6, 7]);
    expect(logWindow(lines, 3, 9)).toEqual([0]);
    expect(logWindow([1], 3, 0)).toEqual([1]);
  });

  it('completes one candidate with a space, several to their common prefix, none not at all', () => {
    expect(complete('ki', ['kill', 'start'], [])).toBe('kill ');
    expect(complete('kill l', [], ['lb1', 'lb2'])).toBe('kill lb');
    expect(complete('kill z', [], ['lb1'])).toBe('kill z');
    expect(complete('', ['kill', 'start'], [])).toBe('');
  });

  it('fits 80×24 in 23 lines with room for two lanes and a log window', () => {
    const l = layoutFor(80, 24, 2);
    expect(l.height).toBe(23);
    expect(1 + l.top + (l.lanes + 1) + (l.log + 1) + 2).toBe(23);
    expect(l.lanes).toBe(2);
    expect(l.log).toBeGreaterThanOrEqual(4);
    expect(l.clusterWidth + l.lessonWidth).toBe(80);
    const big = layoutFor(100, 30, 6);
    expect(1 + big.top + (big.lanes + 1) + (big.log + 1) + 2).toBe(29);
  });
});
