import { describe, expect, it } from 'vitest';
import { addDest, delDest } from '../service.js';
import { picks, serviceOf } from '../ipvs.test-utils.js';

describe('wlc / lc / sed / nq / fo / ovf', () => {
  it('wlc: ties go to the most recently added (kernel list head)', () => {
    expect(picks(serviceOf('wlc', 'a:1', 'b:1', 'c:1'), 6).join('')).toBe('cbacba');
  });
  it('wlc: overhead/weight with 256 per active connection', () => {
    // a 2 active (512/2=256), b 0 active 300 inactive (300/1): a wins though busier in count.
    expect(picks(serviceOf('wlc', 'a:2:2:0', 'b:1:0:300'), 1)).toEqual(['a']);
  });
  it('wlc: weight 0 is never chosen, even idle', () => {
    expect(picks(serviceOf('wlc', 'a:1:5:0', 'b:0'), 2).join('')).toBe('aa');
  });
  it('wlc: a server added mid-way takes everything until it catches up', () => {
    const svc = serviceOf('wlc', 'a:1', 'b:1');
    expect(picks(svc, 4).join('')).toBe('baba');
    addDest(svc, { name: 'c', addr: 99, port: 80, weight: 1 });
    expect(picks(svc, 4).join('')).toBe('cccb'); // at 2 each c ties with b and is first
    delDest(svc, 'c');
    expect(picks(svc, 1)).toEqual(['a']); // b has 3 active, a 2
  });
  it('lc ignores weights except 0, strict < keeps the first', () => {
    expect(picks(serviceOf('lc', 'a:5', 'b:1'), 4).join('')).toBe('baba');
  });
  it('sed counts active+1 over weight, ties to the first', () => {
    // list b(1),a(3): (0+1)/1 vs 1/3 → a; a1: 2/3 vs 1 → a; a2: 1 vs 1 tie → b first
    expect(picks(serviceOf('sed', 'a:3', 'b:1'), 4).join('')).toBe('aaba');
  });
  it('nq takes the first idle server at once', () => {
    expect(picks(serviceOf('nq', 'a:3', 'b:1'), 3).join('')).toBe('baa');
  });
  it('fo: highest weight, first on ties; overload fails over', () => {
    expect(picks(serviceOf('fo', 'a:5', 'b:5', 'c:1'), 2).join('')).toBe('bb');
    expect(picks(serviceOf('fo', 'a:5', 'b:5:0:0:1', 'c:1'), 2).join('')).toBe('ba'); // b overloads on bind
    expect(picks(serviceOf('fo', 'a:5', 'b:5:1:0:1', 'c:1'), 2).join('')).toBe('aa');
  });
  it('ovf: fills up to weight+1 active, then the next', () => {
    expect(picks(serviceOf('ovf', 'a:2', 'b:1'), 6).join('')).toBe('aaabb-');
  });
});
