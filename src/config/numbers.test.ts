import { describe, expect, it } from 'vitest';
import { readBool, readDecimal, readInt, readUnsigned } from './numbers.js';

const kinds = (r: { problems: readonly { kind: string }[] }): string[] => r.problems.map((p) => p.kind);

describe('readUnsigned (strtoul base 10, as keepalived)', () => {
  it('accepts plain decimals, a leading +, leading blanks and leading zeros', () => {
    expect(readUnsigned('100', 1, 255)).toMatchObject({ ok: true, value: 100 });
    expect(readUnsigned('+7', 1, 255)).toMatchObject({ ok: true, value: 7 });
    expect(readUnsigned('  42', 1, 255)).toMatchObject({ ok: true, value: 42 });
    expect(readUnsigned('051', 1, 255)).toMatchObject({ ok: true, value: 51 });
  });

  it('rejects hex, trailing junk and words as invalid', () => {
    for (const t of ['0x64', '100abc', 'abc', '100\\', '1.5']) expect(kinds(readUnsigned(t, 0, 1000))).toEqual(['invalid']);
  });

  it('rejects a minus sign as negative', () => {
    expect(kinds(readUnsigned('-1', 0, 10))).toEqual(['negative']);
  });

  it('rejects values outside the range with the range in the problem', () => {
    expect(readUnsigned('256', 1, 255)).toMatchObject({ ok: false, problems: [{ kind: 'out-of-range', min: '1', max: '255' }] });
    expect(readUnsigned('0', 1, 255).ok).toBe(false);
  });

  it('rejects values beyond 32 bits as outside the type', () => {
    expect(kinds(readUnsigned('4294967296', 0, 4294967295))).toEqual(['outside-type-range']);
  });
});

describe('readInt (strtol base 10)', () => {
  it('accepts negative numbers in range', () => {
    expect(readInt('-253', -253, 253)).toMatchObject({ ok: true, value: -253 });
  });

  it('rejects out-of-range and invalid values', () => {
    expect(readInt('-300', -253, 253)).toMatchObject({ ok: false, value: -300, problems: [{ kind: 'out-of-range' }] });
    expect(kinds(readInt('2x', 1, 10))).toEqual(['invalid']);
  });
});

describe('readDecimal (timers with up to 6 decimals)', () => {
  const us = (t: string, min = 0, max = 255_000_000) => readDecimal(t, min, max, 6);

  it('reads seconds as microseconds', () => {
    expect(us('1')).toMatchObject({ ok: true, value: 1_000_000 });
    expect(us('0.5')).toMatchObject({ ok: true, value: 500_000 });
    expect(us('2.000001')).toMatchObject({ ok: true, value: 2_000_001 });
  });

  it('reports more than 6 decimals, rounds half up, and still accepts the value', () => {
    const r = us('2.0000005');
    expect(r.ok).toBe(true);
    expect(r.value).toBe(2_000_001);
    expect(kinds(r)).toEqual(['too-many-decimals']);
  });

  it('prints the range with 6 decimals', () => {
    expect(us('300', 10_000)).toMatchObject({ ok: false, problems: [{ kind: 'out-of-range', min: '0.010000', max: '255.000000' }] });
  });

  it('rejects negative and invalid values', () => {
    expect(kinds(us('-1'))).toEqual(['negative']);
    expect(kinds(us('1s'))).toEqual(['invalid']);
  });
});

describe('readBool (check_true_false)', () => {
  it('knows exactly true/on/yes and false/off/no', () => {
    expect(['true', 'on', 'yes'].map(readBool)).toEqual([true, true, true]);
    expect(['false', 'off', 'no'].map(readBool)).toEqual([false, false, false]);
    expect(readBool('True')).toBeUndefined();
    expect(readBool('1')).toBeUndefined();
  });
});
