/**
 * twos — power of two choices (net/netfilter/ipvs/ip_vs_twos.c).
 *
 * Theory of operation: W = sum of the weights of non-overloaded dests with weight
 * > 0 (none → no destination). Two numbers r1, r2 uniform in [0, W] (the kernel
 * draws `get_random_u32_below(W + 1)`); walking the eligible dests in list order
 * and subtracting each weight, the first dest that brings r to <= 0 is that
 * draw's choice (r = 0 picks the first eligible dest). choice2 wins only when
 * `weight2 * overhead1 > weight1 * overhead2`; ties keep choice1.
 *
 * Rules: the numbers come from the seeded `Rng` in the context; the kernel's
 * own random stream cannot be reproduced, so only the rule above is exact.
 */
import { InvariantError } from '../../core/errors.js';
import { isOverloaded, overhead } from '../dest.js';
import type { Dest, ScheduleContext, Scheduler, Service } from '../types.js';

export const twos: Scheduler = {
  name: 'twos',
  initService: () => undefined,
  schedule(svc: Service, _conn, ctx: ScheduleContext) {
    let total = 0;
    for (const d of svc.dests) if (!isOverloaded(d) && d.weight > 0) total += d.weight;
    if (total === 0) return undefined;
    if (ctx.rng === undefined) throw new InvariantError('twos needs a seeded Rng in the schedule context (this is a bug)');
    let r1 = ctx.rng.int(0, total);
    let r2 = ctx.rng.int(0, total);
    let choice1: Dest | undefined;
    let choice2: Dest | undefined;
    for (const d of svc.dests) {
      if (isOverloaded(d) || d.weight <= 0) continue;
      r1 -= d.weight;
      r2 -= d.weight;
      if (r1 <= 0 && choice1 === undefined) choice1 = d;
      if (r2 <= 0 && choice2 === undefined) choice2 = d;
      if (choice1 !== undefined && choice2 !== undefined) break;
    }
    if (choice1 === undefined || choice2 === undefined) throw new InvariantError('twos walked past the total weight (this is a bug)');
    return choice2.weight * overhead(choice1) > choice1.weight * overhead(choice2) ? choice2 : choice1;
  },
};
