import { describe, expect, it } from 'vitest';
import { hash32, sipHash13Short } from './hash.js';

describe('hash functions', () => {
  it('SipHash-1-3 (hsiphash on 64-bit) matches the kernel self-test vectors', () => {
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    const msg = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(sipHash13Short(msg(0), k0, k1)).toBe(0x050fc4dc);
    expect(sipHash13Short(msg(1), k0, k1)).toBe(0x7d57ca93);
    expect(sipHash13Short(msg(4), k0, k1)).toBe(0x88d38328);
  });
  it('hash_32 keeps the top bits of v * GOLDEN_RATIO_32', () => {
    expect(hash32(1, 8)).toBe(0x61);
    expect(hash32(0xffffffff, 8)).toBe(((0x100000000 - 0x61c88647) >>> 24) & 0xff);
  });
});
