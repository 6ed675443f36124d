import { describe, expect, it } from 'vitest';
import { formatSubnet, overlappingRoute, parseIpv4, parseProcNetRoute } from './host-routes.js';

const PROC = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0100FF0A\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t0000FF0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth1\t007100CB\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

describe('host routes', () => {
  const routes = parseProcNetRoute(PROC);

  it('reads networks and prefixes from little-endian hex', () => {
    expect(routes.map((r) => `${formatSubnet(r)} ${r.interface}`)).toEqual(['0.0.0.0/0 eth0', '10.255.0.0/16 eth0', '172.17.0.0/16 docker0', '203.0.113.0/24 eth1']);
  });

  it('refuses a lab subnet inside or around a host route, ignores the default route', () => {
    const at = (s: string, p: number) => overlappingRoute({ network: parseIpv4(s) as number, prefixLength: p }, routes);
    expect(at('10.255.3.0', 24)?.interface).toBe('eth0');
    expect(at('10.0.0.0', 8)?.interface).toBe('eth0');
    expect(at('203.0.113.0', 24)?.interface).toBe('eth1');
    expect(at('192.0.2.0', 24)).toBeUndefined();
    expect(at('198.51.100.0', 24)).toBeUndefined();
  });
});
