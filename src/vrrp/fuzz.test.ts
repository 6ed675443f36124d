/**
 * Property tests: whatever bytes arrive, the engine never throws, and a packet
 * it does not use yields exactly one `dropped` output with a typed reason and
 * one more count for that reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant } from '../core/time.js';
import { vrrpEngine } from './engine.js';
import { AUTH_NONE, decodeAdvertisement, encodeAdvertisement, internetChecksum, parseIpv4, VRRP_MULTICAST_GROUP } from './packet.js';
import type { VrrpNodeState } from './state.js';
import { lb, seconds } from './test-harness.test-utils.js';
import type { DropCode, VrrpOutput } from './types.js';

const CODES: readonly DropCode[] = [
  'too-short', 'not-ipv4', 'ip-header-invalid', 'not-vrrp-protocol', 'length-mismatch', 'ttl-not-255', 'version-mismatch',
  'type-invalid', 'checksum-invalid', 'vrid-unknown', 'instance-not-listening', 'auth-type-invalid', 'auth-type-mismatch',
  'auth-password-mismatch', 'adver-int-mismatch', 'address-count-mismatch', 'address-list-mismatch', 'ip-total-length-mismatch',
  'unicast-source-not-peer', 'destination-kind-mismatch', 'lower-priority', 'own-packet',
];

const ip = (s: string): number => parseIpv4(s) as number;

/** A node in BACKUP (priority 100) and one in MASTER (priority 150), both at t = 10 s. */
function engines(): { backup: VrrpNodeState; master: VrrpNodeState } {
  const backup = vrrpEngine.init(lb('lb2', '192.0.2.12', { priority: 100 }), instant(seconds(10))).state;
  let master = vrrpEngine.init(lb('lb1', '192.0.2.11', { priority: 150 }), instant(0)).state;
  master = vrrpEngine.step(master, { kind: 'timeout' }, instant(seconds(4))).state;
  return { backup, master };
}
const { backup, master } = engines();

const valid = (priority = 150): Uint8Array =>
  encodeAdvertisement({
    source: ip('192.0.2.13'),
    destination: VRRP_MULTICAST_GROUP,
    ipId: 7,
    vrid: 51,
    priority,
    adverIntS: 1,
    authType: AUTH_NONE,
    addresses: [ip('192.0.2.100')],
  });

function deliver(state: VrrpNodeState, bytes: Uint8Array): { outputs: readonly VrrpOutput[]; state: VrrpNodeState } {
  return vrrpEngine.step(state, { kind: 'packet', interface: 'eth0', bytes }, instant(seconds(10)));
}

function droppedOnce(state: VrrpNodeState, bytes: Uint8Array): DropCode {
  const { outputs, state: next } = deliver(state, bytes);
  const drops = outputs.filter((o) => o.kind === 'dropped');
  expect(drops).toHaveLength(1);
  const code = (drops[0] as Extract<VrrpOutput, { kind: 'dropped' }>).reason.code;
  expect(CODES).toContain(code);
  expect(next.dropCounts[code]).toBe((state.dropCounts[code] ?? 0) + 1);
  return code;
}

function fixChecksums(b: Uint8Array): void {
  if (b.length >= 28) {
    b[26] = 0;
    b[27] = 0;
    const v = internetChecksum(b, 20, b.length - 20);
    b[26] = v >> 8;
    b[27] = v & 0xff;
  }
  b[10] = 0;
  b[11] = 0;
  const h = internetChecksum(b, 0, 20);
  b[10] = h >> 8;
  b[11] = h & 0xff;
}

describe('bad peer input never throws and is always accounted for', () => {
  it('sanity: the valid packet is used (no drop) by both a BACKUP and a MASTER', () => {
    expect(deliver(backup, valid()).outputs.filter((o) => o.kind === 'dropped')).toEqual([]);
    expect(deliver(master, valid(200)).outputs.some((o) => o.kind === 'transitioned')).toBe(true);
  });

  it('random bytes are dropped with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.boolean(), (bytes, toMaster) => {
        droppedOnce(toMaster ? master : backup, bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes behind a plausible IPv4/VRRP header are dropped with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 60 }), fc.integer({ min: 0, max: 255 }), (tail, vrid) => {
        const b = new Uint8Array(20 + tail.length);
        b.set([0x45, 0xc0, 0, b.length, 0, 1, 0, 0, 255, 112, 0, 0, 192, 0, 2, 13, 224, 0, 0, 18]);
        b.set(tail, 20);
        if (tail.length > 1) b[21] = vrid;
        fixChecksums(b);
        droppedOnce(backup, b);
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of a valid packet is dropped', () => {
    const good = valid();
    for (let n = 0; n < good.length; n++) {
      const code = droppedOnce(backup, good.subarray(0, n));
      expect(['too-short', 'length-mismatch', 'ip-header-invalid']).toContain(code);
    }
  });

  it('any single corrupted byte is dropped (checksums catch what the field checks do not)', () => {
    const good = valid();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, xor, toMaster) => {
        const b = good.slice();
        b[at] = (b[at] as number) ^ xor;
        const decoded = decodeAdvertisement(b);
        // one's-complement arithmetic has two zeros: 0x0000 and 0xffff in a checksum field verify alike
        const sameMeaning = decoded.ok && decoded.value.checksumValid && [10, 11, 26, 27].includes(at);
        if (!sameMeaning) droppedOnce(toMaster ? master : backup, b);
      }),
      { numRuns: 1000 },
    );
  });

  it('a field set to another value, checksums fixed, is dropped whenever keepalived would', () => {
    const fields: { at: number; mustDrop: boolean }[] = [
      { at: 0, mustDrop: true }, // IP version / IHL
      { at: 3, mustDrop: true }, // total length
      { at: 8, mustDrop: true }, // TTL
      { at: 9, mustDrop: true }, // protocol
      { at: 16, mustDrop: false }, // destination: still dropped if it stops being multicast (225.0.0.18 is not)
      { at: 20, mustDrop: true }, // VRRP version / type
      { at: 21, mustDrop: true }, // VRID (unknown)
      { at: 23, mustDrop: true }, // address count
      { at: 24, mustDrop: true }, // auth type
      { at: 25, mustDrop: true }, // advert interval
      { at: 31, mustDrop: true }, // the virtual address
      { at: 22, mustDrop: false }, // priority: a different advert, still valid
      { at: 4, mustDrop: false }, // IP id
      { at: 12, mustDrop: false }, // source address
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.integer({ min: 1, max: 255 }), fc.boolean(), (field, xor, toMaster) => {
        const b = valid().slice();
        b[field.at] = (b[field.at] as number) ^ xor;
        fixChecksums(b);
        const state = toMaster ? master : backup;
        if (field.mustDrop) droppedOnce(state, b);
        else expect(() => deliver(state, b)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('packets on an unknown interface, after shutdown, or while FAULT are dropped too', () => {
    expect(vrrpEngine.step(backup, { kind: 'packet', interface: 'eth9', bytes: valid() }, instant(seconds(10))).outputs).toMatchObject([
      { kind: 'dropped', interface: 'eth9', reason: { code: 'vrid-unknown', vrid: 51 } },
    ]);
    const stopped = vrrpEngine.step(backup, { kind: 'shutdown' }, instant(seconds(10))).state;
    expect(droppedOnce(stopped, valid())).toBe('instance-not-listening');
    const fault = vrrpEngine.step(backup, { kind: 'link', interface: 'eth0', up: false }, instant(seconds(10))).state;
    expect(droppedOnce(fault, valid())).toBe('instance-not-listening');
  });
});
