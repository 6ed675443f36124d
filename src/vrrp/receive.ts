/**
 * RFC 3768 §7.1 receive validation, in keepalived 2.2.7's order
 * (vrrp.c vrrp_check_packet; research §2.7).
 *
 * Theory of operation
 * - The packet has already passed `decodeAdvertisement` (kernel-level checks),
 *   the VRID lookup and the instance-state gate (router.ts). What is left is
 *   one function that returns the first failing check as a `DropReason`, or
 *   undefined when the advertisement may be used.
 * - The order matters because only the first failure is reported, and it is
 *   keepalived's order, not the RFC's list order: length, TTL, version, auth
 *   type, password, advert interval, type, address count, IP total length,
 *   checksum, multicast/unicast destination, address list, unicast source.
 *
 * Rules (where keepalived departs from RFC 3768 §7.1, keepalived wins)
 * - The TTL check applies to multicast instances only; unicast adverts may
 *   cross routers (keepalived uses min_ttl/max_ttl instead, not modelled).
 * - The address owner does not discard adverts (RFC: "MUST discard"); it
 *   processes them so two owners can resolve the conflict (§2.5).
 * - An address count or list mismatch drops the advert even when the sender's
 *   priority is 255 (the RFC would accept it).
 * - The password is read at tot_len − 8, where keepalived reads it.
 */
import { AUTH_AH, AUTH_DATA_LENGTH, AUTH_NONE, AUTH_PASS, formatIpv4, isMulticast, VRRP_TTL, VRRP_TYPE_ADVERTISEMENT, VRRP_VERSION } from './packet.js';
import type { Advertisement, Ipv4 } from './packet.js';
import type { DropReason } from './types.js';

/** What an instance knows that the checks need. */
export interface ReceiveContext {
  /** Multicast instance (no unicast peers). */
  readonly multicast: boolean;
  readonly authType: typeof AUTH_NONE | typeof AUTH_PASS;
  /** 8 bytes when authType is PASS. */
  readonly authKey: Uint8Array | undefined;
  readonly adverIntS: number;
  readonly vips: readonly Ipv4[];
  readonly unicastPeers: readonly Ipv4[];
  readonly checkUnicastSrc: boolean;
}

/** The first §7.1 check the advertisement fails, or undefined when it passes them all. */
export function checkAdvertisement(a: Advertisement, ctx: ReceiveContext, checkAddrs = true): DropReason | undefined {
  return checkFraming(a, ctx) ?? checkAuthentication(a, ctx) ?? checkContents(a, ctx, checkAddrs);
}

function checkFraming(a: Advertisement, ctx: ReceiveContext): DropReason | undefined {
  // "MUST verify that the received packet contains the complete VRRP packet": keepalived wants an exact length,
  // with 8 auth bytes only when the packet's own version nibble is 2
  const expected = a.headerLength + 8 + (a.version === VRRP_VERSION ? AUTH_DATA_LENGTH : 0) + 4 * a.countIpAddrs;
  if (a.length !== expected) return { code: 'length-mismatch', length: a.length, expected, rfc: '3768§7.1' };
  // "MUST verify that the IP TTL is 255"; keepalived skips it for unicast instances
  if (ctx.multicast && a.ttl !== VRRP_TTL) return { code: 'ttl-not-255', ttl: a.ttl, rfc: '3768§7.1' };
  // "MUST verify the VRRP version"
  if (a.version !== VRRP_VERSION) return { code: 'version-mismatch', version: a.version, rfc: '3768§7.1' };
  return undefined;
}

function checkAuthentication(a: Advertisement, ctx: ReceiveContext): DropReason | undefined {
  if (a.authType !== AUTH_NONE && a.authType !== AUTH_PASS && a.authType !== AUTH_AH) {
    return { code: 'auth-type-invalid', authType: a.authType, rfc: '3768§5.3.6' };
  }
  // "MUST perform authentication specified by Auth Type": the type must match ours
  if (a.authType !== ctx.authType) {
    return { code: 'auth-type-mismatch', authType: a.authType, expected: ctx.authType, rfc: '3768§7.1' };
  }
  if (ctx.authType === AUTH_PASS && !sameKey(a.authData, ctx.authKey)) return { code: 'auth-password-mismatch', rfc: '2338§10.2' };
  // "MUST verify that the Adver Interval in the packet is the same as the locally configured"
  if (a.adverIntS !== ctx.adverIntS) {
    return { code: 'adver-int-mismatch', adverIntS: a.adverIntS, expectedS: ctx.adverIntS, rfc: '3768§7.1' };
  }
  return undefined;
}

function checkContents(a: Advertisement, ctx: ReceiveContext, checkAddrs: boolean): DropReason | undefined {
  if (a.type !== VRRP_TYPE_ADVERTISEMENT) return { code: 'type-invalid', type: a.type, rfc: '3768§5.3.2' };
  // "MAY verify that Count IP Addrs and the list of IP Address matches the IP_Addresses configured"
  if (checkAddrs && a.countIpAddrs !== ctx.vips.length) {
    return { code: 'address-count-mismatch', count: a.countIpAddrs, expected: ctx.vips.length, rfc: '3768§7.1' };
  }
  if (a.totalLength !== a.length) {
    return { code: 'ip-total-length-mismatch', totalLength: a.totalLength, length: a.length, rfc: '3768§7.1' };
  }
  // "MUST verify the VRRP checksum"
  if (!a.checksumValid) return { code: 'checksum-invalid', rfc: '3768§7.1' };
  if (isMulticast(a.destination) !== ctx.multicast) {
    return { code: 'destination-kind-mismatch', multicast: isMulticast(a.destination), rfc: 'keepalived' };
  }
  if (checkAddrs) {
    const missing = ctx.vips.find((vip) => !a.addresses.includes(vip));
    if (missing !== undefined) return { code: 'address-list-mismatch', missing: formatIpv4(missing), rfc: '3768§7.1' };
  }
  if (!ctx.multicast && ctx.checkUnicastSrc && !ctx.unicastPeers.includes(a.source)) {
    return { code: 'unicast-source-not-peer', source: formatIpv4(a.source), rfc: 'keepalived' };
  }
  return undefined;
}

/** keepalived compares in constant time; a simulation has no timing channel, so a plain loop is enough. */
function sameKey(received: Uint8Array | undefined, key: Uint8Array | undefined): boolean {
  if (!received || !key || received.length !== AUTH_DATA_LENGTH) return false;
  for (let i = 0; i < AUTH_DATA_LENGTH; i++) if (received[i] !== key[i]) return false;
  return true;
}
