/**
 * The hash functions the hashing schedulers use, bit for bit.
 *
 * - `hash32(v, bits)` is include/linux/hash.h's `hash_32`: multiply by
 *   GOLDEN_RATIO_32 (0x61C88647) mod 2^32 and keep the top `bits` bits. Current
 *   sh and dh hash with it.
 * - `legacyHash(v, bits)`: older kernels' `(v * 2654435761) & mask` (low bits).
 * - `hsiphash13(v, k0, k1)`: what `hsiphash(&v, 4, key)` computes on a 64-bit
 *   kernel, where lib/siphash.c makes hsiphash SipHash-1-3 with 64-bit key words
 *   and truncates the result to 32 bits. v is fed as its 4 little-endian bytes
 *   (the u32 as an x86/arm64 kernel stores it). 32-bit kernels use real
 *   HalfSipHash and build different Maglev tables; that variant is not modelled.
 */

export function hash32(v: number, bits: number): number {
  return Math.imul(v >>> 0, 0x61c88647) >>> 0 >>> (32 - bits);
}

export function legacyHash(v: number, bits: number): number {
  return (Math.imul(v >>> 0, 2654435761 | 0) >>> 0) & ((1 << bits) - 1);
}

const MASK64 = (1n << 64n) - 1n;
const rotl64 = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & MASK64;

interface SipState { v0: bigint; v1: bigint; v2: bigint; v3: bigint }

function sipRound(s: SipState): void {
  s.v0 = (s.v0 + s.v1) & MASK64; s.v1 = rotl64(s.v1, 13n); s.v1 ^= s.v0; s.v0 = rotl64(s.v0, 32n);
  s.v2 = (s.v2 + s.v3) & MASK64; s.v3 = rotl64(s.v3, 16n); s.v3 ^= s.v2;
  s.v0 = (s.v0 + s.v3) & MASK64; s.v3 = rotl64(s.v3, 21n); s.v3 ^= s.v0;
  s.v2 = (s.v2 + s.v1) & MASK64; s.v1 = rotl64(s.v1, 17n); s.v1 ^= s.v2; s.v2 = rotl64(s.v2, 32n);
}

/** SipHash-1-3 of a short message (< 8 bytes), truncated to 32 bits. */
export function sipHash13Short(bytes: readonly number[], k0: bigint, k1: bigint): number {
  const s: SipState = {
    v0: 0x736f6d6570736575n ^ k0,
    v1: 0x646f72616e646f6dn ^ k1,
    v2: 0x6c7967656e657261n ^ k0,
    v3: 0x7465646279746573n ^ k1,
  };
  let b = BigInt(bytes.length) << 56n;
  bytes.forEach((byte, i) => {
    b |= BigInt(byte & 0xff) << BigInt(8 * i);
  });
  s.v3 ^= b;
  sipRound(s);
  s.v0 ^= b;
  s.v2 ^= 0xffn;
  sipRound(s);
  sipRound(s);
  sipRound(s);
  return Number((s.v0 ^ s.v1 ^ s.v2 ^ s.v3) & 0xffffffffn);
}

/** `hsiphash(&v, sizeof(u32), key)` on a little-endian 64-bit kernel. */
export function hsiphash13(v: number, k0: bigint, k1: bigint): number {
  const u = v >>> 0;
  return sipHash13Short([u & 0xff, (u >>> 8) & 0xff, (u >>> 16) & 0xff, u >>> 24], k0, k1);
}
