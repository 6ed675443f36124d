import { describe, expect, it } from 'vitest';
import {
  AUTH_NONE,
  AUTH_PASS,
  decodeAdvertisement,
  encodeAdvertisement,
  internetChecksum,
  parseIpv4,
  passwordKey,
  VRRP_MULTICAST_GROUP,
} from './packet.js';
import { checkAdvertisement, type ReceiveContext } from './receive.js';

const ip = (s: string): number => parseIpv4(s) as number;
const VIP = ip('192.0.2.100');
const SRC = ip('192.0.2.11');

const ctx: ReceiveContext = {
  multicast: true,
  authType: AUTH_NONE,
  authKey: undefined,
  adverIntS: 1,
  vips: [VIP],
  unicastPeers: [],
  checkUnicastSrc: false,
};

const good = (over: Partial<Parameters<typeof encodeAdvertisement>[0]> = {}): Uint8Array =>
  encodeAdvertisement({
    source: SRC,
    destination: VRRP_MULTICAST_GROUP,
    ipId: 1,
    vrid: 51,
    priority: 150,
    adverIntS: 1,
    authType: AUTH_NONE,
    addresses: [VIP],
    ...over,
  });

/** Rewrites bytes and, unless told otherwise, fixes both checksums so only the intended check fails. */
function mutate(bytes: Uint8Array, edit: (b: Uint8Array) => void, fix = { ip: true, vrrp: true }): Uint8Array {
  const b = bytes.slice();
  edit(b);
  if (fix.vrrp) {
    b[26] = 0;
    b[27] = 0;
    const sum = internetChecksum(b, 20, b.length - 20);
    b[26] = sum >> 8;
    b[27] = sum & 0xff;
  }
  if (fix.ip) {
    b[10] = 0;
    b[11] = 0;
    const sum = internetChecksum(b, 0, 20);
    b[10] = sum >> 8;
    b[11] = sum & 0xff;
  }
  return b;
}

function check(bytes: Uint8Array, context: ReceiveContext = ctx): string {
  const decoded = decodeAdvertisement(bytes);
  if (!decoded.ok) return `decode:${decoded.error.code}`;
  return checkAdvertisement(decoded.value, context)?.code ?? 'ok';
}

describe('RFC 3768 §7.1 receive checks in keepalived order (research §2.7)', () => {
  it('accepts a well-formed advertisement, from an owner too (keepalived does not discard)', () => {
    expect(check(good())).toBe('ok');
    expect(check(good({ priority: 255 }))).toBe('ok');
    expect(check(good({ priority: 0 }))).toBe('ok');
  });

  it('#2 the length must be exact', () => {
    const longer = new Uint8Array(41);
    longer.set(good());
    expect(check(longer)).toBe('length-mismatch');
    expect(check(good().subarray(0, 36))).toBe('length-mismatch');
  });

  it('#3 TTL must be 255 on a multicast instance, and is not checked on a unicast one', () => {
    const ttl = mutate(good(), (b) => (b[8] = 254));
    expect(check(ttl)).toBe('ttl-not-255');
    const unicast = mutate(good({ destination: ip('192.0.2.12') }), (b) => (b[8] = 64));
    expect(check(unicast, { ...ctx, multicast: false, unicastPeers: [SRC] })).toBe('ok');
  });

  it('#4 version must be 2 (a v3-shaped packet has no auth bytes)', () => {
    const v3 = mutate(good().subarray(0, 32), (b) => {
      b[3] = 32;
      b[20] = 0x31;
    });
    expect(check(v3)).toBe('version-mismatch');
  });

  it('#5 auth type must be 0, 1 or 2', () => {
    expect(check(mutate(good(), (b) => (b[24] = 7)))).toBe('auth-type-invalid');
  });

  it('#6 auth type must match ours', () => {
    expect(check(good(), { ...ctx, authType: AUTH_PASS, authKey: passwordKey('secret1') })).toBe('auth-type-mismatch');
    expect(check(good({ authType: AUTH_PASS, authData: passwordKey('secret1') }))).toBe('auth-type-mismatch');
  });

  it('#7 PASS: the 8-byte key must match; differences after byte 8 do not count', () => {
    const pass = { ...ctx, authType: AUTH_PASS, authKey: passwordKey('secret1') } as const;
    expect(check(good({ authType: AUTH_PASS, authData: passwordKey('secret2') }), pass)).toBe('auth-password-mismatch');
    expect(check(good({ authType: AUTH_PASS, authData: passwordKey('secret1') }), pass)).toBe('ok');
    const long = { ...ctx, authType: AUTH_PASS, authKey: passwordKey('password1') } as const;
    expect(check(good({ authType: AUTH_PASS, authData: passwordKey('password2') }), long)).toBe('ok');
  });

  it('#9 advert interval must equal ours (v2)', () => {
    expect(check(good({ adverIntS: 2 }))).toBe('adver-int-mismatch');
  });

  it('#10 type must be 1 (ADVERTISEMENT)', () => {
    expect(check(mutate(good(), (b) => (b[20] = 0x22)))).toBe('type-invalid');
  });

  it('#11 the address count must match', () => {
    expect(check(good({ addresses: [VIP, ip('192.0.2.101')] }))).toBe('address-count-mismatch');
  });

  it('#12 the IP total length must equal the bytes received', () => {
    expect(check(mutate(good(), (b) => (b[3] = 44)))).toBe('ip-total-length-mismatch');
  });

  it('#13 the VRRP checksum must verify', () => {
    expect(check(mutate(good(), (b) => (b[27] = (b[27] as number) ^ 1), { ip: true, vrrp: false }))).toBe('checksum-invalid');
    expect(check(mutate(good(), (b) => (b[22] = 151), { ip: true, vrrp: false }))).toBe('checksum-invalid');
  });

  it('#14 a multicast instance refuses unicast adverts and the reverse', () => {
    expect(check(good({ destination: ip('192.0.2.12') }))).toBe('destination-kind-mismatch');
    expect(check(good(), { ...ctx, multicast: false })).toBe('destination-kind-mismatch');
  });

  it('#15 every local VIP must be in the advert, in any order', () => {
    expect(check(good({ addresses: [ip('192.0.2.99')] }))).toBe('address-list-mismatch');
    const two = { ...ctx, vips: [VIP, ip('192.0.2.101')] };
    expect(check(good({ addresses: [ip('192.0.2.101'), VIP] }), two)).toBe('ok');
  });

  it('#16 check_unicast_src: the source must be a listed peer', () => {
    const unicast = { ...ctx, multicast: false, unicastPeers: [ip('192.0.2.13')], checkUnicastSrc: true };
    expect(check(good({ destination: ip('192.0.2.12') }), unicast)).toBe('unicast-source-not-peer');
    expect(check(good({ destination: ip('192.0.2.12') }), { ...unicast, checkUnicastSrc: false })).toBe('ok');
  });

  it('reports the first failure only, in keepalived order', () => {
    // bad TTL and bad interval: TTL comes first
    expect(check(mutate(good({ adverIntS: 3 }), (b) => (b[8] = 1)))).toBe('ttl-not-255');
    // bad interval and bad type: the interval comes first in keepalived
    expect(check(mutate(good({ adverIntS: 3 }), (b) => (b[20] = 0x25)))).toBe('adver-int-mismatch');
  });
});
