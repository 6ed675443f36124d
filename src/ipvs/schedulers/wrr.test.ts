import { describe, expect, it } from 'vitest';
import { delDest, editDest } from '../service.js';
import { picks, serviceOf } from '../ipvs.test-utils.js';

describe('wrr', () => {
  it('a:4 b:3 c:2 added one by one: the list is c,b,a and cw starts at 1', () => {
    // add a: di 4, mw 1, cw 0 → 1. add b, c: di 1, mw 4, cw 1 is kept (neither > mw nor 0).
    // So the first pass is at threshold 1 (c b a), then 4 (a), 3 (b a), 2 (c b a).
    expect(picks(serviceOf('wrr', 'a:4', 'b:3', 'c:2'), 9).join('')).toBe('cbaabacba');
    expect(picks(serviceOf('wrr', 'a:4', 'b:3', 'c:2'), 18).join('').slice(9)).toBe('cbaabacba');
  });
  it('steps by the gcd: 4 and 2 → di 2, mw 3', () => {
    // add a: di 4, mw 1, cw 1. add b: di 2, mw 3, cw (1/2)*2+1 = 1. List b,a.
    // cw 1: b a; cw -1 → 3: a; cw 1: b a; …
    expect(picks(serviceOf('wrr', 'a:4', 'b:2'), 6).join('')).toBe('baabaa');
  });
  it('never picks weight 0; none positive → no destination', () => {
    expect(picks(serviceOf('wrr', 'a:0', 'b:1'), 3).join('')).toBe('bbb');
    expect(picks(serviceOf('wrr', 'a:0'), 1)).toEqual(['-']);
  });
  it('a list change resets to the head with cw kept', () => {
    const svc = serviceOf('wrr', 'a:4', 'b:3', 'c:2');
    expect(picks(svc, 5).join('')).toBe('cbaab'); // now cw 3, cl = b
    editDest(svc, 'c', { weight: 3 }); // cl → head, cw 3 kept: c, b, a all qualify
    expect(picks(svc, 3).join('')).toBe('cba');
    delDest(svc, 'a'); // mw 3, cw 3 kept, restart at the head
    expect(picks(svc, 4).join('')).toBe('cbcb');
  });
  it('skips overloaded servers and gives up when all are', () => {
    // a reaches u_threshold 1 when its first connection binds.
    expect(picks(serviceOf('wrr', 'a:1:0:0:1', 'b:1'), 3).join('')).toBe('bab');
    expect(picks(serviceOf('wrr', 'a:1:1:0:1', 'b:1:0:0:1'), 3).join('')).toBe('b--');
  });
});
