import { describe, expect, it } from 'vitest';
import { diagnoseForwarding, type RealServerSetup } from './forwarding-diagnosis.js';

/** A real server set up by the book for each method. */
const GOOD: Record<'dr' | 'tun' | 'nat', RealServerSetup> = {
  dr: { vip: 'lo', arpIgnore: 1, arpAnnounce: 2, sameSegment: true, port: 80, servicePort: 80, listensOn: 'any' },
  tun: { vip: 'tunnel', tunnelInterface: true, rpFilter: 0, arpIgnore: 1, arpAnnounce: 2, port: 80, servicePort: 80, listensOn: 'any' },
  nat: { routeViaDirector: true, clientsOnSameSubnet: false, port: 8080, servicePort: 80 },
};

const codes = (method: 'dr' | 'tun' | 'nat', change: RealServerSetup) => diagnoseForwarding(method, { ...GOOD[method], ...change }).map((p) => p.code);

describe('forwarding diagnosis', () => {
  it('finds nothing wrong with a real server set up by the book', () => {
    for (const m of ['dr', 'tun', 'nat'] as const) expect(diagnoseForwarding(m, GOOD[m])).toEqual([]);
  });

  it('DR without the VIP on the real server: it drops the packet, the connection times out', () => {
    const [p] = diagnoseForwarding('dr', { ...GOOD.dr, vip: 'none' });
    expect(p).toMatchObject({ code: 'dr-vip-missing', severity: 'error' });
    expect(p?.symptom).toMatch(/time out/);
  });

  it('DR with the VIP but ARP not suppressed: clients bypass the director intermittently', () => {
    const [p] = diagnoseForwarding('dr', { ...GOOD.dr, arpIgnore: 0 });
    expect(p).toMatchObject({ code: 'dr-arp-not-suppressed', severity: 'warning' });
    expect(p?.symptom).toMatch(/bypasses the director/);
    expect(codes('dr', { vip: 'lan-interface' })).toEqual(['dr-arp-not-suppressed']);
    expect(codes('dr', { arpAnnounce: 0 })).toEqual(['dr-arp-announce']);
  });

  it('DR and TUN cannot map ports: the packet arrives on the virtual port', () => {
    expect(codes('dr', { port: 8080 })).toEqual(['port-mapping-impossible']);
    expect(codes('tun', { port: 8080 })).toEqual(['port-mapping-impossible']);
    expect(codes('nat', { port: 8080 })).toEqual([]);
  });

  it('DR needs the real server on the director\'s segment, and the service on the VIP', () => {
    expect(codes('dr', { sameSegment: false })).toEqual(['dr-not-on-segment']);
    expect(codes('dr', { listensOn: 'rip' })).toEqual(['service-bound-to-rip']);
  });

  it('NAT without the route back through the director: replies come from the RIP and the client resets them', () => {
    const [p] = diagnoseForwarding('nat', { ...GOOD.nat, routeViaDirector: false });
    expect(p).toMatchObject({ code: 'nat-reply-bypasses-director', severity: 'error' });
    expect(p?.symptom).toMatch(/resets/);
    expect(codes('nat', { clientsOnSameSubnet: true })).toEqual(['nat-hairpin']);
  });

  it('TUN without the tunnel interface, without the VIP, or with strict rp_filter drops the packets', () => {
    expect(codes('tun', { tunnelInterface: false })).toEqual(['tun-no-tunnel-interface']);
    expect(codes('tun', { vip: 'none' })).toEqual(['tun-vip-missing']);
    expect(codes('tun', { rpFilter: 1 })).toEqual(['tun-rp-filter']);
    expect(codes('tun', { rpFilter: 2 })).toEqual([]);
  });

  it('a remote TUN real server answering ARP for the VIP harms no one on the director\'s segment', () => {
    expect(codes('tun', { arpIgnore: 0, sameSegment: false })).toEqual([]);
    expect(codes('tun', { arpIgnore: 0, sameSegment: true })).toEqual(['tun-arp-not-suppressed']);
  });

  it('every finding says what happens, what the user sees and how to fix it', () => {
    const all = [
      ...diagnoseForwarding('dr', { vip: 'none', arpIgnore: 0, sameSegment: false, port: 1, servicePort: 2, listensOn: 'rip' }),
      ...diagnoseForwarding('tun', { vip: 'none', tunnelInterface: false, rpFilter: 1 }),
      ...diagnoseForwarding('nat', { routeViaDirector: false, clientsOnSameSubnet: true }),
    ];
    for (const p of all) for (const field of [p.mechanism, p.symptom, p.fix, p.ref]) expect(field.length).toBeGreaterThan(10);
  });
});
