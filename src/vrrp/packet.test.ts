import { describe, expect, it } from 'vitest';
import {
  AUTH_NONE,
  AUTH_PASS,
  decodeAdvertisement,
  encodeAdvertisement,
  formatIpv4,
  fromHex,
  internetChecksum,
  parseIpv4,
  passwordKey,
  toHex,
  VRRP_MULTICAST_GROUP,
  type Advertisement,
} from './packet.js';

const ip = (s: string): number => {
  const v = parseIpv4(s);
  if (v === undefined) throw new Error(`bad test address ${s}`);
  return v;
};

// research §2.8, captured from keepalived 2.2.7: vrid 51, prio 150, adv 1 s, VIP 10.99.0.100, src 10.99.0.1
const V2_NO_AUTH = '45c0 0028 0001 0000 ff70 d02e 0a63 0001 e000 0012 | 2133 9601 0001 3e03 0a63 0064 0000 0000 0000 0000';
const V2_PASS_VRRP = '2133 9601 0101 cfb6 0a63 0064 7365 6372 6574 3100';

const base = {
  source: ip('10.99.0.1'),
  destination: VRRP_MULTICAST_GROUP,
  ipId: 1,
  vrid: 51,
  priority: 150,
  adverIntS: 1,
  addresses: [ip('10.99.0.100')],
} as const;

function decoded(bytes: Uint8Array): Advertisement {
  const r = decodeAdvertisement(bytes);
  if (!r.ok) throw new Error(`expected a decoded packet, got ${r.error.code}`);
  return r.value;
}

describe('addresses', () => {
  it('parses and formats dotted quads as unsigned host-order integers', () => {
    expect(ip('224.0.0.18')).toBe(0xe0000012);
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4(ip('192.0.2.11'))).toBe('192.0.2.11');
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1.2.3.4.5', '', '1..2.3']) expect(parseIpv4(bad)).toBeUndefined();
  });
});

describe('encode (RFC 3768 §5, keepalived vrrp_build_ip4/vrrp_build_vrrp_v2)', () => {
  it('matches the captured v2 no-auth datagram byte for byte', () => {
    expect(toHex(encodeAdvertisement({ ...base, authType: AUTH_NONE }))).toBe(toHex(fromHex(V2_NO_AUTH)));
  });

  it('matches the captured v2 PASS body; the key is zero padded to 8 bytes', () => {
    const bytes = encodeAdvertisement({ ...base, authType: AUTH_PASS, authData: passwordKey('secret1') });
    expect(toHex(bytes.subarray(20))).toBe(toHex(fromHex(V2_PASS_VRRP)));
    expect(bytes.length).toBe(40);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
  });

  it('keeps only the first 8 bytes of a password', () => {
    expect(toHex(passwordKey('password1'))).toBe(toHex(passwordKey('password2')));
    expect(toHex(passwordKey(''))).toBe('0000000000000000');
  });
});

describe('decode', () => {
  it('reads every field of the captured datagram', () => {
    const a = decoded(fromHex(V2_NO_AUTH));
    expect(a).toMatchObject({
      length: 40,
      headerLength: 20,
      totalLength: 40,
      ttl: 255,
      ipId: 1,
      source: ip('10.99.0.1'),
      destination: VRRP_MULTICAST_GROUP,
      version: 2,
      type: 1,
      vrid: 51,
      priority: 150,
      countIpAddrs: 1,
      authType: 0,
      adverIntS: 1,
      checksum: 0x3e03,
      addresses: [ip('10.99.0.100')],
      checksumValid: true,
    });
  });

  it('round-trips several addresses and a password', () => {
    const addresses = [ip('192.0.2.100'), ip('192.0.2.101'), ip('198.51.100.7')];
    const bytes = encodeAdvertisement({ ...base, addresses, authType: AUTH_PASS, authData: passwordKey('pw'), ipId: 65535 });
    const a = decoded(bytes);
    expect(a.addresses).toEqual(addresses);
    expect(a.ipId).toBe(65535);
    expect(toHex(a.authData ?? new Uint8Array())).toBe(toHex(passwordKey('pw')));
    expect(a.checksumValid).toBe(true);
  });

  it('drops what the kernel or vrrp_get_header would', () => {
    const good = fromHex(V2_NO_AUTH);
    const code = (b: Uint8Array): string => {
      const r = decodeAdvertisement(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(good.subarray(0, 19))).toBe('too-short');
    expect(code(good.subarray(0, 27))).toBe('too-short');
    const v6 = good.slice();
    v6[0] = 0x65;
    expect(code(v6)).toBe('not-ipv4');
    const ihl = good.slice();
    ihl[0] = 0x44;
    expect(code(ihl)).toBe('ip-header-invalid');
    const sum = good.slice();
    sum[10] = 0;
    expect(code(sum)).toBe('ip-header-invalid');
    const proto = good.slice();
    proto[9] = 17;
    proto[10] = 0;
    proto[11] = 0;
    const fix = internetChecksum(proto, 0, 20);
    proto[10] = fix >> 8;
    proto[11] = fix & 0xff;
    expect(code(proto)).toBe('not-vrrp-protocol');
  });

  it('reads a truncated packet leniently for the receive checks to judge', () => {
    const bytes = encodeAdvertisement({ ...base, authType: AUTH_NONE, addresses: [1, 2, 3] });
    const a = decoded(bytes.subarray(0, 32));
    expect(a.countIpAddrs).toBe(3);
    expect(a.addresses).toEqual([1]);
    expect(a.checksumValid).toBe(false);
    expect(a.authData).toBeUndefined();
  });
});
