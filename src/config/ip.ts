/**
 * Address parsing as glibc's inet_pton does it (keepalived feeds every address
 * through inet_pton): IPv4 is exactly four decimal octets without leading
 * zeros; IPv6 is the RFC 4291 text form, with an optional trailing dotted quad.
 */

export type Family = 'inet' | 'inet6';

export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    if (p.length > 1 && p.startsWith('0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

export function parseIPv6(text: string): number[] | undefined {
  if (text === '' || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    body = text.slice(0, lastColon + 1);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (total > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest, ...tail];
  } else {
    if (total !== 8) return undefined;
    groups = [...head, ...tail];
  }
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** keepalived picks the family by the presence of ':' (inet_stosockaddr, parse_ipaddress). */
export const familyOf = (text: string): Family => (text.includes(':') ? 'inet6' : 'inet');

export function parseAddress(text: string): { family: Family; bytes: number[] } | undefined {
  const family = familyOf(text);
  const bytes = family === 'inet' ? parseIPv4(text) : parseIPv6(text);
  return bytes ? { family, bytes } : undefined;
}

export const isMulticast = (a: { family: Family; bytes: number[] }): boolean =>
  a.family === 'inet' ? ((a.bytes[0] ?? 0) & 0xf0) === 0xe0 : a.bytes[0] === 0xff;

export const isLinkLocal6 = (a: { family: Family; bytes: number[] }): boolean =>
  a.family === 'inet6' && a.bytes[0] === 0xfe && ((a.bytes[1] ?? 0) & 0xc0) === 0x80;

/** Canonical text of an address (dotted quad, or IPv6 with zero-run compression). */
export function formatAddress(a: { family: Family; bytes: number[] }): string {
  if (a.family === 'inet') return a.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a.bytes[i] ?? 0) << 8) | (a.bytes[i + 1] ?? 0));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
