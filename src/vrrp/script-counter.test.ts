import { describe, expect, it } from 'vitest';
import { effectivePriority, faultsInstance, trackerContribution, trackerDelta } from '../core/rfc3768.js';
import { initialScriptCounter, scriptResult, type ScriptCounter } from './script-counter.js';

function run(rise: number, fall: number, results: string, from: ScriptCounter = initialScriptCounter(rise)): string[] {
  let c = from;
  return [...results].map((r) => {
    c = scriptResult(c, r === 'S', rise, fall);
    return c.status;
  });
}

describe('effective priority (research §2.10)', () => {
  it('clamps non-owners to 1..254 and pins the owner at 255', () => {
    expect(effectivePriority(100, 100)).toBe(100);
    expect(effectivePriority(100, 400)).toBe(254);
    expect(effectivePriority(100, -50)).toBe(1);
    expect(effectivePriority(250, 255)).toBe(254);
    expect(effectivePriority(255, 100)).toBe(255);
  });

  it('weighted trackers: +w while up (w>0), w while down (w<0), reverse flips the sign', () => {
    expect(trackerContribution(20, false, true)).toBe(20);
    expect(trackerContribution(20, false, false)).toBe(0);
    expect(trackerContribution(-60, false, false)).toBe(-60);
    expect(trackerContribution(-60, false, true)).toBe(0);
    expect(trackerContribution(-60, true, false)).toBe(60);
    expect(trackerContribution(20, true, true)).toBe(-20);
    // a change moves the total by the difference of the two contributions
    for (const w of [20, -60])
      for (const rev of [false, true])
        expect(trackerContribution(w, rev, true) - trackerContribution(w, rev, false)).toBe(trackerDelta(w, rev, true));
  });

  it('weight 0 faults on DOWN, or on UP with reverse', () => {
    expect(faultsInstance(false, false)).toBe(true);
    expect(faultsInstance(false, true)).toBe(false);
    expect(faultsInstance(true, true)).toBe(true);
  });
});

describe('vrrp_script rise/fall counter (research §2.11)', () => {
  it('the first result decides either way', () => {
    expect(run(3, 2, 'S')).toEqual(['ok']);
    expect(run(3, 2, 'F')).toEqual(['ko']);
    expect(run(1, 1, 'F')).toEqual(['ko']);
  });

  it('rise 3 / fall 2: from OK, F F gives KO; then S S F S S S is OK only on the last S', () => {
    const ok = scriptResult(initialScriptCounter(3), true, 3, 2);
    expect(run(3, 2, 'FFSSFSSS', ok)).toEqual(['ok', 'ko', 'ko', 'ko', 'ko', 'ko', 'ko', 'ok']);
  });

  it('any success while OK re-saturates the counter', () => {
    const ok = scriptResult(initialScriptCounter(3), true, 3, 2);
    expect(run(3, 2, 'FSFF', ok)).toEqual(['ok', 'ok', 'ok', 'ko']);
  });

  it('fixture 13 (interval 2, fall 3, rise 2): three failures then two successes', () => {
    const ok = scriptResult(initialScriptCounter(2), true, 2, 3);
    expect(run(2, 3, 'FFFSS', ok)).toEqual(['ok', 'ok', 'ko', 'ko', 'ok']);
  });
});
