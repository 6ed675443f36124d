import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { schedule } from '../service.js';
import { conn, serviceOf } from '../ipvs.test-utils.js';

describe('twos', () => {
  it('is reproducible for a seed and never picks weight 0 or overloaded servers', () => {
    const run = (seed: number) => {
      const svc = serviceOf('twos', 'a:3', 'b:0', 'c:1:1:0:1', 'd:2');
      const rng = Rng.fromSeed(seed);
      return Array.from({ length: 50 }, (_, i) => schedule(svc, conn(i), { now: 0, rng })?.name);
    };
    expect(run(7)).toEqual(run(7));
    expect(new Set(run(7))).toEqual(new Set(['a', 'd']));
  });
  it('of two idle servers keeps choice1 (ties)', () => {
    const svc = serviceOf('twos', 'a:1');
    expect(schedule(svc, conn(0), { now: 0, rng: Rng.fromSeed(1) })?.name).toBe('a');
  });
});
