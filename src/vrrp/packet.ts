/**
 * VRRPv2 advertisements on the wire: the whole IPv4 datagram, header included
 * (RFC 3768 §5), as keepalived 2.2.7 builds it.
 *
 * Theory of operation
 * - `encodeAdvertisement` writes one datagram: IPv4 header (TOS 0xC0, DF clear,
 *   TTL 255, protocol 112, header checksum filled in as the kernel does for an
 *   IP_HDRINCL socket) followed by the VRRP message and its checksum.
 * - `decodeAdvertisement` only does what the kernel and keepalived's
 *   `vrrp_get_header` do before a packet reaches an instance: enough bytes for
 *   the IP header and the 8-byte VRRP header, IPv4, a sane header, protocol 112.
 *   It then reads every field it can, leniently, so that `receive.ts` can run
 *   keepalived's checks in keepalived's order and name the one that fails.
 *
 * Rules
 * - Addresses are unsigned 32-bit integers in host order (`Ipv4`); the dotted
 *   form is only built for people (`formatIpv4`).
 * - Nothing here throws on peer input; malformed bytes become a `DropReason`.
 */
import { err, ok, type Result } from '../core/result.js';
import { IPPROTO_VRRP, PRIORITY_OWNER, PRIORITY_STOP, VRRP_MULTICAST_GROUP, VRRP_TTL, VRRP_TYPE_ADVERTISEMENT, VRRP_VERSION } from '../core/rfc3768.js';
import type { DropReason } from './types.js';

/** An IPv4 address as an unsigned 32-bit integer (10.0.0.1 = 0x0a000001). */
export type Ipv4 = number;

export { IPPROTO_VRRP, VRRP_VERSION, VRRP_TYPE_ADVERTISEMENT, VRRP_MULTICAST_GROUP, VRRP_TTL, PRIORITY_OWNER, PRIORITY_STOP };
/** keepalived marks adverts "internetwork control" (vrrp_build_ip4). */
export const VRRP_TOS = 0xc0;
export const AUTH_NONE = 0;
/** RFC 2338 simple text password; RFC 3768 calls type 1 "reserved". */
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
export const AUTH_DATA_LENGTH = 8;
export const IPV4_HEADER_LENGTH = 20;
export const VRRP_HEADER_LENGTH = 8;

// ---------------------------------------------------------------- addresses

export { parseIpv4, formatIpv4 } from '../core/ipv4.js';

export const isMulticast = (address: Ipv4): boolean => address >>> 28 === 0xe;

/**
 * keepalived's PASS key: the first 8 bytes of `auth_pass`, zero padded, so
 * "password1" and "password2" are the same key (research §2.9).
 */
export function passwordKey(password: string): Uint8Array {
  const utf8 = new TextEncoder().encode(password);
  const key = new Uint8Array(AUTH_DATA_LENGTH);
  key.set(utf8.subarray(0, AUTH_DATA_LENGTH));
  return key;
}

// ---------------------------------------------------------------- checksum

/** RFC 1071 one's-complement sum of `length` bytes from `offset`, folded to 16 bits and inverted. */
export function internetChecksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < end) sum += (bytes[i] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// ---------------------------------------------------------------- encode

export interface AdvertisementFields {
  readonly source: Ipv4;
  readonly destination: Ipv4;
  /** IP identification; keepalived counts from 1 per instance and skips 0. */
  readonly ipId: number;
  readonly vrid: number;
  readonly priority: number;
  readonly adverIntS: number;
  readonly authType: typeof AUTH_NONE | typeof AUTH_PASS;
  /** 8 bytes for PASS; ignored (zeros sent) for none. */
  readonly authData?: Uint8Array;
  readonly addresses: readonly Ipv4[];
  readonly ttl?: number;
}

/** The complete IPv4 datagram carrying one VRRPv2 advertisement. */
export function encodeAdvertisement(f: AdvertisementFields): Uint8Array {
  const count = f.addresses.length;
  const vrrpLength = VRRP_HEADER_LENGTH + 4 * count + AUTH_DATA_LENGTH;
  const total = IPV4_HEADER_LENGTH + vrrpLength;
  const b = new Uint8Array(total);
  b[0] = 0x45;
  b[1] = VRRP_TOS;
  writeU16(b, 2, total);
  writeU16(b, 4, f.ipId);
  // bytes 6-7: flags and fragment offset stay 0 (keepalived does not set DF)
  b[8] = f.ttl ?? VRRP_TTL;
  b[9] = IPPROTO_VRRP;
  writeU32(b, 12, f.source);
  writeU32(b, 16, f.destination);
  writeU16(b, 10, internetChecksum(b, 0, IPV4_HEADER_LENGTH));

  const v = IPV4_HEADER_LENGTH;
  b[v] = (VRRP_VERSION << 4) | VRRP_TYPE_ADVERTISEMENT;
  b[v + 1] = f.vrid;
  b[v + 2] = f.priority;
  b[v + 3] = count;
  b[v + 4] = f.authType;
  b[v + 5] = f.adverIntS;
  for (let i = 0; i < count; i++) writeU32(b, v + VRRP_HEADER_LENGTH + 4 * i, f.addresses[i] as number);
  if (f.authType === AUTH_PASS && f.authData) b.set(f.authData.subarray(0, AUTH_DATA_LENGTH), total - AUTH_DATA_LENGTH);
  // RFC 3768 §5.3.8: over the whole VRRP message, no pseudo-header in v2
  writeU16(b, v + 6, internetChecksum(b, v, vrrpLength));
  return b;
}

// ---------------------------------------------------------------- decode

/**
 * What a received datagram says, read leniently: fields that do not fit the
 * bytes are absent or short (`addresses` holds what is present), and the
 * receive checks decide what that means.
 */
export interface Advertisement {
  /** Bytes received (the kernel's recvmsg length). */
  readonly length: number;
  readonly headerLength: number;
  readonly totalLength: number;
  readonly ttl: number;
  readonly ipId: number;
  readonly source: Ipv4;
  readonly destination: Ipv4;
  /** High nibble of the first VRRP byte. */
  readonly version: number;
  /** Low nibble of the first VRRP byte. */
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  readonly countIpAddrs: number;
  readonly authType: number;
  readonly adverIntS: number;
  readonly checksum: number;
  /** The addresses present in the bytes (fewer than countIpAddrs when truncated). */
  readonly addresses: readonly Ipv4[];
  /** keepalived reads the password at tot_len − 8; undefined when that is outside the bytes. */
  readonly authData: Uint8Array | undefined;
  /** The v2 checksum over 8 + 4n + 8 bytes verifies (false when those bytes are not all present). */
  readonly checksumValid: boolean;
}

/** Kernel and `vrrp_get_header` checks, then a lenient parse (see the header comment). */
export function decodeAdvertisement(bytes: Uint8Array): Result<Advertisement, DropReason> {
  const length = bytes.length;
  if (length < IPV4_HEADER_LENGTH) return err({ code: 'too-short', length, rfc: '3768§7.1' });
  const version = (bytes[0] as number) >>> 4;
  if (version !== 4) return err({ code: 'not-ipv4', version, rfc: '3768§5.2' });
  const headerLength = ((bytes[0] as number) & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) {
    return err({ code: 'ip-header-invalid', detail: `header length ${headerLength} < 20`, rfc: '3768§5.2' });
  }
  // keepalived: "IPv4 VRRP packet too short" unless the VRRP header is complete
  if (length < headerLength + VRRP_HEADER_LENGTH) return err({ code: 'too-short', length, rfc: '3768§7.1' });
  if (internetChecksum(bytes, 0, headerLength) !== 0) {
    return err({ code: 'ip-header-invalid', detail: 'bad header checksum', rfc: '3768§5.2' });
  }
  // The kernel reassembles fragments before a raw socket sees them; we do not.
  if ((readU16(bytes, 6) & 0x3fff) !== 0) {
    return err({ code: 'ip-header-invalid', detail: 'fragment', rfc: '3768§5.2' });
  }
  const protocol = bytes[9] as number;
  if (protocol !== IPPROTO_VRRP) return err({ code: 'not-vrrp-protocol', protocol, rfc: '3768§5.2.4' });
  return ok(parseFields(bytes, headerLength));
}

function parseFields(bytes: Uint8Array, headerLength: number): Advertisement {
  const length = bytes.length;
  const v = headerLength;
  const countIpAddrs = bytes[v + 3] as number;
  const present = Math.min(countIpAddrs, Math.floor((length - v - VRRP_HEADER_LENGTH) / 4));
  const addresses: Ipv4[] = new Array<Ipv4>(present);
  for (let i = 0; i < present; i++) addresses[i] = readU32(bytes, v + VRRP_HEADER_LENGTH + 4 * i);
  const totalLength = readU16(bytes, 2);
  const passAt = totalLength - AUTH_DATA_LENGTH;
  const vrrpLength = VRRP_HEADER_LENGTH + 4 * countIpAddrs + AUTH_DATA_LENGTH;
  return {
    length,
    headerLength,
    totalLength,
    ttl: bytes[8] as number,
    ipId: readU16(bytes, 4),
    source: readU32(bytes, 12),
    destination: readU32(bytes, 16),
    version: (bytes[v] as number) >>> 4,
    type: (bytes[v] as number) & 0x0f,
    vrid: bytes[v + 1] as number,
    priority: bytes[v + 2] as number,
    countIpAddrs,
    authType: bytes[v + 4] as number,
    adverIntS: bytes[v + 5] as number,
    checksum: readU16(bytes, v + 6),
    addresses,
    authData: passAt >= v && totalLength <= length ? bytes.subarray(passAt, totalLength) : undefined,
    checksumValid: v + vrrpLength <= length && internetChecksum(bytes, v, vrrpLength) === 0,
  };
}

// ---------------------------------------------------------------- byte helpers

function writeU16(b: Uint8Array, at: number, value: number): void {
  b[at] = (value >>> 8) & 0xff;
  b[at + 1] = value & 0xff;
}

function writeU32(b: Uint8Array, at: number, value: number): void {
  b[at] = (value >>> 24) & 0xff;
  b[at + 1] = (value >>> 16) & 0xff;
  b[at + 2] = (value >>> 8) & 0xff;
  b[at + 3] = value & 0xff;
}

function readU16(b: Uint8Array, at: number): number {
  return (((b[at] as number) << 8) | (b[at + 1] as number)) >>> 0;
}

function readU32(b: Uint8Array, at: number): number {
  return (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0;
}

/** Lower-case hex with no separators, for tests and traces. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const byte of bytes) s += byte.toString(16).padStart(2, '0');
  return s;
}

/** Parses hex, ignoring whitespace and `|` separators (the research notes' format). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s|]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
