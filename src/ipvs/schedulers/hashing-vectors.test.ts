/**
 * Table-level vectors for the hashing schedulers, from the figures computed
 * independently with the kernel's algorithms (a separate re-implementation): Maglev
 * slot shares and how many slots move when a server leaves, and how badly
 * sh's table reshuffles by comparison. The list order is stated for each,
 * because it decides the population order.
 */
import { describe, expect, it } from 'vitest';
import { addDest, createService, delDest, editDest } from '../service.js';
import type { Service } from '../types.js';
import type { MhState } from './mh.js';
import type { ShState } from './sh.js';

const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

function service(scheduler: 'mh' | 'sh', servers: ReadonlyArray<{ name: string; addr: number; weight: number }>): Service {
  const svc = createService({ scheduler });
  for (const s of servers) addDest(svc, { ...s, port: 80 });
  return svc;
}

const table = (svc: Service): string[] =>
  svc.scheduler.name === 'mh' ? (svc.schedData as MhState).lookup.map((d) => d?.name ?? '-') : (svc.schedData as ShState).buckets.map((d) => d?.name ?? '-');

function share(slots: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of slots) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** Slots whose server changed, and how many of those did not belong to the server that left. */
function moved(before: readonly string[], after: readonly string[], leaving: string): { changed: number; collateral: number } {
  let changed = 0;
  let collateral = 0;
  before.forEach((owner, i) => {
    if (after[i] === owner) return;
    changed++;
    if (owner !== leaving) collateral++;
  });
  return { changed, collateral };
}

describe('mh (M = 4093)', () => {
  const three = [3, 2, 1].map((i) => ({ name: `r${i}`, addr: ip(10, 0, 0, i), weight: 1 })); // list r1, r2, r3
  const ten = Array.from({ length: 10 }, (_, i) => ({ name: `r${i + 1}`, addr: ip(10, 0, 1, i + 1), weight: 1 })); // list r10 … r1

  it('3 equal servers (10.0.0.1–3:80) hold 1365/1364/1364 slots; removing 10.0.0.3 moves 1366 slots, 2 of them collateral', () => {
    const svc = service('mh', three);
    const before = table(svc);
    expect(Object.values(share(before)).sort()).toEqual([1364, 1364, 1365]);
    delDest(svc, 'r3');
    expect(moved(before, table(svc), 'r3')).toEqual({ changed: 1366, collateral: 2 });
  });

  it('10 equal servers (10.0.1.1–10:80) hold 409 or 410 slots; removing 10.0.1.2 moves 438 slots, 29 collateral (0.8 %)', () => {
    const svc = service('mh', ten);
    const before = table(svc);
    const counts = Object.values(share(before)).sort();
    expect(counts).toEqual([409, 409, 409, 409, 409, 409, 409, 410, 410, 410]);
    delDest(svc, 'r2');
    expect(moved(before, table(svc), 'r2')).toEqual({ changed: 438, collateral: 29 });
  });

  it('whichever of the 10 leaves, the survivors keep at least 98.5 % of their slots', () => {
    for (const leaving of ten) {
      const svc = service('mh', ten);
      const before = table(svc);
      delDest(svc, leaving.name);
      const { collateral } = moved(before, table(svc), leaving.name);
      expect(collateral / (4093 - share(before)[leaving.name]!)).toBeLessThan(0.015);
    }
  });

  it('quiescing (weight 0) moves no slot: the table is built from last_weight', () => {
    const svc = service('mh', ten);
    const before = table(svc);
    editDest(svc, 'r5', { weight: 0 });
    expect(table(svc)).toEqual(before);
  });

  it('weights share the table in proportion: 1:2:4 over 4093 slots', () => {
    const svc = service('mh', [1, 2, 4].map((w, i) => ({ name: `w${w}`, addr: ip(10, 0, 2, i + 1), weight: w })));
    const s = share(table(svc));
    expect(s['w1']! + s['w2']! + s['w4']!).toBe(4093);
    expect(Math.abs(s['w2']! / s['w1']! - 2)).toBeLessThan(0.05);
    expect(Math.abs(s['w4']! / s['w1']! - 4)).toBeLessThan(0.1);
  });
});

describe('sh (256 buckets): not consistent hashing', () => {
  const three = (w: number) => [1, 2, 3].map((i) => ({ name: `r${i}`, addr: ip(10, 0, 0, i), weight: w })); // list r3, r2, r1

  it('removing the middle one of 3 equal servers remaps 171 of 256 buckets, 86 of them not its own', () => {
    const svc = service('sh', three(1));
    const before = table(svc);
    delDest(svc, 'r2');
    expect(moved(before, table(svc), 'r2')).toEqual({ changed: 171, collateral: 86 });
  });

  it('quiescing it instead (weights 2,2,2 → 0) also remaps 171 buckets: sh refills on every weight change', () => {
    const svc = service('sh', three(2));
    const before = table(svc);
    editDest(svc, 'r2', { weight: 0 });
    expect(moved(before, table(svc), 'r2').changed).toBe(171);
  });
});
