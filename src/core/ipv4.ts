/**
 * Dotted-quad IPv4 addresses as unsigned 32-bit integers, shared by every layer
 * (packet codec, simulated network, address assignment, host-route checks).
 */
export type Ipv4 = number;

/** Parses a dotted quad ("192.0.2.1"); undefined when it is not one. */
export function parseIpv4(text: string): Ipv4 | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(address: Ipv4): string {
  return `${(address >>> 24) & 255}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** The network address of `address` under a prefix length (0..32). */
export const networkOf = (address: Ipv4, prefixLength: number): Ipv4 => address - (address % 2 ** (32 - prefixLength));

/** Write a dotted quad into `out` at `offset` (network byte order). */
export function writeIpv4(out: Uint8Array, offset: number, text: string): void {
  const value = parseIpv4(text) ?? 0;
  out[offset] = (value >>> 24) & 255;
  out[offset + 1] = (value >>> 16) & 255;
  out[offset + 2] = (value >>> 8) & 255;
  out[offset + 3] = value & 255;
}
