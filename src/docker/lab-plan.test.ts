import { describe, expect, it } from 'vitest';
import { parseProcNetRoute } from './host-routes.js';
import { planLab, replaceAddresses } from './lab-plan.js';

// A host on 192.0.2.0/24 (eth0), its default route, and docker0.
const ROUTES = parseProcNetRoute(`Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF
`);

const pair = (a: string, b: string, name = 'eth0') => [
  { id: 'lb1', interfaces: [{ name, address: a, prefixLength: 24 }] },
  { id: 'lb2', interfaces: [{ name, address: b, prefixLength: 24 }] },
];

describe('planLab', () => {
  it('keeps a safe subnet and puts the gateway at the top', () => {
    const plan = planLab(pair('198.51.100.1', '198.51.100.2'), ['198.51.100.100'], []);
    expect(plan.segments).toEqual([{ name: 'eth0', subnet: { network: 3325256704, prefixLength: 24 }, gateway: '198.51.100.254' }]);
    expect(plan.moved.size).toBe(0);
  });

  it('moves a segment off a host route, keeping host parts (and so the address order)', () => {
    const plan = planLab(pair('192.0.2.11', '192.0.2.12'), ['192.0.2.100'], ROUTES);
    const seg = plan.segments[0];
    expect(seg?.movedBecause).toContain('192.0.2.0/24 dev eth0');
    expect(plan.addresses.get('lb1')?.get('eth0')).toBe('198.51.100.11');
    expect(plan.addresses.get('lb2')?.get('eth0')).toBe('198.51.100.12');
    expect([...plan.moved]).toEqual([['192.0.2.11', '198.51.100.11'], ['192.0.2.12', '198.51.100.12']]);
  });

  it('never moves onto a subnet that holds a VIP or another segment', () => {
    const nodes = [
      { id: 'a', interfaces: [{ name: 'eth0', address: '192.0.2.1', prefixLength: 24 }, { name: 'eth1', address: '198.51.100.1', prefixLength: 24 }] },
    ];
    const plan = planLab(nodes, ['192.0.2.100'], ROUTES);
    expect(plan.addresses.get('a')?.get('eth0')).toBe('100.64.0.1');
    expect(plan.addresses.get('a')?.get('eth1')).toBe('198.51.100.1');
  });

  it('rewrites whole addresses only', () => {
    const moved = new Map([['192.0.2.1', '198.51.100.1']]);
    expect(replaceAddresses('unicast_src_ip 192.0.2.1\n192.0.2.11\n192.0.2.100/24', moved)).toBe('unicast_src_ip 198.51.100.1\n192.0.2.11\n192.0.2.100/24');
  });
});
