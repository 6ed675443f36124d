import { describe, expect, it } from 'vitest';
import { assignAddresses, formatIpv4, parseIpv4, type AddressNeeds } from './addresses.js';

const vip = (address: string, prefixLength: number, iface = 'eth0') => ({ address, prefixLength, interface: iface });
const simple = (node: string, fixed?: string): AddressNeeds => ({
  node,
  interfaces: [{ name: 'eth0', ...(fixed ? { fixed } : {}) }],
  vips: [vip('192.0.2.100', 24)],
});
const addresses = (needs: AddressNeeds[]): Record<string, string[]> =>
  Object.fromEntries([...assignAddresses(needs)].map(([node, ifs]) => [node, ifs.map((i) => `${i.name} ${i.address}/${i.prefixLength} ${i.source}`)]));

describe('address assignment', () => {
  it('round-trips dotted quads', () => {
    expect(formatIpv4(parseIpv4('192.0.2.100') as number)).toBe('192.0.2.100');
    expect(parseIpv4('192.0.2.256')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
  });

  it('numbers nodes from the start of the first VIP\'s subnet, in the order given', () => {
    expect(addresses([simple('lb1'), simple('lb2'), simple('lb3')])).toEqual({
      lb1: ['eth0 192.0.2.1/24 assigned'],
      lb2: ['eth0 192.0.2.2/24 assigned'],
      lb3: ['eth0 192.0.2.3/24 assigned'],
    });
  });

  it('skips the VIPs and every given address', () => {
    const needs: AddressNeeds[] = [
      { node: 'a', interfaces: [{ name: 'eth0' }], vips: [vip('192.0.2.1', 24), vip('192.0.2.3', 24)] },
      simple('b', '192.0.2.2'),
      simple('c'),
    ];
    expect(addresses(needs)).toEqual({ a: ['eth0 192.0.2.4/24 assigned'], b: ['eth0 192.0.2.2/24 given'], c: ['eth0 192.0.2.5/24 assigned'] });
  });

  it('uses the /24 around a /32 VIP', () => {
    const needs: AddressNeeds[] = [{ node: 'cc1', interfaces: [{ name: 'eth1' }], vips: [vip('198.51.100.50', 32, 'eth1')] }];
    expect(addresses(needs)).toEqual({ cc1: ['eth1 198.51.100.1/24 assigned'] });
  });

  it('gives interfaces without VIPs their own spare subnet, one per interface name', () => {
    const gw = (node: string): AddressNeeds => ({ node, interfaces: [{ name: 'eth1' }, { name: 'eth0' }], vips: [vip('192.0.2.1', 24, 'eth1')] });
    expect(addresses([gw('gw1'), gw('gw2')])).toEqual({
      gw1: ['eth1 192.0.2.2/24 assigned', 'eth0 198.51.100.1/24 assigned'],
      gw2: ['eth1 192.0.2.3/24 assigned', 'eth0 198.51.100.2/24 assigned'],
    });
  });

  it('keeps a given address outside the VIP subnet as a /24', () => {
    expect(addresses([simple('lb1', '203.0.113.5')])).toEqual({ lb1: ['eth0 203.0.113.5/24 given'] });
  });
});
